// The shape every utxo-* executable shares, so that each main.cpp only names its tool and its
// commands: one CLI11 app whose parsed subcommand leaves one Action; main parses, sets the log
// level, runs the action, prints a failure as one line on stderr and maps it to the exit code.
// Executables only: no library includes this (scripts/check-deps.py), so CLI11 never reaches one.
#pragma once
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <functional>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/log.h"

namespace utxo::cli {

// What the parsed command line asks for, set by the callback of the subcommand that was parsed.
using Action = std::function<core::Status()>;

struct Tool {
    std::string logger;        // the part's logger, e.g. "indexer" (core/log.h)
    std::string log_pattern;   // spdlog pattern of that logger; empty keeps spdlog's default
    std::string description;   // the app's description in --help
    std::string error_prefix;  // before each failure line, e.g. "utxo-indexer: "
    bool subcommand = true;    // exactly one subcommand is required
    spdlog::level::level_enum log_level = spdlog::level::warn;
    // With a value, a -v,--verbose flag raises the log level to it.
    std::optional<spdlog::level::level_enum> verbose_level;
    std::string verbose_help = "log progress milestones";
    std::function<void(CLI::App&, Action&)> add_commands;
};

// Exit codes of every tool (docs/architecture.md): 0 ok, 1 a negative verdict, 2 usage or I/O.
inline int exit_code(const core::Error& e) { return e.code == core::Errc::rejected ? 1 : 2; }

// The whole main of a tool.
inline int run(int argc, char** argv, const Tool& tool) {
    auto& log = core::named_logger(tool.logger);
    if (!tool.log_pattern.empty()) log.set_pattern(tool.log_pattern);
    spdlog::set_level(tool.log_level);

    CLI::App app{tool.description};
    if (tool.subcommand) app.require_subcommand(1);
    bool verbose = false;
    if (tool.verbose_level) app.add_flag("-v,--verbose", verbose, tool.verbose_help);
    Action action;
    tool.add_commands(app, action);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;  // --help is 0; usage errors are 2, like every tool here
    }
    if (verbose) spdlog::set_level(*tool.verbose_level);

    try {
        if (auto done = action(); !done) {
            fmt::print(stderr, "{}{}\n", tool.error_prefix, done.error().message);
            return exit_code(done.error());
        }
    } catch (const std::exception& e) {  // a library throwing past our boundaries is still reported
        fmt::print(stderr, "{}{}\n", tool.error_prefix, e.what());
        return 2;
    }
    return 0;
}

}  // namespace utxo::cli

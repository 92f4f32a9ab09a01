// The shape every utxo-* executable shares, so that each main.cpp only names its tool and its
// commands: one CLI11 app whose parsed subcommand leaves one Action; main parses, sets the log
// level and colour, runs the action, prints a failure as one line on stderr and maps it to the
// exit code. The conventions it gives every tool (cli/README.md):
//   --version   "<tool> <version> (<commit>[-dirty])" on stdout, exit 0 (cli/version.h)
//   usage       a command line CLI11 refuses is one line "<tool>: <what>" on stderr, exit 2
//   -v / -q     more or less logging, before or after the subcommand
//   NO_COLOR    set and not empty: no ANSI colour in the log (https://no-color.org)
//   --config    options from a TOML file, the command line overriding it (cli/config.h); a file
//               that cannot be read or holds an unknown key is a usage error naming both
// Executables only: no library includes this (scripts/check-deps.py), so CLI11 never reaches one.
#pragma once
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <exception>
#include <functional>
#include <string>

#include "cli/action.h"
#include "cli/colour.h"
#include "cli/config.h"
#include "cli/daemon.h"
#include "cli/version.h"  // generated in the build tree (cli/version.cmake)
#include "core/error.h"
#include "core/log.h"

namespace utxo::cli {

struct Tool {
    std::string name;         // the executable, e.g. "utxo-indexer": --version and usage errors
    std::string logger;       // the part's logger, e.g. "indexer" (core/log.h)
    std::string log_pattern;  // spdlog pattern of that logger; empty keeps spdlog's default
    std::string description;  // the app's description in --help
    // A failed action's line starts with "<name>: ". Tools whose messages start with the file they
    // are about (signer, trustnet, as minisign's do) turn this off; a command line CLI11 refuses is
    // always "<name>: <what>".
    bool name_failures = true;
    bool subcommand = true;  // exactly one subcommand is required
    spdlog::level::level_enum log_level = spdlog::level::warn;
    spdlog::level::level_enum verbose_level = spdlog::level::info;  // with -v,--verbose
    spdlog::level::level_enum quiet_level = spdlog::level::err;     // with -q,--quiet
    std::string verbose_help = "log progress milestones";
    std::string quiet_help = "log errors only";
    std::function<void(CLI::App&, Action&)> add_commands;
};

// Exit codes of every tool (docs/architecture.md): 0 ok, 1 a negative verdict, 2 usage or I/O.
inline int exit_code(const core::Error& e) {
    return e.code == core::Errc::rejected ? 1 : e.code == core::Errc::stale ? 3 : 2;
}

// "utxo-indexer 0.1.0 (f518c74)": what --version prints.
inline std::string version_line(const std::string& tool) {
    return fmt::format("{} {} ({})", tool, kVersion, kCommit);
}

// CLI11's message as one line.
inline std::string one_line(std::string text) {
    while (!text.empty() && text.back() == '\n') text.pop_back();
    std::replace(text.begin(), text.end(), '\n', ' ');
    return text;
}

// The usage error for a command line without a subcommand CLI11 knows, naming the commands
// (CLI11 says only "A subcommand is required", even for a misspelt one).
inline std::string no_command_message(const CLI::App& app) {
    std::string names;
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; }))
        names += (names.empty() ? "" : ", ") + sub->get_name();
    const auto left = app.remaining();
    for (const auto& word : left)
        if (!word.starts_with("-")) return fmt::format("unknown command \"{}\" (commands: {})", word, names);
    if (!left.empty()) return fmt::format("unknown option \"{}\" (commands: {})", left.front(), names);
    return fmt::format("a command is required: {}", names);
}

// The one line of a usage error. A config file's trouble is worded by read_config, naming the file
// and the key.
inline std::string usage_message(const CLI::App& app, const Tool& tool, const CLI::ParseError& e) {
    if (const auto file = config_path(app); !file.empty())
        if (auto items = read_config(app, file); !items) return items.error().message;
    const bool no_command = tool.subcommand && app.get_subcommands().empty() &&
                            dynamic_cast<const CLI::RequiredError*>(&e) != nullptr;
    return no_command ? no_command_message(app) : one_line(e.what());
}

// After a good parse: what SIGHUP needs (cli/daemon.h). Fails (usage) for a --config that
// read_config refuses although CLI11 took it (a directory, read as an empty file).
[[nodiscard]] inline core::Status arm_hangup(const CLI::App& app, const Tool& tool, int argc, char** argv) {
    HangupState state;
    state.app = &app;
    state.logger = tool.logger;
    state.config = config_path(app);
    state.levels = {tool.log_level, tool.verbose_level, tool.quiet_level};
    state.level_on_command_line =
        std::any_of(argv + 1, argv + argc, [](const char* word) { return sets_level(word); });
    if (!state.config.empty()) {
        UTXO_TRY_ASSIGN(state.loaded, read_config(app, state.config));
    }
    arm_hangup(std::move(state));
    return {};
}

// -v and -q together: the command line's wins over the config file's; both on the command line,
// or both in the file, are a usage error.
[[nodiscard]] inline core::Status one_level(bool& verbose, bool& quiet, int argc, char** argv,
                                            const std::string& config) {
    if (!verbose || !quiet) return {};
    auto given = [&](const char* shorter, const char* longer) {
        return std::any_of(argv + 1, argv + argc, [&](const char* w) {
            const std::string word(w);
            return word == shorter || word == longer || word.starts_with(std::string(longer) + "=");
        });
    };
    const bool cv = given("-v", "--verbose"), cq = given("-q", "--quiet");
    if (cv && !cq) quiet = false;
    if (cq && !cv) verbose = false;
    if (cv == cq)
        return core::fail(core::Errc::usage, cv || config.empty()
                                                 ? "--verbose excludes --quiet"
                                                 : fmt::format("{}: verbose and quiet both set", config));
    return {};
}

// The whole main of a tool.
inline int run(int argc, char** argv, const Tool& tool) {
    auto& log = core::named_logger(tool.logger);
    if (!tool.log_pattern.empty()) log.set_pattern(tool.log_pattern);
    spdlog::set_level(tool.log_level);
    apply_no_color();

    CLI::App app{tool.description, tool.name};
    if (tool.subcommand) app.require_subcommand(1);
    // Subcommands inherit this when they are made: options of the app (-v, -q, --version) are
    // accepted after the subcommand too.
    app.fallthrough();
    app.set_version_flag("--version", version_line(tool.name), "print the version and git commit, and exit");
    bool verbose = false, quiet = false;
    // Not CLI11's excludes(): a -v on the command line must override `quiet = true` in a config
    // file (level_flags()).
    app.add_flag("-v,--verbose", verbose, tool.verbose_help + " (not with -q)");
    app.add_flag("-q,--quiet", quiet, tool.quiet_help + " (not with -v)");
    add_config_option(app);
    Action action;
    tool.add_commands(app, action);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version print on stdout and exit 0; anything else is a usage error.
        if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
        fmt::print(stderr, "{}: {}\n", tool.name, usage_message(app, tool, e));
        return 2;
    }
    if (auto armed = arm_hangup(app, tool, argc, argv); !armed) {
        fmt::print(stderr, "{}: {}\n", tool.name, armed.error().message);
        return 2;
    }
    if (auto one = one_level(verbose, quiet, argc, argv, config_path(app)); !one) {
        fmt::print(stderr, "{}: {}\n", tool.name, one.error().message);
        return 2;
    }
    if (verbose) spdlog::set_level(tool.verbose_level);
    if (quiet) spdlog::set_level(tool.quiet_level);

    const std::string named = tool.name + ": ";
    try {
        if (auto done = action(); !done) {
            fmt::print(stderr, "{}{}\n", tool.name_failures ? named : "", done.error().message);
            return exit_code(done.error());
        }
    } catch (const std::exception& e) {  // a library throwing past our boundaries is still reported
        fmt::print(stderr, "{}{}\n", named, e.what());
        return 2;
    }
    return 0;
}

}  // namespace utxo::cli

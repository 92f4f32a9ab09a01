// What the long-running commands (utxo-seeder, utxo-verifier serve, utxo-indexer run --follow)
// share on top of cli/tool.h: --log-file PATH, and what SIGHUP does. The daemon's library loop
// notices the signal and calls hangup() on its main thread; hangup() reopens the log file (for
// logrotate: rename, then HUP) and reads the --config file again: the log level (the top-level
// `verbose` / `quiet` keys) is applied at once, any other key that changed is logged as needing a
// restart, and a file that no longer reads is logged as one line while the running configuration
// stays. cli::run arms it (arm_hangup) once the command line is parsed.
#pragma once
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include "cli/config.h"
#include "core/error.h"
#include "core/log.h"

namespace utxo::cli {

struct LogLevels {
    spdlog::level::level_enum normal = spdlog::level::warn;
    spdlog::level::level_enum verbose = spdlog::level::info;
    spdlog::level::level_enum quiet = spdlog::level::err;
};

// What hangup() needs of the parsed command line; lives as long as cli::run.
struct HangupState {
    const CLI::App* app = nullptr;
    std::string logger;  // the tool's logger, for the reload's own lines
    std::string config;  // --config FILE; empty without one
    ConfigItems loaded;  // what FILE held at the start: what is running
    LogLevels levels;
    bool level_on_command_line = false;  // -v/-q given: the file's level is not applied
};

inline std::optional<HangupState>& hangup_state() {
    static std::optional<HangupState> state;
    return state;
}

inline void arm_hangup(HangupState state) { hangup_state() = std::move(state); }

// True for the command-line words that set the level: the file's level then never applies.
inline bool sets_level(const std::string& word) {
    for (const char* name : {"-v", "-q", "--verbose", "--quiet"})
        if (word == name || word.starts_with(std::string(name) + "=")) return true;
    return false;
}

// A config flag's value; nullopt if it is not one.
inline std::optional<bool> flag_value(const std::vector<std::string>& values) {
    if (values.empty()) return true;
    std::string v = values.back();
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
    if (v == "false" || v == "0" || v == "no" || v == "off") return false;
    return std::nullopt;
}

inline bool is_level_key(const std::string& key) {
    return key == "verbose" || key == "v" || key == "quiet" || key == "q";
}

// The level the top-level verbose / quiet keys of `items` ask for.
[[nodiscard]] inline core::Result<spdlog::level::level_enum> config_level(const ConfigItems& items,
                                                                          const LogLevels& levels,
                                                                          const std::string& file) {
    bool verbose = false, quiet = false;
    for (const auto& [key, values] : items) {
        if (!is_level_key(key)) continue;
        auto on = flag_value(values);
        if (!on)
            return core::fail(core::Errc::usage,
                              fmt::format("{}: {}: \"{}\" is not true or false", file, key, values.back()));
        (key.starts_with("v") ? verbose : quiet) = *on;
    }
    if (verbose && quiet)
        return core::fail(core::Errc::usage, fmt::format("{}: verbose and quiet both set", file));
    return verbose ? levels.verbose : quiet ? levels.quiet : levels.normal;
}

// --log-file given to the tool itself (before the command, or `log-file` at the top of a config
// file shared by several commands); the command's own --log-file wins over it.
inline std::string& tool_log_file() {
    static std::string path;
    return path;
}

// --log-file PATH on a long-running command. In a tool with commands it is also an option of the
// tool (`parent`), so that `log-file` may sit at the top of its config file.
inline CLI::Option* add_log_file_option(CLI::App* command, std::string& path, CLI::App* parent = nullptr) {
    const char* help = "log to this file instead of stderr (appended; reopened on SIGHUP, for logrotate)";
    if (parent != nullptr && parent->get_option_no_throw("--log-file") == nullptr)
        parent
            ->add_option("--log-file", tool_log_file(),
                         "run --follow, serve: log to this file instead of stderr (reopened on SIGHUP)")
            ->type_name("PATH");
    return command->add_option("--log-file", path, help)->type_name("PATH");
}

// At the start of a long-running command's action: log to --log-file if one was given.
[[nodiscard]] inline core::Status start_logging(const std::string& log_file) {
    const std::string& path = log_file.empty() ? tool_log_file() : log_file;
    if (path.empty()) return {};
    return core::log_to_file(path);
}

// SIGHUP: see the top of this file. Never fails: what goes wrong is logged.
inline void hangup() {
    auto& state = hangup_state();
    auto& log = core::named_logger(state ? state->logger : std::string("cli"));
    if (auto reopened = core::reopen_log_file(); !reopened) log.error("{}", reopened.error().message);
    if (!state || state->config.empty() || state->app == nullptr) {
        log.info("SIGHUP: log file reopened; no --config to read again");
        return;
    }
    auto items = read_config(*state->app, state->config);
    if (!items) {
        log.error("SIGHUP: {}; keeping the running configuration", items.error().message);
        return;
    }
    auto level = config_level(*items, state->levels, state->config);
    if (!level) {
        log.error("SIGHUP: {}; keeping the running configuration", level.error().message);
        return;
    }
    for (const auto& [key, values] : *items) {
        if (is_level_key(key)) continue;
        auto before = state->loaded.find(key);
        if (before == state->loaded.end() || before->second != values)
            log.warn("SIGHUP: {}: {} changed: needs a restart", state->config, key);
    }
    for (const auto& [key, values] : state->loaded)
        if (!is_level_key(key) && !items->contains(key))
            log.warn("SIGHUP: {}: {} removed: needs a restart", state->config, key);
    if (!state->level_on_command_line) spdlog::set_level(*level);
    log.info("SIGHUP: read {} again (log level {})", state->config,
             spdlog::level::to_string_view(spdlog::get_level()));
}

}  // namespace utxo::cli

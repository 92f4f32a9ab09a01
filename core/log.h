// One named logger per part ("indexer", "seeder", "verifier", ...). Each part's log.h wraps
// named_logger() in its own log() accessor, so library code never holds a null logger: the
// part's main makes the logger with its sink and pattern first, and tests or other callers get a
// plain stderr logger of that name on first use.
//
// A daemon given --log-file logs to that file instead of stderr (log_to_file); on SIGHUP it calls
// reopen_log_file(), so that logrotate's "rename, then HUP" gives a new file and the old one is
// left whole.
#pragma once
#include <spdlog/spdlog.h>

#include <filesystem>
#include <string>

#include "core/error.h"

namespace utxo::core {

// The logger registered under `name`, made (stderr, colour) if none is registered yet.
spdlog::logger& named_logger(const std::string& name);

// Every registered logger, and every one named_logger() makes from now on, writes to `path`
// (appended, created if missing, every line with its time) instead of its sinks. Call it before
// threads log. Fails (io) "PATH: cannot open: <why>" and leaves the loggers as they were.
[[nodiscard]] Status log_to_file(const std::filesystem::path& path);

// Closes the log file and opens its path again (a new file if it was renamed). Nothing to do
// without log_to_file. On failure the old file is kept open and the error returned.
[[nodiscard]] Status reopen_log_file();

// The log file's path; empty when logging to stderr.
std::filesystem::path log_file();

}  // namespace utxo::core

// One named logger per part ("indexer", "seeder", "verifier", ...). Each part's log.h wraps
// named_logger() in its own log() accessor, so library code never holds a null logger: the
// part's main makes the logger with its sink and pattern first, and tests or other callers get a
// plain stderr logger of that name on first use.
#pragma once
#include <spdlog/spdlog.h>

#include <string>

namespace utxo::core {

// The logger registered under `name`, made (stderr, colour) if none is registered yet.
spdlog::logger& named_logger(const std::string& name);

}  // namespace utxo::core

// The seeder daemon: ties the releases scan, the BitTorrent session and the HTTP server together
// and runs until SIGINT or SIGTERM.
#pragma once
#include "core/error.h"
#include "seeder/options.h"

namespace utxo::seeder {

// Blocks SIGINT and SIGTERM in the calling thread (and so in every thread it starts), seeds and
// serves, rescans the releases directory every options.rescan, and returns after a signal once
// everything is stopped. Fails (usage, io) when it cannot start: bad releases directory, a port
// in use, an address that is not numeric.
[[nodiscard]] core::Status run_seeder(const Options& options);

}  // namespace utxo::seeder

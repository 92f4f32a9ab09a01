// The seeder daemon: ties the releases scan, the BitTorrent session and the HTTP server together
// and runs until SIGINT or SIGTERM.
#pragma once
#include "core/error.h"
#include "seeder/options.h"

namespace utxo::seeder {

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (and so in every thread it starts),
// seeds and serves, rescans the releases directory every options.rescan, and returns after
// SIGINT or SIGTERM once everything is stopped. SIGHUP calls options.on_hangup and rescans at
// once. Tells a service manager READY=1 once serving, STATUS= when the seeded releases change,
// STOPPING=1 on a stop signal (net/service_notify.h). Fails (usage, io) when it cannot start:
// bad releases directory, a port in use, an address that is not numeric.
[[nodiscard]] core::Status run_seeder(const Options& options);

}  // namespace utxo::seeder

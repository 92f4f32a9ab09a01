// `utxo-verifier follow`: a client that stays current. Every interval it runs one fetch round
// (verifier/fetch_session.h: discovery from the trustnet's URLs, the seeders and the DHT; the
// agreement rule; patches or shards; install), and in between it seeds the release it holds, to a
// ratio of what it downloaded or, for volunteers, always. Optionally it serves the Esplora API,
// the status page and /metrics from the same store in the same process.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "core/error.h"
#include "verifier/fetch.h"
#include "verifier/http_server.h"

namespace utxo::verifier {

struct FollowOptions {
    // The rounds' options. seed_ratio applies to everything this process downloaded; seed_timeout
    // is not used (seeding lasts until the next round).
    FetchOptions fetch;
    std::chrono::seconds interval{600};  // from the start of one round to the start of the next
    bool seed_forever = false;           // seed whatever the ratio (volunteers)
    bool http = false;                   // serve the Esplora API, pages and /metrics (serve's options)
    ServeOptions serve;
    std::function<void()> on_hangup;  // called before a round that check_now (SIGHUP) started
};

// Runs rounds until `stop` (SIGINT/SIGTERM): returns once the current round or seeding has
// stopped cleanly. `check_now` (SIGHUP) starts the next round at once. One line per event goes to
// `say`: each verdict and install, a change of "up to date"/"waiting for ..." (not repeated every
// round), a round that failed (the next one is tried at its time), and the freeze alarm. Only a
// failure before the first round (a bad option, the store in use, the HTTP address) is returned.
[[nodiscard]] core::Status run_follow(const FollowOptions& options, const std::atomic<bool>& stop,
                                      std::atomic<bool>& check_now, const Say& say);

}  // namespace utxo::verifier

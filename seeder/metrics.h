// Counters for /metrics. Written by the alert loop, the rescan loop and the HTTP server, read by
// the handler; all lock-free except the per-status request counts and the per-tracker answers.
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "net/process_metrics.h"

namespace utxo::seeder {

// How one tracker (an announce URL) answered our announces, all torrents together.
struct TrackerAnnounces {
    bool last_ok = false;             // the last announce was answered without a failure
    std::int64_t last_unix_time = 0;  // when that last answer (or failure) came, seconds since 1970
    std::uint64_t ok = 0;             // announces answered
    std::uint64_t errors = 0;         // announces refused ("failure reason"), unanswered or unreachable
    std::uint64_t warnings = 0;       // answers that carried a "warning message"
};

class Metrics {
public:
    std::atomic<std::uint64_t> releases{0};          // releases being served and seeded
    std::atomic<std::uint64_t> peers{0};             // BitTorrent peers connected now
    std::atomic<std::uint64_t> bytes_uploaded{0};    // BitTorrent payload bytes sent, all torrents
    std::atomic<std::uint64_t> http_bytes_sent{0};   // HTTP body bytes sent (web seed and API)
    std::atomic<std::uint64_t> http_connections{0};  // HTTP connections open now
    std::atomic<std::uint64_t> dht_pointers{0};      // --dht: release pointers being published
    std::atomic<std::uint64_t> dht_puts_stored{0};   // puts some DHT node stored
    std::atomic<std::uint64_t> dht_puts_failed{0};   // puts no node stored in time

    void count_request(unsigned status);
    std::map<unsigned, std::uint64_t> requests() const;

    // An announce to `tracker` answered (ok) or failed, at `unix_time`.
    void tracker_announced(const std::string& tracker, bool ok, std::int64_t unix_time);
    void tracker_warned(const std::string& tracker);
    std::map<std::string, TrackerAnnounces> trackers() const;

private:
    mutable std::mutex mutex_;
    std::map<unsigned, std::uint64_t> requests_;        // by status code
    std::map<std::string, TrackerAnnounces> trackers_;  // by announce URL (ours and the torrents')
};

using net::escape_label_value;  // net/process_metrics.h

// Prometheus text exposition format (version 0.0.4): the seeder's own series.
std::string render_metrics(const Metrics& m);
// What GET /metrics answers: render_metrics, then utxo_build_info{tool="utxo-seeder"} and the
// process_* series of this process (net/process_metrics.h).
std::string render_all_metrics(const Metrics& m);

}  // namespace utxo::seeder

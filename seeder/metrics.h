// Counters for /metrics. Written by the alert loop, the rescan loop and the HTTP server, read by
// the handler; all lock-free except the per-status request counts.
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace utxo::seeder {

class Metrics {
public:
    std::atomic<std::uint64_t> releases{0};          // releases being served and seeded
    std::atomic<std::uint64_t> peers{0};             // BitTorrent peers connected now
    std::atomic<std::uint64_t> bytes_uploaded{0};    // BitTorrent payload bytes sent, all torrents
    std::atomic<std::uint64_t> http_bytes_sent{0};   // HTTP body bytes sent (web seed and API)
    std::atomic<std::uint64_t> http_connections{0};  // HTTP connections open now

    void count_request(unsigned status);
    std::map<unsigned, std::uint64_t> requests() const;

private:
    mutable std::mutex mutex_;
    std::map<unsigned, std::uint64_t> requests_;  // by status code
};

// Prometheus text exposition format (version 0.0.4).
std::string render_metrics(const Metrics& m);

}  // namespace utxo::seeder

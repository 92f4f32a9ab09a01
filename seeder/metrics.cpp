#include "seeder/metrics.h"

#include <fmt/format.h>

namespace utxo::seeder {

void Metrics::count_request(unsigned status) {
    std::lock_guard lock(mutex_);
    ++requests_[status];
}

std::map<unsigned, std::uint64_t> Metrics::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

namespace {

void metric(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            std::uint64_t v) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n{0} {3}\n", name, help, type, v);
}

}  // namespace

std::string render_metrics(const Metrics& m) {
    std::string out;
    metric(out, "utxo_seeder_releases", "gauge", "Releases being served and seeded.", m.releases.load());
    metric(out, "utxo_seeder_peers", "gauge", "BitTorrent peers connected.", m.peers.load());
    metric(out, "utxo_seeder_bytes_uploaded_total", "counter", "BitTorrent payload bytes uploaded.",
           m.bytes_uploaded.load());
    metric(out, "utxo_seeder_http_bytes_sent_total", "counter", "HTTP body bytes sent (API and web seed).",
           m.http_bytes_sent.load());
    metric(out, "utxo_seeder_http_connections", "gauge", "HTTP connections open.", m.http_connections.load());
    out +=
        "# HELP utxo_seeder_http_requests_total HTTP requests answered, by status code.\n"
        "# TYPE utxo_seeder_http_requests_total counter\n";
    for (const auto& [code, n] : m.requests())
        out += fmt::format("utxo_seeder_http_requests_total{{code=\"{}\"}} {}\n", code, n);
    return out;
}

}  // namespace utxo::seeder

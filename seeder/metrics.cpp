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

void Metrics::tracker_announced(const std::string& tracker, bool ok, std::int64_t unix_time) {
    std::lock_guard lock(mutex_);
    auto& t = trackers_[tracker];
    t.last_ok = ok;
    t.last_unix_time = unix_time;
    ++(ok ? t.ok : t.errors);
}

void Metrics::tracker_warned(const std::string& tracker) {
    std::lock_guard lock(mutex_);
    ++trackers_[tracker].warnings;
}

std::map<std::string, TrackerAnnounces> Metrics::trackers() const {
    std::lock_guard lock(mutex_);
    return trackers_;
}

namespace {

void metric(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            std::uint64_t v) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n{0} {3}\n", name, help, type, v);
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n", name, help, type);
}

// One series per tracker URL for each of the per-tracker metrics; a tracker appears with its first
// answer (or failure).
void render_trackers(std::string& out, const std::map<std::string, TrackerAnnounces>& trackers) {
    if (trackers.empty()) return;
    struct Column {
        std::string_view name, type, help;
        std::int64_t (*value)(const TrackerAnnounces&);
    };
    static constexpr Column columns[] = {
        {"utxo_seeder_tracker_last_announce_ok", "gauge",
         "1 if the last announce to the tracker was answered, 0 if it was refused or failed.",
         [](const TrackerAnnounces& t) -> std::int64_t { return t.last_ok ? 1 : 0; }},
        {"utxo_seeder_tracker_last_announce_timestamp_seconds", "gauge",
         "Unix time of the tracker's last answer or failure.",
         [](const TrackerAnnounces& t) { return t.last_unix_time; }},
        {"utxo_seeder_tracker_announces_total", "counter", "Announces the tracker answered.",
         [](const TrackerAnnounces& t) { return static_cast<std::int64_t>(t.ok); }},
        {"utxo_seeder_tracker_announce_errors_total", "counter",
         "Announces the tracker refused or that failed (unreachable, timed out, bad answer).",
         [](const TrackerAnnounces& t) { return static_cast<std::int64_t>(t.errors); }},
        {"utxo_seeder_tracker_warnings_total", "counter", "Tracker answers that carried a warning message.",
         [](const TrackerAnnounces& t) { return static_cast<std::int64_t>(t.warnings); }},
    };
    for (const auto& c : columns) {
        header(out, c.name, c.type, c.help);
        for (const auto& [url, t] : trackers)
            out += fmt::format("{}{{tracker=\"{}\"}} {}\n", c.name, escape_label_value(url), c.value(t));
    }
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
    metric(out, "utxo_seeder_dht_pointers", "gauge",
           "Authorities' release pointers published in the DHT (--dht).", m.dht_pointers.load());
    out +=
        "# HELP utxo_seeder_dht_puts_total Puts of release pointers into the DHT, by result.\n"
        "# TYPE utxo_seeder_dht_puts_total counter\n";
    out += fmt::format("utxo_seeder_dht_puts_total{{result=\"stored\"}} {}\n", m.dht_puts_stored.load());
    out += fmt::format("utxo_seeder_dht_puts_total{{result=\"failed\"}} {}\n", m.dht_puts_failed.load());
    out +=
        "# HELP utxo_seeder_http_requests_total HTTP requests answered, by status code.\n"
        "# TYPE utxo_seeder_http_requests_total counter\n";
    for (const auto& [code, n] : m.requests())
        out += fmt::format("utxo_seeder_http_requests_total{{code=\"{}\"}} {}\n", code, n);
    render_trackers(out, m.trackers());
    return out;
}

std::string render_all_metrics(const Metrics& m) {
    return render_metrics(m) +
           net::render_process_metrics("utxo-seeder", net::build_version(), net::sample_process());
}

}  // namespace utxo::seeder

// The operator's page of GET /.
#include "seeder/status_page.h"

#include <fmt/format.h>

#include "net/html.h"
#include "net/process_metrics.h"

namespace utxo::seeder {

using net::html_escape;

namespace {

void releases_table(std::string& out, const StatusSnapshot& s) {
    out += fmt::format("<h2>Releases kept ({})</h2>\n", s.releases.size());
    if (s.releases.empty()) {
        out +=
            "<p class=\"muted\">No release is kept yet: the releases directory holds none that reads "
            "well.</p>\n";
        return;
    }
    out +=
        "<table><tr><th>network</th><th>height</th><th>release</th><th>signatures present (key ID)</th>"
        "<th>patches</th></tr>\n";
    for (const auto& r : s.releases) {
        const auto base =
            fmt::format("/v1/releases/{}/{}/", net::url_component(r.network), net::url_component(r.name));
        std::string sigs;
        for (const auto& f : r.signature_files)
            sigs += fmt::format("<a class=\"mono\" href=\"{}\">{}</a><br>",
                                html_escape(base + net::url_component(f)), html_escape(signature_key_id(f)));
        if (sigs.empty()) sigs = "<span class=\"bad\">none</span>";
        out += fmt::format(
            "<tr><td>{}</td><td class=\"n\">{}</td><td><a class=\"mono\" href=\"{}\">{}</a></td><td>{}</td>"
            "<td>{}</td></tr>\n",
            html_escape(r.network), r.height, html_escape(base + "manifest.json"), html_escape(r.name), sigs,
            html_escape(r.patches));
    }
    out += "</table>\n";
}

void transfer_table(std::string& out, const StatusSnapshot& s) {
    out += fmt::format(
        "<h2>Transfer</h2>\n<table>"
        "<tr><th>BitTorrent peers connected</th><td class=\"n\">{}</td></tr>"
        "<tr><th>BitTorrent bytes uploaded</th><td class=\"n\">{} ({})</td></tr>"
        "<tr><th>HTTP body bytes sent</th><td class=\"n\">{} ({})</td></tr>"
        "<tr><th>HTTP connections open</th><td class=\"n\">{}</td></tr></table>\n",
        s.peers, s.bytes_uploaded, net::human_bytes(s.bytes_uploaded), s.http_bytes_sent,
        net::human_bytes(s.http_bytes_sent), s.http_connections);
}

void trackers_table(std::string& out, const StatusSnapshot& s) {
    out += fmt::format("<h2>Trackers ({})</h2>\n", s.trackers.size());
    if (s.trackers.empty()) {
        out += "<p class=\"muted\">No tracker has answered or failed yet.</p>\n";
        return;
    }
    out +=
        "<table><tr><th>announce URL</th><th>last announce</th><th>when</th><th>answered</th>"
        "<th>failed</th><th>warnings</th></tr>\n";
    for (const auto& [url, t] : s.trackers)
        out += fmt::format(
            "<tr><td class=\"mono\">{}</td><td class=\"{}\">{}</td><td>{} ago</td><td class=\"n\">{}</td>"
            "<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
            html_escape(url), t.last_ok ? "ok" : "bad", t.last_ok ? "answered" : "failed",
            net::human_duration(s.now - t.last_unix_time), t.ok, t.errors, t.warnings);
    out += "</table>\n";
}

}  // namespace

std::string signature_key_id(const std::string& file) {
    constexpr std::string_view prefix = "manifest.json.", suffix = ".minisig";
    if (file.size() <= prefix.size() + suffix.size() || !file.starts_with(prefix) || !file.ends_with(suffix))
        return file;
    return file.substr(prefix.size(), file.size() - prefix.size() - suffix.size());
}

StatusSnapshot status_snapshot(const Catalog& catalog, const Metrics& metrics, std::int64_t now) {
    StatusSnapshot s;
    const auto build = net::build_version();
    s.version = fmt::format("{} ({})", build.version, build.commit);
    s.now = now;
    for (const auto& r : catalog.releases)
        s.releases.push_back({r.network, r.height.value, r.name, r.block_hash.to_display_hex(), r.signatures,
                              r.patches ? "yes" : "no"});
    s.peers = metrics.peers.load();
    s.bytes_uploaded = metrics.bytes_uploaded.load();
    s.http_bytes_sent = metrics.http_bytes_sent.load();
    s.http_connections = metrics.http_connections.load();
    s.trackers = metrics.trackers();
    return s;
}

std::string render_status_page(const StatusSnapshot& s) {
    std::string out = net::html_page_start("utxo-seeder status");
    out += fmt::format(
        "<h1>utxo-seeder</h1>\n<p class=\"muted\">version {} &middot; API: <a href=\"/v1/releases\">"
        "/v1/releases</a> &middot; <a href=\"/metrics\">/metrics</a></p>\n",
        html_escape(s.version));
    releases_table(out, s);
    transfer_table(out, s);
    trackers_table(out, s);
    out += net::html_page_end();
    return out;
}

}  // namespace utxo::seeder

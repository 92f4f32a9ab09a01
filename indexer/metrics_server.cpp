// The indexer's /metrics over net's server skeleton.
#include "indexer/metrics_server.h"

#include <fmt/format.h>

#include "net/process_metrics.h"

namespace utxo::indexer {

namespace {

void metric(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            std::int64_t v) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n{0} {3}\n", name, help, type, v);
}

}  // namespace

std::string render_run_metrics(const RunMetrics& m) {
    std::string out;
    metric(out, "utxo_indexer_height", "gauge", "Height of the store's tip (-1 while the store is empty).",
           m.height.load());
    metric(out, "utxo_indexer_blocks_applied_total", "counter", "Blocks applied by this run.",
           static_cast<std::int64_t>(m.blocks_applied.load()));
    metric(out, "utxo_indexer_releases_cut_total", "counter", "Releases cut by this run.",
           static_cast<std::int64_t>(m.releases_cut.load()));
    metric(out, "utxo_indexer_last_release_timestamp_seconds", "gauge",
           "Unix time this run last cut a release (0 before the first).", m.last_release_unix_time.load());
    return out + net::render_process_metrics("utxo-indexer", net::build_version(), net::sample_process());
}

core::Result<std::unique_ptr<net::HttpServer>> start_metrics_server(const net::HostPort& listen,
                                                                    const RunMetrics& metrics) {
    net::HttpServerOptions o;
    o.listen = listen;
    o.threads = 1;
    o.server_name = "utxo-indexer";
    o.max_connections = 16;
    o.max_connections_per_ip = 8;
    auto handler = [&metrics](const net::HttpRequest& req) {
        net::HttpResponse res;
        res.content_type = "text/plain; charset=utf-8";
        const std::string_view path = std::string_view(req.target).substr(0, req.target.find('?'));
        if (req.method != "GET" && req.method != "HEAD") {
            res.status = 405;
            res.headers.emplace_back("Allow", "GET, HEAD");
            res.body = "utxo-indexer answers GET /metrics only\n";
        } else if (path != "/metrics") {
            res.status = 404;
            res.body = "utxo-indexer answers GET /metrics only\n";
        } else {
            res.content_type = "text/plain; version=0.0.4; charset=utf-8";
            res.body = render_run_metrics(metrics);
        }
        res.head = req.method == "HEAD";
        return res;
    };
    auto server = net::HttpServer::start(o, handler);
    if (server) return server;
    if (server.error().code == core::Errc::usage)
        return core::fail(core::Errc::usage,
                          fmt::format("--metrics-listen: '{}' is not a numeric address", listen.host));
    return core::fail(core::Errc::io, fmt::format("--metrics-listen: cannot listen on {}: {}",
                                                  listen.to_string(), server.error().message));
}

}  // namespace utxo::indexer

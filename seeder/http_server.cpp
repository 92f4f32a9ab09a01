// The seeder's settings of the shared server skeleton, its wording of the skeleton's refusals,
// and the observer that feeds /metrics and the request log.
#include "seeder/http_server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <string_view>

#include "seeder/log.h"
#include "seeder/log_limit.h"
#include "seeder/request_handler.h"

namespace utxo::seeder {

using core::Errc;
using core::fail;

namespace {

// The skeleton's own answers, worded as handle_request's errors: one JSON line. Over the cap the
// connection is closed, so 503 never comes here.
HttpResponse refusal(unsigned status) {
    std::string_view message = "not found";  // 404: the file vanished before it could be opened
    if (status == 400) message = "malformed request";
    if (status == 413) message = "request bodies are not accepted";
    if (status == 431) message = "header too large";
    HttpResponse res;
    res.status = status;
    res.body = fmt::format("{{\"error\":\"{}\"}}\n", message);
    return res;
}

// Connections, answers by status and body bytes for /metrics; a debug line per request, at most
// 60 a minute (peers choose how many requests they send).
class MetricsObserver final : public net::HttpObserver {
public:
    explicit MetricsObserver(Metrics& metrics) : metrics_(metrics) {}
    void connection_opened() override { ++metrics_.http_connections; }
    void connection_closed() override { --metrics_.http_connections; }
    void answered(unsigned status, const HttpRequest* request) override {
        metrics_.count_request(status);
        if (request) log_request(*request, status);
    }
    void body_bytes_sent(std::uint64_t bytes) override { metrics_.http_bytes_sent += bytes; }

private:
    Metrics& metrics_;
    LogLimiter limiter_{60};

    void log_request(const HttpRequest& req, unsigned status) {
        std::uint64_t dropped = 0;
        if (log().should_log(spdlog::level::debug) && limiter_.allow(dropped))
            log().debug("http {} {} -> {}{}", req.method, req.target.substr(0, 200), status,
                        dropped ? fmt::format(" ({} lines dropped)", dropped) : "");
    }
};

net::HttpServerOptions server_options(const Options& options) {
    net::HttpServerOptions o;
    o.listen = options.http;
    o.threads = 2;
    o.server_name = "utxo-seeder";
    o.header_timeout = options.http_header_timeout;
    o.timeout = options.http_timeout;
    o.header_limit = 8 * 1024;
    o.body_limit = 0;  // every route is a GET or HEAD
    o.max_connections = options.max_connections;
    o.max_connections_per_ip = options.max_connections_per_ip;
    o.over_cap = net::OverCap::close;
    o.answer_malformed = true;
    o.echo_request_version = false;
    o.upload_rate = options.upload_rate;
    o.refusal = refusal;
    return o;
}

}  // namespace

core::Result<std::unique_ptr<HttpServer>> start_http_server(const Options& options,
                                                            const CatalogBox& catalogs, Metrics& metrics) {
    auto handler = [&catalogs, &metrics](const HttpRequest& req) {
        auto catalog = catalogs.get();
        return handle_request(req, *catalog, &metrics);
    };
    auto server =
        HttpServer::start(server_options(options), handler, std::make_shared<MetricsObserver>(metrics));
    if (server) return server;
    if (server.error().code == Errc::usage)
        return fail(Errc::usage, fmt::format("--http: '{}' is not a numeric address", options.http.host));
    return fail(Errc::io,
                fmt::format("cannot listen on {}: {}", options.http.to_string(), server.error().message));
}

}  // namespace utxo::seeder

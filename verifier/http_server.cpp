// `serve`'s settings of the shared server skeleton (net/http_server.h): the pages of serve_pages.h,
// then the Esplora API; one thread, request
// bodies up to body_limit read and ignored, malformed requests closed, 503 over the cap, answers
// in the request's HTTP version, and a clean stop on SIGINT/SIGTERM.
#include "verifier/http_server.h"

#include <fmt/format.h>

#include <ctime>
#include <optional>

#include "net/http_server.h"
#include "verifier/esplora.h"
#include "verifier/index_builder.h"
#include "verifier/log.h"
#include "verifier/serve_pages.h"

namespace utxo::verifier {

namespace {

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

// The skeleton's own answers: one text/plain line (413 and 431 for a request too large, 503 over
// the cap), with the headers of every answer.
HttpResponse refusal(unsigned status, Store& store, const ServeOptions& o) {
    HttpResponse res;
    res.status = status;
    res.content_type = "text/plain";
    res.body = status == 503 ? "too many connections to utxo-verifier serve; try again later\n"
                             : fmt::format(
                                   "request too large: utxo-verifier serve answers GET, HEAD and OPTIONS, "
                                   "with a header of at most {} bytes and a body of at most {} bytes\n",
                                   o.header_limit, o.body_limit);
    add_common_headers(res, store, o.esplora, unix_now());
    return res;
}

// Answers by status, for /metrics.
class CountingObserver final : public net::HttpObserver {
public:
    explicit CountingObserver(ServeCounters& counters) : counters_(counters) {}
    void answered(unsigned status, const HttpRequest*) override { counters_.count(status); }

private:
    ServeCounters& counters_;
};

net::HttpServerOptions server_options(const ServeOptions& o, Store& store) {
    net::HttpServerOptions s;
    s.listen = {o.host, o.port};
    s.threads = 1;  // one thread answers; the store is also used by the index builder's
    s.server_name = "utxo-verifier";
    s.header_timeout = o.header_timeout;
    s.timeout = o.timeout;
    s.header_limit = o.header_limit;
    s.body_limit = o.body_limit;
    s.max_connections = o.max_connections;
    s.max_connections_per_ip = o.max_connections_per_ip;
    s.over_cap = net::OverCap::answer_503;
    s.answer_malformed = false;
    s.echo_request_version = true;
    s.refusal = [&store, &o](unsigned status) { return refusal(status, store, o); };
    return s;
}

}  // namespace

core::Status serve_http(Store& store, const ServeOptions& o) {
    ServeCounters counters;
    auto handler = [&store, &o, &counters](const HttpRequest& req) {
        const auto now = unix_now();
        if (auto page = handle_page(req, store, o.esplora, counters, now)) return std::move(*page);
        return handle_request(req, store, o.esplora, now);
    };
    std::optional<IndexBuilder> indexer;  // stopped and joined before the store goes
    if (o.build_indexes) indexer.emplace(store, o.index_poll);
    auto stopped = net::serve_until_stop_signal(server_options(o, store), handler, o.on_listening,
                                                std::make_shared<CountingObserver>(counters));
    if (!stopped && stopped.error().code == core::Errc::usage)
        return core::fail(core::Errc::usage, fmt::format("'{}' is not an IP address", o.host));
    if (!stopped)
        return core::fail(core::Errc::io,
                          fmt::format("{}:{}: cannot listen: {}", o.host, o.port, stopped.error().message));
    log().info("signal {}: stopping", *stopped);
    return {};
}

}  // namespace utxo::verifier

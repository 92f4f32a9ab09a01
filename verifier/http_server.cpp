// `serve`'s settings of the shared server skeleton (net/http_server.h): the pages of serve_pages.h,
// then the Esplora API; one thread, request
// bodies up to body_limit read and ignored, malformed requests closed, 503 over the cap, answers
// in the request's HTTP version, and a clean stop on SIGINT/SIGTERM; SIGHUP reloads.
#include "verifier/http_server.h"

#include <fmt/format.h>
#include <signal.h>

#include <ctime>
#include <optional>

#include "net/http_server.h"
#include "net/service_notify.h"
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

namespace {

// The installed release as one line, for the log and the service manager's STATUS=.
std::string serving_status(Store& store) {
    auto current = store.current();
    if (!current) return fmt::format("store unreadable: {}", current.error().message);
    if (!*current) return "serving: no release installed";
    return fmt::format("serving release {}", (*current)->manifest.height.value);
}

// SIGHUP: the executable's reload (log file, config), then the store's view. The store already
// answers for a release installed since from its next query on (Store::current), so reading it
// here only reports which one that is.
void reload(Store& store, const ServeOptions& o) {
    net::notify_reloading();
    if (o.on_hangup) o.on_hangup();
    const auto status = serving_status(store);
    log().info("SIGHUP: {}", status);
    net::notify_reloaded();
    net::notify_status(status);
}

}  // namespace

struct EsploraServer::Parts {
    ServeOptions options;
    ServeCounters counters;
    std::optional<IndexBuilder> indexer;  // stopped and joined before the store goes
    std::unique_ptr<net::HttpServer> server;
};

EsploraServer::EsploraServer(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

EsploraServer::~EsploraServer() {
    if (!parts_) return;
    parts_->server.reset();  // closes the listener and every connection, joins its thread
    parts_->indexer.reset();
}

std::uint16_t EsploraServer::port() const { return parts_->server->port(); }

core::Result<std::unique_ptr<EsploraServer>> EsploraServer::start(Store& store, const ServeOptions& options) {
    auto parts = std::make_unique<Parts>();
    parts->options = options;
    Parts* p = parts.get();
    const ServeOptions& o = p->options;
    p->counters.set_extra_metrics(o.extra_metrics);
    auto handler = [&store, p](const HttpRequest& req) {
        const auto now = unix_now();
        if (auto page = handle_page(req, store, p->options.esplora, p->counters, now))
            return std::move(*page);
        return handle_request(req, store, p->options.esplora, now);
    };
    if (o.build_indexes) p->indexer.emplace(store, o.index_poll);
    auto server = net::HttpServer::start(server_options(o, store), handler,
                                         std::make_shared<CountingObserver>(p->counters));
    if (!server && server.error().code == core::Errc::usage)
        return core::fail(core::Errc::usage, fmt::format("'{}' is not an IP address", o.host));
    if (!server)
        return core::fail(core::Errc::io,
                          fmt::format("{}:{}: cannot listen: {}", o.host, o.port, server.error().message));
    p->server = std::move(*server);
    return std::unique_ptr<EsploraServer>(new EsploraServer(std::move(parts)));
}

core::Status serve_http(Store& store, const ServeOptions& o) {
    // Blocked before any thread starts, so every thread leaves them to the loop below.
    sigset_t set, previous;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, &previous);
    struct Restore {
        const sigset_t& mask;
        ~Restore() { pthread_sigmask(SIG_SETMASK, &mask, nullptr); }
    } restore{previous};

    UTXO_TRY_ASSIGN(auto server, EsploraServer::start(store, o));
    if (o.on_listening) o.on_listening(server->port());
    net::notify_ready(serving_status(store));
    int sig = 0;
    while (sigwait(&set, &sig) == 0 && sig == SIGHUP) reload(store, o);
    log().info("signal {}: stopping", sig);
    net::notify_stopping();
    server.reset();
    return {};
}

}  // namespace utxo::verifier

// The HTTP server of `serve`: the Esplora API (esplora.h) over net's server skeleton.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/error.h"
#include "verifier/esplora.h"
#include "verifier/store.h"

namespace utxo::verifier {

struct ServeOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;                  // 0: any free port (reported through on_listening)
    std::chrono::seconds header_timeout{5};  // reading a request's header (idle keep-alive included)
    std::chrono::seconds timeout{15};        // reading a request's body, writing its answer
    std::size_t header_limit = 8 * 1024;     // a request's header bytes
    // Every endpoint is a GET; a POST /tx of up to 16 KiB (a transaction of up to 8 KB in hex) is
    // read so a wallet that tries to broadcast is told 501 and why, not 413.
    std::size_t body_limit = 16 * 1024;
    std::size_t max_connections = 256;        // beyond this, a new connection gets 503 and is closed
    std::size_t max_connections_per_ip = 16;  // the same, from one IPv4 address or IPv6 /64
    // A background thread writes the held shards' script indexes, and looks for a newer release
    // every index_poll (verifier/index_builder.h).
    bool build_indexes = true;
    std::chrono::milliseconds index_poll{10000};
    EsploraOptions esplora;  // prefixes, CORS, Cache-Control
    std::function<void(std::uint16_t port)> on_listening;
    // Called on SIGHUP on the calling thread: the executable reopens its log file and reads its
    // config file again (cli/daemon.h).
    std::function<void()> on_hangup;
    // More Prometheus series for /metrics, before the process_* ones (follow's own); may be empty.
    std::function<std::string()> extra_metrics;
};

// The server of serve_http without its signal loop, for a process that handles its signals itself
// (`follow --http`): the pages, /metrics and the Esplora API on host:port, and the index builder,
// until destroyed.
class EsploraServer {
public:
    [[nodiscard]] static core::Result<std::unique_ptr<EsploraServer>> start(Store& store,
                                                                            const ServeOptions& options);
    ~EsploraServer();
    std::uint16_t port() const;

    struct Parts;

private:
    explicit EsploraServer(std::unique_ptr<Parts> parts);
    std::unique_ptr<Parts> parts_;
};

// Serves handle_request() on host:port until SIGINT or SIGTERM, one thread (and the index
// builder's); returns once stopped. SIGHUP calls on_hangup and logs the release now served.
// Tells a service manager READY=1 once listening, STOPPING=1 on a stop signal
// (net/service_notify.h).
[[nodiscard]] core::Status serve_http(Store& store, const ServeOptions& options);

}  // namespace utxo::verifier

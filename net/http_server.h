// The one HTTP/1.1 server skeleton of the tools (Boost.Beast, included only by http_server.cpp), in
// front of a handler that is a pure function from request to response. Every read and every write
// has a timeout, headers and bodies are limited, connections are capped in all and per client
// address, keep-alive (with pipelined requests) is honoured, and file bodies are streamed from disk
// in chunks under one upload budget shared by every connection (given back when a client leaves). Each part
// keeps its own wording and counters: the answers the skeleton gives by itself come from `refusal`, and an
// HttpObserver sees every connection, answer and body byte.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/error.h"
#include "net/endpoint.h"
#include "net/http_types.h"

namespace utxo::net {

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// What a connection beyond max_connections (or max_connections_per_ip) gets.
enum class OverCap {
    close,       // closed at once, nothing read or written
    answer_503,  // `refusal(503)`, then closed; it counts as open while that is written
};

// A text/plain answer with the status's reason phrase ("Payload Too Large"), for parts that do
// not word their own.
HttpResponse plain_refusal(unsigned status);

struct HttpServerOptions {
    HostPort listen{"127.0.0.1", 0};  // a numeric IPv4 or IPv6 address; port 0: any free port
    unsigned threads = 1;             // threads that run the server (at least 1)
    std::string server_name;          // the Server header of every answer
    // Reading a request's header, from the connection's start or the end of the previous answer:
    // short, so idle and slow clients give their place back soon.
    std::chrono::seconds header_timeout{5};
    // Reading a request's body; writing an answer's header, its body, and each file chunk, the
    // wait for the upload budget included.
    std::chrono::seconds timeout{10};
    std::size_t header_limit = 8 * 1024;  // a request's header bytes; more: 431
    std::size_t body_limit = 0;           // a request's body bytes; more: 413. 0: any body is 413
    std::size_t max_connections = 256;    // connections open at once
    // Connections open at once from one client address (an IPv4 address, an IPv6 /64), so one
    // client cannot take every place; beyond it a connection is treated as over max_connections.
    std::size_t max_connections_per_ip = 16;
    OverCap over_cap = OverCap::close;
    bool answer_malformed = true;       // a request that does not parse: 400 (false: closed)
    bool echo_request_version = false;  // handler answers in the request's HTTP version, not 1.1
    std::int64_t upload_rate = 0;       // file body bytes per second, all connections; 0: unlimited
    // The answers the skeleton gives by itself: 400 (malformed), 404 (a file that vanished before
    // it could be opened), 413 (body), 431 (header), 503 (over the cap). Always HTTP/1.1, and the
    // connection is closed after them.
    std::function<HttpResponse(unsigned status)> refusal = plain_refusal;
};

// Hooks for a part's counters and logs. Called on the server's threads, so an observer of a
// server with several threads must be thread-safe. Every hook does nothing by default.
class HttpObserver {
public:
    virtual ~HttpObserver() = default;
    virtual void connection_opened() {}  // accepted and served (or answered 503)
    virtual void connection_closed() {}
    // An answer is about to be sent: from the handler (`request` set) or one of the skeleton's
    // refusals (`request` null). A file that vanished yields the handler's status, then 404.
    virtual void answered(unsigned /*status*/, const HttpRequest* /*request*/) {}
    // Body bytes handed to the socket: an in-memory body as its write starts, a file chunk once
    // written.
    virtual void body_bytes_sent(std::uint64_t /*bytes*/) {}
};

// A server running on its own threads until destroyed.
class HttpServer {
public:
    // Binds options.listen and serves `handler` on options.threads threads. Fails with
    // Errc::usage when listen.host is not a numeric address and Errc::io when it cannot be bound;
    // the message then holds only the reason ("Address already in use"), for the caller to word
    // the way its command line names the address. `observer` may be null.
    [[nodiscard]] static core::Result<std::unique_ptr<HttpServer>> start(
        HttpServerOptions options, HttpHandler handler, std::shared_ptr<HttpObserver> observer = {});
    ~HttpServer();  // closes the listener and every connection, joins the threads
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    std::uint16_t port() const;  // the port bound (the one picked when 0 was asked for)

private:
    struct Impl;
    explicit HttpServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Serves `handler` on the calling thread (plus options.threads - 1 more) until SIGINT or SIGTERM,
// then stops and returns the signal's number. on_listening(port) is called once the address is
// bound and the signals are caught. Fails as HttpServer::start does.
[[nodiscard]] core::Result<int> serve_until_stop_signal(
    HttpServerOptions options, HttpHandler handler,
    const std::function<void(std::uint16_t port)>& on_listening, std::shared_ptr<HttpObserver> observer = {});

}  // namespace utxo::net

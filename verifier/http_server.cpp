// Boost.Beast transport for handle_request(): async, one thread, timeouts and size limits on
// every request, clean stop on SIGINT/SIGTERM.
#include "verifier/http_server.h"

#include <boost/asio/signal_set.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include <csignal>
#include <memory>
#include <optional>

#include "verifier/esplora.h"
#include "verifier/store_impl.h"

namespace utxo::verifier {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class Session : public std::enable_shared_from_this<Session> {
public:
    // `live` counts open sessions (one thread: a plain counter).
    Session(tcp::socket socket, Store& store, const ServeOptions& o, std::size_t& live)
        : stream_(std::move(socket)), store_(store), options_(o), live_(live) {
        ++live_;
    }
    ~Session() { --live_; }
    // The answer to a connection over the cap: 503 at once, then close.
    void refuse() { reply(503, "too many connections", 11, false); }
    void read() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(options_.header_limit));
        parser_->body_limit(options_.body_limit);
        stream_.expires_after(options_.timeout);
        http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
    }

private:
    void on_read(beast::error_code ec, std::size_t) {
        if (ec == http::error::header_limit || ec == http::error::body_limit)
            return reply(ec == http::error::header_limit ? 431 : 413, "request too large", 11, false);
        if (ec) return close();  // end of stream, timeout or a malformed request
        auto req = parser_->release();
        auto out = handle_request(HttpRequest{std::string(req.method_string()), std::string(req.target())}, store_);
        reply(out.status, std::move(out.body), req.version(), req.keep_alive(), out.content_type);
    }
    void reply(unsigned status, std::string body, unsigned version, bool keep_alive,
               const std::string& type = "text/plain") {
        res_ = {};
        res_.version(version);
        res_.result(static_cast<http::status>(status));
        res_.set(http::field::server, "utxo-verifier");
        res_.set(http::field::content_type, type);
        res_.keep_alive(keep_alive);
        res_.body() = std::move(body);
        res_.prepare_payload();
        stream_.expires_after(options_.timeout);
        http::async_write(stream_, res_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
    }
    void on_write(beast::error_code ec, std::size_t) {
        if (ec || !res_.keep_alive()) return close();
        read();
    }
    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> res_;
    Store& store_;
    const ServeOptions& options_;
    std::size_t& live_;
};

void accept_loop(tcp::acceptor& acceptor, Store& store, const ServeOptions& o, std::size_t& live) {
    acceptor.async_accept([&](beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted) return;  // stopping
        if (!ec) {
            const bool over = live >= o.max_connections;
            auto session = std::make_shared<Session>(std::move(socket), store, o, live);
            if (over)
                session->refuse();
            else
                session->read();
        }
        accept_loop(acceptor, store, o, live);
    });
}

}  // namespace

core::Status serve_http(Store& store, const ServeOptions& o) {
    net::io_context ioc{1};
    beast::error_code ec;
    auto address = net::ip::make_address(o.host, ec);
    if (ec) return core::fail(core::Errc::usage, fmt::format("'{}' is not an IP address", o.host));
    tcp::acceptor acceptor(ioc);
    tcp::endpoint endpoint(address, o.port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return core::fail(core::Errc::io, fmt::format("{}:{}: cannot listen: {}", o.host, o.port, ec.message()));
    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int sig) {
        log().info("signal {}: stopping", sig);
        ioc.stop();
    });
    std::size_t live = 0;
    accept_loop(acceptor, store, o, live);
    if (o.on_listening) o.on_listening(acceptor.local_endpoint().port());
    ioc.run();
    return {};
}

}  // namespace utxo::verifier

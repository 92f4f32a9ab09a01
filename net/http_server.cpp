// Everything of the HTTP server that includes Boost.Beast/Asio. One Connection per socket, on its
// own strand: read a header (timeout, size limit), then the body if one is accepted, answer via
// the handler, stream file slices in chunks with a timeout per chunk, then read the next request
// if keep-alive. The structure follows Beast's advanced server example.
#include "net/http_server.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <csignal>
#include <optional>
#include <thread>
#include <vector>

#include "net/rate_limiter.h"

namespace utxo::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using core::Errc;
using core::fail;

namespace {

constexpr std::size_t kChunk = 256 * 1024;

// What every connection shares; outlives the io_context (declared before it in Engine).
struct Shared {
    HttpServerOptions options;
    HttpHandler handler;
    std::shared_ptr<HttpObserver> observer;
    RateLimiter rate{options.upload_rate};  // file bodies of every connection together
    std::atomic<std::size_t> open{0};       // connections open now

    HttpObserver* watch() const { return observer.get(); }
};

bool is_malformed(const beast::error_code& ec) {
    return ec == http::error::bad_method || ec == http::error::bad_target || ec == http::error::bad_version ||
           ec == http::error::bad_field || ec == http::error::bad_value || ec == http::error::bad_line_ending;
}

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(tcp::socket socket, Shared& shared) : stream_(std::move(socket)), shared_(shared) {
        ++shared_.open;
        if (auto* w = shared_.watch()) w->connection_opened();
    }
    ~Connection() {
        if (fd_ >= 0) ::close(fd_);
        --shared_.open;
        if (auto* w = shared_.watch()) w->connection_closed();
    }
    void run() {
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
    }
    // A connection over the cap: 503 at once, nothing read, then closed.
    void refuse_at_once() {
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->refuse(503); });
    }

private:
    beast::tcp_stream stream_;
    Shared& shared_;
    const HttpServerOptions& options_ = shared_.options;
    asio::steady_timer pause_{stream_.get_executor()};  // waits for the upload budget
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    bool keep_alive_ = false;
    unsigned version_ = 11;
    // file streaming state
    int fd_ = -1;
    std::uint64_t offset_ = 0, remaining_ = 0;
    std::vector<char> chunk_;
    http::response<http::buffer_body> file_res_;
    std::optional<http::response_serializer<http::buffer_body>> serializer_;
    http::response<http::string_body> string_res_;

    // One deadline covers the header and the body of a request.
    void read() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(options_.header_limit));
        parser_->body_limit(options_.body_limit);
        stream_.expires_after(options_.timeout);
        http::async_read_header(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
    }

    void on_header(beast::error_code ec) {
        if (ec == http::error::header_limit) return refuse(431);
        if (ec == http::error::body_limit) return refuse(413);  // a Content-Length over the limit
        if (ec && is_malformed(ec) && options_.answer_malformed) return refuse(400);
        if (ec) return close();  // timeout, end of stream, reset
        if (parser_->is_done()) return answer();
        if (options_.body_limit == 0) return refuse(413);  // a chunked body, when none is accepted
        http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code e, std::size_t) { self->on_body(e); });
    }

    void on_body(beast::error_code ec) {
        if (ec == http::error::body_limit) return refuse(413);
        if (ec) return close();
        answer();
    }

    void answer() {
        const auto& msg = parser_->get();
        HttpRequest req{std::string(msg.method_string()), std::string(msg.target())};
        if (auto it = msg.find(http::field::range); it != msg.end()) req.range = std::string(it->value());
        keep_alive_ = msg.keep_alive();
        version_ = options_.echo_request_version ? msg.version() : 11;
        HttpResponse res = shared_.handler(req);
        if (auto* w = shared_.watch()) w->answered(res.status, &req);
        if (res.file && !res.head && res.file->length > 0) return send_file(res);
        send_string(res);
    }

    template <class Body>
    void set_headers(http::response<Body>& out, const HttpResponse& res) {
        out.version(version_);
        out.result(res.status);
        out.set(http::field::server, options_.server_name);
        out.set(http::field::content_type, res.content_type);
        for (const auto& [k, v] : res.headers) out.set(k, v);
        out.keep_alive(keep_alive_);
        out.content_length(res.content_length());
    }

    void refuse(unsigned status) {
        if (auto* w = shared_.watch()) w->answered(status, nullptr);
        keep_alive_ = false;
        version_ = 11;
        send_string(options_.refusal(status));
    }

    // In-memory bodies, HEAD answers (headers of the GET answer, no body) and empty files.
    void send_string(const HttpResponse& res) {
        string_res_ = {};
        set_headers(string_res_, res);
        if (!res.head && !res.file) string_res_.body() = res.body;
        if (auto* w = shared_.watch()) w->body_bytes_sent(string_res_.body().size());
        stream_.expires_after(options_.timeout);
        http::async_write(
            stream_, string_res_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->after_response(ec); });
    }

    void send_file(const HttpResponse& res) {
        fd_ = ::open(res.file->path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) return refuse(404);
        offset_ = res.file->offset;
        remaining_ = res.file->length;
        chunk_.resize(static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, remaining_)));
        file_res_ = {};
        set_headers(file_res_, res);
        file_res_.body().data = nullptr;
        file_res_.body().more = true;
        serializer_.emplace(file_res_);
        stream_.expires_after(options_.timeout);
        http::async_write_header(stream_, *serializer_,
                                 [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                     if (ec) return self->close();
                                     self->next_chunk();
                                 });
    }

    // Waits for the shared upload budget, then sends the next chunk.
    void next_chunk() {
        const auto want = std::min<std::uint64_t>(chunk_.size(), remaining_);
        const auto wait = shared_.rate.reserve(want);
        if (wait <= std::chrono::nanoseconds::zero()) return send_chunk();
        pause_.expires_after(wait);
        pause_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (ec) return self->close();
            self->send_chunk();
        });
    }

    void send_chunk() {
        auto n = ::pread(fd_, chunk_.data(),
                         static_cast<std::size_t>(std::min<std::uint64_t>(chunk_.size(), remaining_)),
                         static_cast<off_t>(offset_));
        if (n <= 0) return close();  // the file shrank or vanished: the length we promised cannot be kept
        offset_ += static_cast<std::uint64_t>(n);
        remaining_ -= static_cast<std::uint64_t>(n);
        file_res_.body().data = chunk_.data();
        file_res_.body().size = static_cast<std::size_t>(n);
        file_res_.body().more = remaining_ > 0;
        stream_.expires_after(options_.timeout);
        http::async_write(stream_, *serializer_,
                          [self = shared_from_this(), n](beast::error_code ec, std::size_t) {
                              if (ec == http::error::need_buffer) ec = {};
                              if (ec) return self->close();
                              if (auto* w = self->shared_.watch())
                                  w->body_bytes_sent(static_cast<std::uint64_t>(n));
                              if (self->remaining_ > 0) return self->next_chunk();
                              ::close(self->fd_);
                              self->fd_ = -1;
                              self->after_response({});
                          });
    }

    void after_response(beast::error_code ec) {
        if (ec || !keep_alive_) return close();
        read();
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.close();
    }
};

// The listener and its io_context; shared by HttpServer (own threads) and serve_until_stop_signal.
struct Engine {
    Shared shared;
    asio::io_context ioc;
    tcp::acceptor acceptor{asio::make_strand(ioc)};

    Engine(HttpServerOptions o, HttpHandler h, std::shared_ptr<HttpObserver> w)
        : shared{std::move(o), std::move(h), std::move(w)}, ioc{static_cast<int>(shared.options.threads)} {}

    void accept() {
        acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted) return;
            if (!ec) admit(std::move(socket));
            accept();
        });
    }

    void admit(tcp::socket socket) {
        if (shared.open < shared.options.max_connections)
            return std::make_shared<Connection>(std::move(socket), shared)->run();
        if (shared.options.over_cap == OverCap::answer_503)
            return std::make_shared<Connection>(std::move(socket), shared)->refuse_at_once();
        beast::error_code ignored;
        socket.close(ignored);  // refuse rather than queue
    }

    [[nodiscard]] core::Status listen() {
        beast::error_code ec;
        auto address = asio::ip::make_address(shared.options.listen.host, ec);
        if (ec) return fail(Errc::usage, "not a numeric address");
        tcp::endpoint ep(address, shared.options.listen.port);
        acceptor.open(ep.protocol(), ec);
        if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec) acceptor.bind(ep, ec);
        if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec) return fail(Errc::io, ec.message());
        accept();
        return {};
    }

    std::uint16_t port() const {
        beast::error_code ec;
        return acceptor.local_endpoint(ec).port();
    }
};

}  // namespace

HttpResponse plain_refusal(unsigned status) {
    HttpResponse res;
    res.status = status;
    res.content_type = "text/plain";
    const auto reason = http::obsolete_reason(http::int_to_status(status));
    res.body = std::string(reason.data(), reason.size()) + "\n";
    return res;
}

struct HttpServer::Impl {
    Engine engine;
    std::vector<std::thread> threads;

    Impl(HttpServerOptions o, HttpHandler h, std::shared_ptr<HttpObserver> w)
        : engine(std::move(o), std::move(h), std::move(w)) {}
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

core::Result<std::unique_ptr<HttpServer>> HttpServer::start(HttpServerOptions options, HttpHandler handler,
                                                            std::shared_ptr<HttpObserver> observer) {
    auto impl = std::make_unique<Impl>(std::move(options), std::move(handler), std::move(observer));
    UTXO_TRY(impl->engine.listen());
    for (unsigned i = 0; i < impl->engine.shared.options.threads; ++i)
        impl->threads.emplace_back([raw = impl.get()] { raw->engine.ioc.run(); });
    return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::~HttpServer() {
    impl_->engine.ioc.stop();
    for (auto& t : impl_->threads) t.join();
}

std::uint16_t HttpServer::port() const { return impl_->engine.port(); }

core::Result<int> serve_until_stop_signal(HttpServerOptions options, HttpHandler handler,
                                          const std::function<void(std::uint16_t port)>& on_listening,
                                          std::shared_ptr<HttpObserver> observer) {
    Engine engine(std::move(options), std::move(handler), std::move(observer));
    UTXO_TRY(engine.listen());
    int stopped_by = 0;
    asio::signal_set signals(engine.ioc, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int sig) {
        stopped_by = sig;
        engine.ioc.stop();
    });
    if (on_listening) on_listening(engine.port());
    std::vector<std::thread> more;
    for (unsigned i = 1; i < engine.shared.options.threads; ++i) more.emplace_back([&] { engine.ioc.run(); });
    engine.ioc.run();
    for (auto& t : more) t.join();
    return stopped_by;
}

}  // namespace utxo::net

// Everything of the HTTP server that includes Boost.Beast/Asio. One Connection per socket, on its
// own strand: read a header (short timeout, size limit), then the body if one is accepted (the
// longer timeout), answer via the handler, stream file slices in chunks with a timeout per chunk
// (the wait for the upload budget included), then read the next request if keep-alive. The
// structure follows Beast's advanced server example.
#include "net/http_server.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <csignal>
#include <map>
#include <mutex>
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

// File chunks are about a quarter second of the upload budget (4 KiB to 256 KiB), so that many
// downloads sharing a small budget each wait for it in short turns, well inside the timeout.
std::size_t chunk_size(const RateLimiter& rate) {
    if (rate.unlimited()) return kChunk;
    return static_cast<std::size_t>(std::clamp<std::int64_t>(rate.rate() / 4, 4 * 1024, kChunk));
}

// Whom the per-client cap counts: an IPv4 address (also when it arrives as ::ffff:a.b.c.d), or an
// IPv6 /64, the block a single subscriber is usually given (RFC 6177), so that one client cannot
// take a place per address of its block.
using ClientKey = std::array<unsigned char, 9>;  // 4 or 6, then the address or the /64
ClientKey client_key(const asio::ip::address& address) {
    ClientKey key{};
    if (address.is_v6() && !address.to_v6().is_v4_mapped()) {
        const auto bytes = address.to_v6().to_bytes();
        key[0] = 6;
        std::copy_n(bytes.begin(), 8, key.begin() + 1);
        return key;
    }
    const auto v4 =
        address.is_v4() ? address.to_v4() : asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    const auto bytes = v4.to_bytes();
    key[0] = 4;
    std::copy(bytes.begin(), bytes.end(), key.begin() + 1);
    return key;
}

// What every connection shares; outlives the io_context (declared before it in Engine).
struct Shared {
    Shared(HttpServerOptions o, HttpHandler h, std::shared_ptr<HttpObserver> w)
        : options(std::move(o)), handler(std::move(h)), observer(std::move(w)) {}

    HttpServerOptions options;
    HttpHandler handler;
    std::shared_ptr<HttpObserver> observer;
    RateLimiter rate{options.upload_rate};  // file bodies of every connection together
    std::atomic<std::size_t> open{0};       // connections open now
    std::mutex clients_mutex;
    std::map<ClientKey, std::size_t> clients;  // connections open now per client

    HttpObserver* watch() const { return observer.get(); }
    std::size_t open_from(const ClientKey& key) {
        std::lock_guard lock(clients_mutex);
        auto it = clients.find(key);
        return it == clients.end() ? 0 : it->second;
    }
    void enter(const ClientKey& key) {
        std::lock_guard lock(clients_mutex);
        ++clients[key];
        ++open;
    }
    void leave(const ClientKey& key) {
        std::lock_guard lock(clients_mutex);
        if (auto it = clients.find(key); it != clients.end() && --it->second == 0) clients.erase(it);
        --open;
    }
};

bool is_malformed(const beast::error_code& ec) {
    return ec == http::error::bad_method || ec == http::error::bad_target || ec == http::error::bad_version ||
           ec == http::error::bad_field || ec == http::error::bad_value || ec == http::error::bad_line_ending;
}

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(tcp::socket socket, Shared& shared, const ClientKey& client)
        : stream_(std::move(socket)), shared_(shared), client_(client) {
        shared_.enter(client_);
        if (auto* w = shared_.watch()) w->connection_opened();
    }
    ~Connection() {
        if (fd_ >= 0) ::close(fd_);
        if (budget_) shared_.rate.give_back(*budget_);
        shared_.leave(client_);
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
    const ClientKey client_;
    const HttpServerOptions& options_ = shared_.options;
    asio::steady_timer pause_{stream_.get_executor()};  // waits for the upload budget
    std::optional<RateLimiter::Reservation> budget_;    // reserved, waited for, not yet used
    bool closed_ = false;
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

    // The header has its own short deadline; the body, if any, the longer one.
    void read() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(options_.header_limit));
        parser_->body_limit(options_.body_limit);
        stream_.expires_after(options_.header_timeout);
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
        stream_.expires_after(options_.timeout);
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
        chunk_.resize(
            static_cast<std::size_t>(std::min<std::uint64_t>(chunk_size(shared_.rate), remaining_)));
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

    // Waits for the shared upload budget, then sends the next chunk; the wait and the write
    // together have one timeout. A wait longer than that is not started (the budget is given back
    // at once), and a client that leaves during the wait gives its share back.
    void next_chunk() {
        const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
        const auto want = std::min<std::uint64_t>(chunk_.size(), remaining_);
        const auto reserved = shared_.rate.reserve(want);
        if (reserved.wait <= std::chrono::nanoseconds::zero()) return send_chunk(deadline);
        budget_ = reserved;
        if (reserved.wait >= options_.timeout) return close();
        pause_.expires_after(reserved.wait);
        pause_.async_wait([self = shared_from_this(), deadline](beast::error_code ec) {
            if (ec || self->closed_) return self->close();
            self->budget_.reset();
            beast::error_code ignored;
            self->stream_.socket().cancel(ignored);  // stop watch_for_leaving
            self->send_chunk(deadline);
        });
        watch_for_leaving();
    }

    // While a file chunk waits for the budget nothing reads the socket, so a client that closed
    // would be noticed only by the next write. Like Go's net/http background read, wait for the
    // socket to become readable: end of stream or an error means the client left. Data (a
    // pipelined request) is left for the next read. A client that only shut down its sending side
    // is taken as gone too, as Go's server does.
    void watch_for_leaving() {
        stream_.socket().async_wait(tcp::socket::wait_read, [self =
                                                                 shared_from_this()](beast::error_code ec) {
            if (ec == asio::error::operation_aborted || !self->budget_) return;
            if (!ec) {
                char c;
                const auto n = ::recv(self->stream_.socket().native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
                if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))) return;
            }
            self->close();
        });
    }

    void send_chunk(std::chrono::steady_clock::time_point deadline) {
        auto n = ::pread(fd_, chunk_.data(),
                         static_cast<std::size_t>(std::min<std::uint64_t>(chunk_.size(), remaining_)),
                         static_cast<off_t>(offset_));
        if (n <= 0) return close();  // the file shrank or vanished: the length we promised cannot be kept
        offset_ += static_cast<std::uint64_t>(n);
        remaining_ -= static_cast<std::uint64_t>(n);
        file_res_.body().data = chunk_.data();
        file_res_.body().size = static_cast<std::size_t>(n);
        file_res_.body().more = remaining_ > 0;
        stream_.expires_at(deadline);
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

    // Idempotent; a reservation not used is given back here rather than when the last handler
    // lets go of the connection.
    void close() {
        if (closed_) return;
        closed_ = true;
        if (budget_) shared_.rate.give_back(*budget_);
        budget_.reset();
        pause_.cancel();
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
        : shared(std::move(o), std::move(h), std::move(w)), ioc{static_cast<int>(shared.options.threads)} {}

    void accept() {
        acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted) return;
            if (!ec) admit(std::move(socket));
            accept();
        });
    }

    // Only this strand opens connections, so the counts checked here cannot grow before the
    // Connection counts itself in.
    void admit(tcp::socket socket) {
        beast::error_code ec;
        const auto remote = socket.remote_endpoint(ec);
        if (ec) return;  // already reset by the client: the socket closes as it goes out of scope
        const auto client = client_key(remote.address());
        // A file answer is written as its header, then its chunks: with Nagle's algorithm the
        // first chunk would wait for the client's delayed ACK of the header (40 ms on Linux).
        socket.set_option(tcp::no_delay(true), ec);
        const auto& o = shared.options;
        if (shared.open < o.max_connections && shared.open_from(client) < o.max_connections_per_ip)
            return std::make_shared<Connection>(std::move(socket), shared, client)->run();
        if (o.over_cap == OverCap::answer_503)
            return std::make_shared<Connection>(std::move(socket), shared, client)->refuse_at_once();
        socket.close(ec);  // refuse rather than queue
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

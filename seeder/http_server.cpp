// Everything that includes Boost.Beast/Asio. One Connection per socket, on its own strand:
// read a header (timeout, 8 KiB limit), refuse bodies, answer via handle_request, stream file
// slices in chunks with a timeout per chunk, then read the next request if keep-alive.
#include "seeder/http_server.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>

#include "seeder/log_limit.h"
#include "seeder/rate_limiter.h"
#include "seeder/request_handler.h"
#include "seeder/log.h"

namespace utxo::seeder {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using core::Errc;
using core::fail;

namespace {

constexpr std::size_t kHeaderLimit = 8 * 1024;
constexpr std::size_t kChunk = 256 * 1024;

// What every connection shares; outlives the io_context (declared before it in Impl).
struct Shared {
    const Options& options;
    const CatalogBox& catalogs;
    Metrics& metrics;
    LogLimiter limiter{60};
    RateLimiter rate{options.upload_rate};  // file bodies of every connection together

    void log_request(const HttpRequest& req, unsigned status) {
        std::uint64_t dropped = 0;
        if (log().should_log(spdlog::level::debug) && limiter.allow(dropped))
            log().debug("http {} {} -> {}{}", req.method, req.target.substr(0, 200), status,
                            dropped ? fmt::format(" ({} lines dropped)", dropped) : "");
    }
};

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(tcp::socket socket, Shared& shared) : stream_(std::move(socket)), shared_(shared) {
        ++shared_.metrics.http_connections;
    }
    ~Connection() {
        if (fd_ >= 0) ::close(fd_);
        --shared_.metrics.http_connections;
    }
    void run() {
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
    }

private:
    beast::tcp_stream stream_;
    Shared& shared_;
    asio::steady_timer pause_{stream_.get_executor()};  // waits for the upload budget
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::empty_body>> parser_;
    bool keep_alive_ = false;
    // file streaming state
    int fd_ = -1;
    std::uint64_t offset_ = 0, remaining_ = 0;
    std::vector<char> chunk_;
    http::response<http::buffer_body> file_res_;
    std::optional<http::response_serializer<http::buffer_body>> serializer_;
    http::response<http::string_body> string_res_;

    void read() {
        parser_.emplace();
        parser_->header_limit(kHeaderLimit);
        parser_->body_limit(0);
        stream_.expires_after(shared_.options.http_timeout);
        http::async_read_header(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
    }

    void on_header(beast::error_code ec) {
        if (ec == http::error::header_limit) return send_error(431, "header too large");
        if (ec == http::error::body_limit) return send_error(413, "request bodies are not accepted");
        if (ec == http::error::bad_method || ec == http::error::bad_target ||
            ec == http::error::bad_version || ec == http::error::bad_field || ec == http::error::bad_value ||
            ec == http::error::bad_line_ending)
            return send_error(400, "malformed request");
        if (ec) return close();  // timeout, end of stream, reset
        if (!parser_->is_done()) return send_error(413, "request bodies are not accepted");
        const auto& msg = parser_->get();
        HttpRequest req{std::string(msg.method_string()), std::string(msg.target()), std::nullopt};
        if (auto it = msg.find(http::field::range); it != msg.end()) req.range = std::string(it->value());
        keep_alive_ = msg.keep_alive();
        auto catalog = shared_.catalogs.get();
        HttpResponse res = handle_request(req, *catalog, &shared_.metrics);
        shared_.metrics.count_request(res.status);
        shared_.log_request(req, res.status);
        if (res.file && !res.head && res.file->length > 0) return send_file(res);
        send_string(res);
    }

    template <class Body>
    void set_headers(http::response<Body>& out, const HttpResponse& res) {
        out.version(11);
        out.result(res.status);
        out.set(http::field::server, "utxo-seeder");
        out.set(http::field::content_type, res.content_type);
        for (const auto& [k, v] : res.headers) out.set(k, v);
        out.keep_alive(keep_alive_);
        out.content_length(res.content_length());
    }

    void send_error(unsigned status, std::string_view message) {
        shared_.metrics.count_request(status);
        keep_alive_ = false;
        HttpResponse res;
        res.status = status;
        res.body = fmt::format("{{\"error\":\"{}\"}}\n", message);
        send_string(res);
    }

    // In-memory bodies, HEAD answers (headers of the GET answer, no body) and empty files.
    void send_string(const HttpResponse& res) {
        string_res_ = {};
        set_headers(string_res_, res);
        if (!res.head && !res.file) string_res_.body() = res.body;
        shared_.metrics.http_bytes_sent += string_res_.body().size();
        stream_.expires_after(shared_.options.http_timeout);
        http::async_write(
            stream_, string_res_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->after_response(ec); });
    }

    void send_file(const HttpResponse& res) {
        fd_ = ::open(res.file->path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) return send_error(404, "not found");
        offset_ = res.file->offset;
        remaining_ = res.file->length;
        chunk_.resize(static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, remaining_)));
        file_res_ = {};
        set_headers(file_res_, res);
        file_res_.body().data = nullptr;
        file_res_.body().more = true;
        serializer_.emplace(file_res_);
        stream_.expires_after(shared_.options.http_timeout);
        http::async_write_header(stream_, *serializer_,
                                 [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                     if (ec) return self->close();
                                     self->next_chunk();
                                 });
    }

    // Waits for the shared upload budget (--upload-rate), then sends the next chunk.
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
        stream_.expires_after(shared_.options.http_timeout);
        http::async_write(stream_, *serializer_,
                          [self = shared_from_this(), n](beast::error_code ec, std::size_t) {
                              if (ec == http::error::need_buffer) ec = {};
                              if (ec) return self->close();
                              self->shared_.metrics.http_bytes_sent += static_cast<std::uint64_t>(n);
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

}  // namespace

struct HttpServer::Impl {
    Shared shared;
    asio::io_context ioc{2};
    tcp::acceptor acceptor{asio::make_strand(ioc)};
    std::vector<std::thread> threads;

    Impl(const Options& o, const CatalogBox& c, Metrics& m) : shared{o, c, m} {}

    void accept() {
        acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted) return;
            if (!ec) {
                if (shared.metrics.http_connections >= shared.options.max_connections) {
                    beast::error_code ignored;
                    socket.close(ignored);  // over the cap: refuse rather than queue
                } else {
                    std::make_shared<Connection>(std::move(socket), shared)->run();
                }
            }
            accept();
        });
    }

    [[nodiscard]] core::Status listen() {
        beast::error_code ec;
        auto address = asio::ip::make_address(shared.options.http.host, ec);
        if (ec)
            return fail(Errc::usage,
                        fmt::format("--http: '{}' is not a numeric address", shared.options.http.host));
        tcp::endpoint ep(address, shared.options.http.port);
        acceptor.open(ep.protocol(), ec);
        if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec) acceptor.bind(ep, ec);
        if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec)
            return fail(Errc::io, fmt::format("cannot listen on {}: {}", shared.options.http.to_string(),
                                              ec.message()));
        return {};
    }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

core::Result<std::unique_ptr<HttpServer>> HttpServer::start(const Options& options,
                                                            const CatalogBox& catalogs, Metrics& metrics) {
    auto impl = std::make_unique<Impl>(options, catalogs, metrics);
    UTXO_TRY(impl->listen());
    impl->accept();
    for (int i = 0; i < 2; ++i) impl->threads.emplace_back([raw = impl.get()] { raw->ioc.run(); });
    return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::~HttpServer() {
    impl_->ioc.stop();
    for (auto& t : impl_->threads) t.join();
}

std::uint16_t HttpServer::port() const {
    beast::error_code ec;
    return impl_->acceptor.local_endpoint(ec).port();
}

}  // namespace utxo::seeder

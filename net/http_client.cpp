// The only client file that includes Boost.Beast/Asio: they are heavy to compile and throw, so both
// stay behind http_client.h's plain interface. Every boost::system error becomes a Result here.
#include "net/http_client.h"

#include <fmt/format.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace utxo::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using core::Errc;
using core::fail;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

// Errors that mean the server closed an idle keep-alive connection before our request arrived.
bool is_stale_connection(const error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == asio::error::eof || ec == asio::error::connection_aborted;
}

std::string mib(std::size_t bytes) {
    return bytes % (1u << 20) == 0 ? fmt::format("{} MiB", bytes >> 20) : fmt::format("{} bytes", bytes);
}

// RFC 9110 §7.2: the URL's host and port, the port left out when it is the default.
std::string host_field(const std::string& host, const std::string& port) {
    std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return port == "80" ? out : out + ":" + port;
}

}  // namespace

struct HttpClient::Impl {
    HttpClientOptions options;
    asio::io_context ioc;
    beast::tcp_stream stream{ioc};
    beast::flat_buffer buffer;
    bool connected = false;

    // Runs one asynchronous step to completion under a fresh deadline. Asynchronous only so that
    // the stream's expiry can cancel a connect, write or read that hangs.
    template <class Start>
    error_code run(Start start) {
        error_code result;
        stream.expires_after(options.timeout);
        start([&result](error_code ec, auto&&...) { result = ec; });
        ioc.restart();
        ioc.run();
        return result;
    }

    void close() {
        error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream.close();
        buffer.clear();
        connected = false;
    }

    [[nodiscard]] core::Status connect() {
        tcp::resolver resolver(ioc);
        error_code ec;
        auto endpoints = resolver.resolve(options.host, options.port, ec);
        if (ec) return fail(Errc::io, fmt::format("cannot resolve {} ({})", options.host, ec.message()));
        ec = run([&](auto handler) { stream.async_connect(endpoints, std::move(handler)); });
        if (ec == beast::error::timeout)
            return fail(Errc::io,
                        fmt::format("cannot connect (no answer within {} s)", options.timeout.count()));
        if (ec) return fail(Errc::io, fmt::format("cannot connect ({})", ec.message()));
        connected = true;
        return {};
    }

    // One write and read on the open connection. `stale` is set when the failure looks like a
    // closed keep-alive connection, so the caller may reconnect and send again.
    [[nodiscard]] core::Result<HttpClientResponse> exchange(const http::request<http::string_body>& req,
                                                            bool& stale) {
        error_code ec = run([&](auto handler) { http::async_write(stream, req, std::move(handler)); });
        http::response_parser<http::string_body> parser;
        parser.body_limit(options.max_body);
        if (!ec)
            ec = run(
                [&](auto handler) { http::async_read_header(stream, buffer, parser, std::move(handler)); });
        // With Boost 1.74 the parser's body limit did not stop a larger declared Content-Length
        // (seen against bcoin), so the declared length is checked here before the body is read.
        if (!ec && parser.content_length() && *parser.content_length() > options.max_body)
            ec = http::error::body_limit;
        if (!ec)
            ec = run([&](auto handler) { http::async_read(stream, buffer, parser, std::move(handler)); });
        if (ec) {
            stale = is_stale_connection(ec) && !parser.got_some();
            close();
            if (ec == beast::error::timeout)
                return fail(Errc::io, fmt::format("no answer within {} s", options.timeout.count()));
            if (ec == http::error::body_limit)
                return fail(Errc::too_large,
                            fmt::format("the answer is larger than the limit of {}", mib(options.max_body)));
            return fail(Errc::io, fmt::format("the connection failed ({})", ec.message()));
        }
        auto response = parser.release();
        if (!options.keep_alive || !response.keep_alive()) close();
        return HttpClientResponse{response.result_int(), std::move(response.body())};
    }

    [[nodiscard]] core::Result<HttpClientResponse> send(http::verb verb, std::string_view target,
                                                        std::string_view body, const HttpHeaders& headers) {
        http::request<http::string_body> req{verb, beast::string_view(target.data(), target.size()), 11};
        req.set(http::field::host, host_field(options.host, options.port));
        req.set(http::field::user_agent, options.user_agent);
        for (const auto& [name, value] : headers) req.set(name, value);
        req.keep_alive(options.keep_alive);
        if (verb == http::verb::post) req.body() = std::string(body);
        req.prepare_payload();
        // A reused connection may have been closed by the server meanwhile: one fresh try.
        for (int attempt = 0;; ++attempt) {
            bool reused = connected;
            if (!connected) UTXO_TRY(connect());
            bool stale = false;
            auto response = exchange(req, stale);
            if (response || !(reused && stale) || attempt > 0) return response;
        }
    }

    [[nodiscard]] core::Result<HttpClientResponse> send_caught(http::verb verb, std::string_view target,
                                                               std::string_view body,
                                                               const HttpHeaders& headers) {
        try {
            return send(verb, target, body, headers);
        } catch (const std::exception& e) {  // Beast throws only for misuse or allocation failure
            close();
            return fail(Errc::io, fmt::format("the request failed ({})", e.what()));
        }
    }
};

HttpClient::HttpClient(HttpClientOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
}

HttpClient::~HttpClient() {
    if (impl_->connected) impl_->close();
}

core::Result<HttpClientResponse> HttpClient::post(std::string_view target, std::string_view body,
                                                  const HttpHeaders& headers) {
    return impl_->send_caught(http::verb::post, target, body, headers);
}

core::Result<HttpClientResponse> HttpClient::get(std::string_view target, const HttpHeaders& headers) {
    return impl_->send_caught(http::verb::get, target, {}, headers);
}

core::Result<std::optional<std::string>> http_get(const HttpUrl& url, const GetOptions& options) {
    HttpClient client({url.host, url.port, options.user_agent, options.timeout, options.max_body, false});
    UTXO_TRY_ASSIGN(auto response, client.get(url.path, {}));
    if (response.status == 404) return std::optional<std::string>{};
    if (response.status != 200) return fail(Errc::io, fmt::format("answered {}", response.status));
    return std::optional<std::string>{std::move(response.body)};
}

}  // namespace utxo::net

// The only verifier file that includes Boost.Beast/Asio: they are heavy to compile and throw, so
// they stay behind fetch_http.h. Every boost::system error becomes a Result here.
#include "verifier/fetch_http.h"

#include <fmt/format.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace utxo::verifier {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using core::Errc;
using core::fail;
using error_code = boost::system::error_code;

namespace {

// Runs one asynchronous step to completion; asynchronous only so the stream's expiry can
// cancel a connect, write or read that hangs.
template <class Start>
error_code run_step(asio::io_context& ioc, Start start) {
    error_code result;
    start([&result](error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
}

[[nodiscard]] core::Result<std::string> get_once(const HttpUrl& url, const GetOptions& o) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    asio::ip::tcp::resolver resolver(ioc);
    error_code ec;
    auto endpoints = resolver.resolve(url.host, url.port, ec);
    if (ec) return fail(Errc::io, fmt::format("cannot resolve {} ({})", url.host, ec.message()));
    stream.expires_after(o.timeout);
    ec = run_step(ioc, [&](auto h) { stream.async_connect(endpoints, std::move(h)); });
    if (ec == beast::error::timeout)
        return fail(Errc::io, fmt::format("cannot connect (no answer within {} s)", o.timeout.count()));
    if (ec) return fail(Errc::io, fmt::format("cannot connect ({})", ec.message()));

    http::request<http::empty_body> req{http::verb::get, url.path, 11};
    req.set(http::field::host, url.port == "80" ? url.host : url.host + ":" + url.port);
    req.set(http::field::user_agent, "utxo-verifier");
    req.keep_alive(false);
    stream.expires_after(o.timeout);
    ec = run_step(ioc, [&](auto h) { http::async_write(stream, req, std::move(h)); });
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(o.max_body);
    if (!ec) {
        stream.expires_after(o.timeout);
        ec = run_step(ioc, [&](auto h) { http::async_read_header(stream, buffer, parser, std::move(h)); });
    }
    // A declared length above the limit is refused before reading (Beast 1.74's limit did not
    // always stop it).
    if (!ec && parser.content_length() && *parser.content_length() > o.max_body) ec = http::error::body_limit;
    if (!ec) {
        stream.expires_after(o.timeout);
        ec = run_step(ioc, [&](auto h) { http::async_read(stream, buffer, parser, std::move(h)); });
    }
    error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    if (ec == beast::error::timeout)
        return fail(Errc::io, fmt::format("no answer within {} s", o.timeout.count()));
    if (ec == http::error::body_limit)
        return fail(Errc::too_large, fmt::format("the answer is larger than {} bytes", o.max_body));
    if (ec) return fail(Errc::io, fmt::format("the connection failed ({})", ec.message()));
    auto response = parser.release();
    if (response.result_int() == 404) return fail(Errc::not_found, "answered 404 (not found)");
    if (response.result_int() != 200)
        return fail(Errc::io, fmt::format("answered {}", response.result_int()));
    return std::move(response.body());
}

}  // namespace

core::Result<std::string> http_get(const HttpUrl& url, const GetOptions& options) {
    try {
        return get_once(url, options);
    } catch (const std::exception& e) {  // Beast throws only for misuse or allocation failure
        return fail(Errc::io, fmt::format("the request failed ({})", e.what()));
    }
}

}  // namespace utxo::verifier

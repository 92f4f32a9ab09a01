// The verifier's small HTTP/1.1 GET client for the seeder's index (docs/seeder-http.md): one
// request per connection, a timeout on every step, answers bounded in size. Boost.Beast stays in
// fetch_http.cpp; URL handling is plain code in fetch_url.cpp.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "net/endpoint.h"
#include "net/url.h"

namespace utxo::verifier {

using net::HttpUrl;  // net/url.h
// A seeder's URL: plain http://host[:port][/path] without credentials; errors name the URL.
[[nodiscard]] core::Result<HttpUrl> parse_http_url(std::string_view url);
// A reference from a seeder's answer: an absolute http URL, or an absolute path on `base`'s origin.
[[nodiscard]] core::Result<HttpUrl> resolve_reference(const HttpUrl& base, std::string_view reference);
// base's path joined with a relative path, with exactly one '/' between them.
HttpUrl join_path(const HttpUrl& base, std::string_view relative);

using net::HostPort;
using net::parse_peer_address;  // a magnet's x.pe "host:port" (also "[v6]:port")
using net::percent_decode;

struct GetOptions {
    std::chrono::seconds timeout{20};  // each of connect, write and read
    std::size_t max_body = 16u << 20;  // larger answers are refused (Errc::too_large)
};

// GETs the URL. A 200 answer is the body; 404 is Errc::not_found; other statuses and transport
// trouble are Errc::io, all as a phrase that follows the URL: "answered 500", "cannot connect
// (Connection refused)", "no answer within 20 s".
[[nodiscard]] core::Result<std::string> http_get(const HttpUrl& url, const GetOptions& options = {});

}  // namespace utxo::verifier

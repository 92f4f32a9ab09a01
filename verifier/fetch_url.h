// Seeder URLs and the GET fetch sends them: the seeder's rules (no credentials, the verifier's user
// agent and bounds) as a few lines over net/url.h and net/http_client.h.
#pragma once
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "net/endpoint.h"
#include "net/http_client.h"
#include "net/url.h"

namespace utxo::verifier {

using net::HostPort;
using net::HttpUrl;
using net::join_path;
using net::parse_peer_address;  // a magnet's x.pe "host:port" (also "[v6]:port")
using net::percent_decode;

// A seeder's URL: plain http://host[:port][/path] without credentials; errors name the URL.
[[nodiscard]] core::Result<HttpUrl> parse_http_url(std::string_view url);
// A reference from a seeder's answer (net::resolve_reference), without credentials like a seeder URL.
[[nodiscard]] core::Result<HttpUrl> resolve_seeder_reference(const HttpUrl& base, std::string_view reference);

// GETs a seeder's URL as utxo-verifier, `timeout` for each step (net::http_get): the body of a 200
// answer, nullopt for 404; Errc::too_large "the answer is larger than N bytes" past `max_body`.
[[nodiscard]] core::Result<std::optional<std::string>> seeder_get(
    const HttpUrl& url, std::size_t max_body = 16u << 20,
    std::chrono::seconds timeout = std::chrono::seconds(20));
// Why a seeder_get gave no body, as a phrase to follow the URL: its error, or "answered 404 (not
// found)" (fetch treats a missing file like an unreadable one: it tries the next source).
std::string why_no_body(const core::Result<std::optional<std::string>>& got);

}  // namespace utxo::verifier

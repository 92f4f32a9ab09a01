// Plain http:// URLs and the pieces the tools share: percent-decoding and Basic authorization.
// Plain code, no sockets: it compiles fast and is tested alone.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.h"
#include "net/endpoint.h"

namespace utxo::net {

// http://[user:password@]host[:port][/path]. Only plain http: Core's RPC and REST, and our
// seeders, speak no TLS.
struct HttpUrl {
    std::string host;  // without brackets for IPv6
    std::string port = "80";
    std::string path = "/";     // e.g. "/" or "/wallet/x"
    std::string user_password;  // "user:password", percent-decoded, or empty

    std::string origin() const;   // "http://host:port"
    std::string str() const;      // origin() + path, without credentials
    std::string display() const;  // like str(), but the path only when it is not "/"
};

// Errc::usage with one phrase about the URL (callers add which URL): "only http:// URLs are
// supported", "the URL names no host", ...
[[nodiscard]] core::Result<HttpUrl> parse_http_url(std::string_view url);

// A reference found in a server's answer: an absolute http URL (errors name it: "REFERENCE: only
// http:// URLs are supported"), or an absolute path on `base`'s origin (Errc::invalid "a path holds
// a space or control character"). No relative paths: the servers we read give none.
[[nodiscard]] core::Result<HttpUrl> resolve_reference(const HttpUrl& base, std::string_view reference);

// base's path joined with a relative path, with exactly one '/' between them.
HttpUrl join_path(const HttpUrl& base, std::string_view relative);

// Percent-decodes ('+' stays '+'); nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view text);

// The value of an HTTP Basic Authorization header for "user:password".
std::string basic_authorization(std::string_view user_password);

}  // namespace utxo::net

// A small blocking HTTP/1.1 client for the node chain sources (JSON-RPC and REST on loopback or a
// LAN). One keep-alive connection, reopened when the server closes it; every connect, read and
// write has a timeout; answers are bounded in size. Boost.Beast stays inside http_client.cpp.
#pragma once
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace utxo::indexer {

// http://[user:password@]host[:port][/path]. Only plain http: Core's RPC and REST speak no TLS.
struct HttpUrl {
    std::string host;
    std::string port = "80";
    std::string path = "/";      // target prefix, e.g. "/" or "/wallet/x"
    std::string user_password;   // "user:password" as written in the URL (percent-decoded), or empty

    // The URL without credentials, for messages: "http://127.0.0.1:8332" (path only if not "/").
    std::string display() const;
};
// Errors are one sentence about the URL, e.g. "only http:// URLs are supported".
core::Result<HttpUrl> parse_http_url(std::string_view url);

// The value of an HTTP Basic Authorization header for "user:password".
std::string basic_authorization(std::string_view user_password);

struct HttpOptions {
    std::string host;
    std::string port;
    std::chrono::seconds timeout{30};        // each of resolve+connect, write, read
    std::size_t max_body = 64u << 20;        // larger answers are refused
};

struct HttpResponse {
    unsigned status = 0;
    std::string body;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
public:
    explicit HttpClient(HttpOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends one request and reads the whole answer. Any status is a result; errors are transport
    // trouble, as a phrase to follow the peer's name: "cannot connect (Connection refused)",
    // "no answer within 30 s", "the answer is larger than 64 MiB", ...
    core::Result<HttpResponse> post(std::string_view target, std::string_view body, const HttpHeaders& headers);
    core::Result<HttpResponse> get(std::string_view target, const HttpHeaders& headers);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace utxo::indexer

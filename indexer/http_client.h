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
#include "net/url.h"

namespace utxo::indexer {

// URLs and Basic authorization are net's (net/url.h).
using net::basic_authorization;
using net::HttpUrl;
using net::parse_http_url;

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
    [[nodiscard]] core::Result<HttpResponse> post(std::string_view target, std::string_view body, const HttpHeaders& headers);
    core::Result<HttpResponse> get(std::string_view target, const HttpHeaders& headers);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace utxo::indexer

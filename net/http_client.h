// The one HTTP/1.1 client: blocking, plain http, one connection per client, kept alive between
// requests and reopened once when the server closed it meanwhile. Every connect, write and read
// has a timeout and answers are bounded in size (the declared Content-Length is checked before the
// body is read). Boost.Beast stays inside http_client.cpp.
//
// Used for Core's JSON-RPC and REST by the indexer (HttpClient: any status is a result) and for a
// seeder's index by the verifier (http_get: 200 is the body, 404 is "not there").
#pragma once
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "net/url.h"

namespace utxo::net {

struct HttpClientOptions {
    std::string host;
    std::string port = "80";
    std::string user_agent;            // "utxo-indexer", "utxo-verifier"
    std::chrono::seconds timeout{30};  // each of resolve+connect, write, reading the header, the body
    std::size_t max_body = 64u << 20;  // larger answers are refused (Errc::too_large)
    bool keep_alive = true;            // false: one request per connection ("Connection: close")
};

struct HttpClientResponse {
    unsigned status = 0;
    std::string body;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
public:
    explicit HttpClient(HttpClientOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends one request and reads the whole answer. Any status is a result; errors are transport
    // trouble, as a phrase to follow the peer's name: "cannot resolve HOST (...)", "cannot connect
    // (Connection refused)", "no answer within 30 s", "the answer is larger than the limit of
    // 64 MiB" (Errc::too_large), "the connection failed (...)"; all others are Errc::io.
    // `headers` are set after Host and User-Agent, so they may replace them.
    [[nodiscard]] core::Result<HttpClientResponse> post(std::string_view target, std::string_view body,
                                                        const HttpHeaders& headers);
    [[nodiscard]] core::Result<HttpClientResponse> get(std::string_view target, const HttpHeaders& headers);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

struct GetOptions {
    std::string user_agent;
    std::chrono::seconds timeout{20};  // each of connect, write, reading the header, the body
    std::size_t max_body = 16u << 20;  // larger answers are refused (Errc::too_large)
};

// GETs `url` on a connection of its own (credentials in the URL are not sent). A 200 answer is
// its body; 404 is nullopt, an ordinary result ("not there, take the other path"); any other
// status is Errc::io "answered 500". Transport trouble as HttpClient says.
[[nodiscard]] core::Result<std::optional<std::string>> http_get(const HttpUrl& url,
                                                                const GetOptions& options);

}  // namespace utxo::net

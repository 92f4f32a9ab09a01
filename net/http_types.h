// Plain request and response values between the HTTP server skeleton (net/http_server.h, Boost.Beast
// inside) and each part's handler, so a handler is a pure function that tests call without sockets.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace utxo::net {

struct HttpRequest {
    std::string method;                               // "GET", "HEAD", ...
    std::string target;                               // as sent: "/v1/releases", "/v1/files/...?x"
    std::optional<std::string> range = std::nullopt;  // the Range header, when present
};

// Part of a file on disk, streamed by the server without loading it.
struct FileSlice {
    std::filesystem::path path;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

struct HttpResponse {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;  // extra: Content-Range, Allow, ...
    std::string body;                                          // used when `file` is empty
    std::optional<FileSlice> file;                             // the body, read from disk
    bool head = false;  // answer to HEAD: send the headers of the GET answer only

    std::uint64_t content_length() const { return file ? file->length : body.size(); }
    const std::string* header(std::string_view name) const {
        for (const auto& [k, v] : headers)
            if (k == name) return &v;
        return nullptr;
    }
};

}  // namespace utxo::net

// rest:URL — Bitcoin Core's REST interface (bitcoind -rest; no authentication, Core >= 24 for
// headers?count=). Binary formats throughout: no hex to decode, no JSON except chaininfo.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/sha256.h"
#include "indexer/node_sources.h"
#include "net/http_client.h"
#include "net/url.h"

namespace utxo::indexer {

using core::Errc;
using core::fail;

namespace {

// Core caps /rest/headers at 2000 headers per request.
constexpr std::uint32_t max_headers_per_request = 2000;

// The server's error text is untrusted: one line, printable ASCII, bounded.
std::string first_line(std::string_view body) {
    std::string out;
    for (char c : body) {
        if (c == '\r' || c == '\n' || out.size() >= 200) break;
        out += (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    return out.empty() ? "no message" : out;
}

core::BlockHash header_hash(core::ByteView header) {
    return core::hash_cast<core::BlockHash>(core::sha256d(header.first(80)));
}

}  // namespace

class RestSource final : public ChainSource {
public:
    RestSource(std::string name, std::string base, net::HttpClientOptions http)
        : name_(std::move(name)), base_(std::move(base)), http_(std::move(http)) {}

    std::string name() const override { return name_; }

    [[nodiscard]] core::Result<core::Height> tip_height() override {
        UTXO_TRY_ASSIGN(auto body, get("rest/chaininfo.json", "chaininfo"));
        auto info = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
        auto height = info.is_object() && info.contains("blocks") && info["blocks"].is_number_unsigned()
                          ? core::Height::from_u64(info["blocks"].get<std::uint64_t>())
                          : std::nullopt;
        if (!height)
            return fail(Errc::invalid,
                        fmt::format("{}: chaininfo: no \"blocks\" height in the answer", name_));
        return *height;
    }

    [[nodiscard]] core::Result<core::BlockHash> block_hash(core::Height height) override {
        UTXO_TRY_ASSIGN(auto body, get(fmt::format("rest/blockhashbyheight/{}.bin", height.value),
                                       fmt::format("blockhashbyheight {}", height.value)));
        if (body.size() != 32)
            return fail(Errc::invalid, fmt::format("{}: blockhashbyheight {}: {} bytes, not a 32-byte hash",
                                                   name_, height.value, body.size()));
        return core::BlockHash::from_raw(core::as_bytes(body));
    }

    [[nodiscard]] core::Result<std::vector<core::Bytes>> blocks(core::Height from,
                                                                std::uint32_t count) override;

private:
    [[nodiscard]] core::Result<std::string> get(const std::string& target, const std::string& what);
    core::Status append_hashes(core::Height from, std::uint32_t count, std::vector<core::BlockHash>& out);

    std::string name_;
    std::string base_;  // the URL's path, ending in '/'
    net::HttpClient http_;
};

core::Result<std::string> RestSource::get(const std::string& target, const std::string& what) {
    auto response = http_.get(base_ + target, {});
    if (!response) return fail(response.error().code, fmt::format("{}: {}", name_, response.error().message));
    if (response->status == 200) return std::move(response->body);
    // Without -rest Core serves no /rest/ paths at all, so the first request gets a plain 404.
    std::string hint =
        response->status == 404 && what == "chaininfo" ? "; is the node started with -rest?" : "";
    return fail(response->status == 404 ? Errc::not_found : Errc::io,
                fmt::format("{}: {}: {} (HTTP {}{})", name_, what, first_line(response->body),
                            response->status, hint));
}

// Hashes of heights [from, from + count): one blockhashbyheight, then up to 2000 headers per
// request, instead of one request per height.
core::Status RestSource::append_hashes(core::Height from, std::uint32_t count,
                                       std::vector<core::BlockHash>& out) {
    while (count > 0) {
        UTXO_TRY_ASSIGN(auto first, block_hash(from));
        std::uint32_t n = std::min(count, max_headers_per_request);
        auto what = fmt::format("headers {} from height {}", n, from.value);
        UTXO_TRY_ASSIGN(auto body,
                        get(fmt::format("rest/headers/{}.bin?count={}", first.to_display_hex(), n), what));
        if (body.size() % 80 != 0 || body.size() / 80 > n)
            return fail(Errc::invalid,
                        fmt::format("{}: {}: {} bytes are not whole headers", name_, what, body.size()));
        if (body.size() / 80 < n)  // the chain ends earlier
            return fail(Errc::not_found, fmt::format("{}: {}: the node's chain ends at height {}", name_,
                                                     what, from.value + body.size() / 80 - 1));
        auto bytes = core::as_bytes(body);
        for (std::size_t i = 0; i < n; ++i) out.push_back(header_hash(bytes.subspan(i * 80, 80)));
        if (out[out.size() - n] != first)
            return fail(Errc::mismatch,
                        fmt::format("{}: {}: the first header is not the requested block", name_, what));
        from = core::Height{from.value + n};
        count -= n;
    }
    return {};
}

core::Result<std::vector<core::Bytes>> RestSource::blocks(core::Height from, std::uint32_t count) {
    if (from.value + std::uint64_t{count} > std::uint64_t{UINT32_MAX} + 1)
        return fail(Errc::usage,
                    fmt::format("{}: heights from {} count {} pass 2^32", name_, from.value, count));
    std::vector<core::BlockHash> hashes;
    hashes.reserve(count);
    UTXO_TRY(append_hashes(from, count, hashes));
    std::vector<core::Bytes> out;
    out.reserve(count);
    // REST has no batches; the keep-alive connection saves a handshake per block.
    for (const auto& hash : hashes) {
        auto what = fmt::format("block {}", hash.to_display_hex());
        UTXO_TRY_ASSIGN(auto body, get(fmt::format("rest/block/{}.bin", hash.to_display_hex()), what));
        if (body.size() < 80 || header_hash(core::as_bytes(body)) != hash)
            return fail(Errc::mismatch, fmt::format("{}: {}: the answer is another block", name_, what));
        out.emplace_back(body.begin(), body.end());
    }
    return out;
}

core::Result<std::unique_ptr<ChainSource>> open_rest_source(const SourceOptions& options,
                                                            std::string_view spec_url) {
    auto url = net::parse_http_url(spec_url);
    if (!url) return fail(url.error().code, fmt::format("rest: {}", url.error().message));
    std::string name = "rest:" + url->display();
    if (!url->user_password.empty())
        return fail(Errc::usage, fmt::format("{}: Core's REST interface takes no user or password", name));
    std::string base = url->path.ends_with('/') ? url->path : url->path + "/";
    net::HttpClientOptions http{url->host, url->port, "utxo-indexer",
                                std::chrono::seconds(options.timeout_seconds), options.max_response_bytes};
    return std::unique_ptr<ChainSource>(new RestSource(std::move(name), std::move(base), std::move(http)));
}

}  // namespace utxo::indexer

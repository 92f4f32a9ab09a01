// rpc:URL — Bitcoin Core's JSON-RPC (also bcoin's, which speaks the same dialect for these calls).
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/sha256.h"
#include "indexer/node_sources.h"
#include "net/http_client.h"
#include "net/url.h"

namespace utxo::indexer {

using core::Errc;
using core::fail;
using json = nlohmann::json;

namespace {

// Core's default cookie: <datadir>/[<chain subdir>/].cookie, datadir ~/.bitcoin on Linux.
std::filesystem::path default_cookie(core::Network network) {
    const char* home = std::getenv("HOME");
    if (!home) return {};
    std::filesystem::path dir = std::filesystem::path(home) / ".bitcoin";
    switch (network) {
        case core::Network::mainnet:
            break;
        case core::Network::testnet3:
            dir /= "testnet3";
            break;
        case core::Network::testnet4:
            dir /= "testnet4";
            break;
        case core::Network::signet:
            dir /= "signet";
            break;
        case core::Network::regtest:
            dir /= "regtest";
            break;
    }
    return dir / ".cookie";
}

std::optional<std::string> read_cookie(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line)) return std::nullopt;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.find(':') == std::string::npos) return std::nullopt;
    return line;
}

// "getblockhash 500", "getblock 0f9188f1... 0": the call as a reader would type it.
std::string describe(const std::string& method, const json& params) {
    std::string out = method;
    for (const auto& p : params) {
        out += ' ';
        out += p.is_string() ? p.get<std::string>() : p.dump();
    }
    return out;
}

// Core's messages end with a period sometimes; ours add "(code N)" after them.
std::string rpc_error_sentence(const json& error) {
    std::string message = error.is_object() && error.contains("message") && error["message"].is_string()
                              ? error["message"].get<std::string>()
                              : error.dump();
    // The node's text is untrusted: one line, printable, bounded.
    if (message.size() > 200) message.resize(200);
    for (char& c : message)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    while (!message.empty() && (message.back() == '.' || message.back() == ' ')) message.pop_back();
    if (error.is_object() && error.contains("code"))
        message += fmt::format(" (code {})", error["code"].dump());
    return message;
}

struct Call {
    std::string method;
    json params;
};

}  // namespace

class RpcSource final : public ChainSource {
public:
    RpcSource(std::string name, net::HttpUrl url, net::HttpClientOptions http, std::string user_password,
              std::filesystem::path cookie)
        : name_(std::move(name)),
          url_(std::move(url)),
          max_response_bytes_(http.max_body),
          http_(std::move(http)),
          cookie_path_(std::move(cookie)) {
        set_credentials(user_password);
    }

    std::string name() const override { return name_; }

    [[nodiscard]] core::Result<core::Height> tip_height() override {
        UTXO_TRY_ASSIGN(auto r, batch({{"getblockcount", json::array()}}));
        const json& v = (r)[0];
        auto height = v.is_number_unsigned() ? core::Height::from_u64(v.get<std::uint64_t>()) : std::nullopt;
        if (!height)
            return fail(Errc::invalid, fmt::format("{}: getblockcount: not a height: {}", name_, v.dump()));
        return *height;
    }

    [[nodiscard]] core::Result<core::BlockHash> block_hash(core::Height height) override {
        UTXO_TRY_ASSIGN(auto r, hashes(height, 1));
        return (r)[0];
    }

    [[nodiscard]] core::Result<std::vector<core::Bytes>> blocks(core::Height from,
                                                                std::uint32_t count) override;

private:
    void set_credentials(const std::string& user_password) {
        headers_ = {{"Content-Type", "application/json"}};
        if (!user_password.empty())
            headers_.emplace_back("Authorization", net::basic_authorization(user_password));
    }
    [[nodiscard]] core::Result<std::vector<core::BlockHash>> hashes(core::Height from, std::uint32_t count);
    core::Result<std::vector<json>> batch(const std::vector<Call>& calls);
    [[nodiscard]] core::Result<json> post(const std::string& body);
    core::Result<std::size_t> fetch_blocks(const std::vector<core::BlockHash>& hs, std::size_t begin,
                                           std::size_t end, std::vector<core::Bytes>& out);

    std::string name_;
    net::HttpUrl url_;
    std::size_t max_response_bytes_;
    std::size_t blocks_per_batch_ = 16;  // adapted to the block sizes seen
    net::HttpClient http_;
    std::filesystem::path cookie_path_;  // re-read after a 401: Core writes a new one per start
    net::HttpHeaders headers_;
};

// One HTTP request. Core answers errors with status 500 or 404 and a JSON body, so only the
// status codes without a JSON body are turned into errors here.
core::Result<json> RpcSource::post(const std::string& body) {
    auto response = http_.post(url_.path, body, headers_);
    if (response && response->status == 401 && !cookie_path_.empty()) {
        if (auto cookie = read_cookie(cookie_path_)) {
            set_credentials(*cookie);
            response = http_.post(url_.path, body, headers_);
        }
    }
    if (!response) return fail(response.error().code, fmt::format("{}: {}", name_, response.error().message));
    if (response->status == 401 || response->status == 403)
        return fail(Errc::usage,
                    fmt::format("{}: authentication failed (check the cookie or user/password)", name_));
    json answer = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
    if (answer.is_discarded())
        return fail(Errc::invalid,
                    fmt::format("{}: HTTP {} without a JSON-RPC answer", name_, response->status));
    return answer;
}

// All calls in one JSON-RPC batch; results in call order. The first failed call is the error.
core::Result<std::vector<json>> RpcSource::batch(const std::vector<Call>& calls) {
    json request = json::array();
    for (std::size_t i = 0; i < calls.size(); ++i)
        request.push_back(
            {{"jsonrpc", "1.0"}, {"id", i}, {"method", calls[i].method}, {"params", calls[i].params}});
    UTXO_TRY_ASSIGN(auto answer, post(request.dump()));
    if (!answer.is_array() || answer.size() != calls.size())
        return fail(Errc::invalid, fmt::format("{}: the answer to a batch of {} calls is not {} results",
                                               name_, calls.size(), calls.size()));
    std::vector<json> results(calls.size());
    std::vector<bool> seen(calls.size());
    for (auto& item : answer) {  // servers may answer a batch in any order
        const json* id = item.is_object() && item.contains("id") ? &item["id"] : nullptr;
        if (!id || !id->is_number_unsigned() || id->get<std::size_t>() >= calls.size() ||
            seen[id->get<std::size_t>()])
            return fail(Errc::invalid, fmt::format("{}: a batch answer has a missing or unknown id", name_));
        std::size_t i = id->get<std::size_t>();
        seen[i] = true;
        const Call& call = calls[i];
        if (item.contains("error") && !item["error"].is_null())
            return fail(Errc::not_found, fmt::format("{}: {}: {}", name_, describe(call.method, call.params),
                                                     rpc_error_sentence(item["error"])));
        if (!item.contains("result"))
            return fail(Errc::invalid,
                        fmt::format("{}: {}: no result", name_, describe(call.method, call.params)));
        results[i] = std::move(item["result"]);
    }
    return results;
}

core::Result<std::vector<core::BlockHash>> RpcSource::hashes(core::Height from, std::uint32_t count) {
    std::vector<Call> calls;
    calls.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i)
        calls.push_back({"getblockhash", json::array({from.value + i})});
    UTXO_TRY_ASSIGN(auto results, batch(calls));
    std::vector<core::BlockHash> out;
    out.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        const json& v = (results)[i];
        auto hash =
            v.is_string() ? core::BlockHash::from_display_hex(v.get_ref<const std::string&>()) : std::nullopt;
        if (!hash)
            return fail(Errc::invalid, fmt::format("{}: getblockhash {}: not a block hash: {}", name_,
                                                   from.value + i, v.dump()));
        out.push_back(*hash);
    }
    return out;
}

// One getblock batch for the given hashes, appended to `out`; returns the raw bytes fetched.
core::Result<std::size_t> RpcSource::fetch_blocks(const std::vector<core::BlockHash>& hs, std::size_t begin,
                                                  std::size_t end, std::vector<core::Bytes>& out) {
    std::vector<Call> calls;
    calls.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i)
        calls.push_back({"getblock", json::array({hs[i].to_display_hex(), 0})});
    UTXO_TRY_ASSIGN(auto results, batch(calls));
    std::size_t bytes = 0;
    for (std::size_t i = begin; i < end; ++i) {
        json& v = (results)[i - begin];
        auto raw = v.is_string() ? core::from_hex(v.get_ref<const std::string&>()) : std::nullopt;
        v = nullptr;  // the hex is twice the block's size: free it as soon as it is decoded
        if (!raw || raw->size() < 80)
            return fail(Errc::invalid,
                        fmt::format("{}: getblock {} 0: not a block in hex", name_, hs[i].to_display_hex()));
        // A node that answers with another block than asked for would corrupt the caller's chain.
        auto got = core::hash_cast<core::BlockHash>(core::sha256d(core::ByteView(*raw).first(80)));
        if (got != hs[i])
            return fail(Errc::mismatch, fmt::format("{}: getblock {} 0 returned block {}", name_,
                                                    hs[i].to_display_hex(), got.to_display_hex()));
        bytes += raw->size();
        out.push_back(std::move(*raw));
    }
    return bytes;
}

// Blocks come in getblock batches sized to the answers: tiny regtest blocks go hundreds at a
// time, full mainnet blocks (up to ~8 MB of hex each) a few at a time, always under the limit.
core::Result<std::vector<core::Bytes>> RpcSource::blocks(core::Height from, std::uint32_t count) {
    if (count == 0) return std::vector<core::Bytes>{};
    if (from.value + std::uint64_t{count} - 1 > UINT32_MAX)
        return fail(Errc::usage,
                    fmt::format("{}: heights from {} count {} pass 2^32", name_, from.value, count));
    UTXO_TRY_ASSIGN(auto hs, hashes(from, count));
    std::vector<core::Bytes> out;
    out.reserve(count);
    const std::size_t target = std::max<std::size_t>(max_response_bytes_ / 8, 1);  // raw bytes per batch
    std::size_t at = 0;
    while (at < hs.size()) {
        std::size_t end = std::min(hs.size(), at + blocks_per_batch_);
        auto got = fetch_blocks(hs, at, end, out);
        if (!got && got.error().code == Errc::too_large && end - at > 1) {
            blocks_per_batch_ = std::max<std::size_t>(1, (end - at) / 4);  // retry smaller
            continue;
        }
        UTXO_TRY(got);
        const std::size_t per_block = std::max<std::size_t>(1, *got / (end - at));
        blocks_per_batch_ = std::clamp<std::size_t>(target / per_block, 1, 1000);
        at = end;
    }
    return out;
}

core::Result<std::unique_ptr<ChainSource>> open_rpc_source(const SourceOptions& options,
                                                           std::string_view spec_url) {
    auto url = net::parse_http_url(spec_url);
    // Not echoing the URL: it may hold a password.
    if (!url) return fail(url.error().code, fmt::format("rpc: {}", url.error().message));
    std::string name = "rpc:" + url->display();
    std::string credentials = url->user_password;
    std::filesystem::path cookie_path;
    if (credentials.empty()) {
        cookie_path = options.rpc_cookie_file.empty() ? default_cookie(options.network)
                                                      : std::filesystem::path(options.rpc_cookie_file);
        auto cookie = read_cookie(cookie_path);
        if (!cookie && !options.rpc_cookie_file.empty())
            return fail(Errc::io, fmt::format("{}: cannot read the cookie file {} (expected user:password)",
                                              name, cookie_path.string()));
        if (cookie)
            credentials = *cookie;
        else
            cookie_path.clear();  // no default cookie: try without credentials
    }
    net::HttpClientOptions http{url->host, url->port, "utxo-indexer",
                                std::chrono::seconds(options.timeout_seconds), options.max_response_bytes};
    return std::unique_ptr<ChainSource>(new RpcSource(std::move(name), std::move(*url), std::move(http),
                                                      credentials, std::move(cookie_path)));
}

}  // namespace utxo::indexer

// The Esplora-compatible endpoints over the store.
#include "verifier/esplora.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "core/address.h"
#include "core/printable.h"
#include "verifier/esplora_route.h"

namespace utxo::verifier {

namespace {

constexpr std::string_view kReleaseHeaders =
    "X-Utxo-Release-Height, X-Utxo-Release-Block, X-Utxo-Release-Age";
constexpr std::string_view kMethods = "GET, HEAD, OPTIONS";

HttpResponse answer(unsigned status, std::string content_type, std::string body) {
    HttpResponse res;
    res.status = status;
    res.content_type = std::move(content_type);
    res.body = std::move(body);
    return res;
}

HttpResponse text(unsigned status, std::string body) { return answer(status, "text/plain", body + "\n"); }

// A path from the request, for a message: printable, at most 100 characters.
std::string echo(std::string_view s) { return core::printable(s.substr(0, 100)); }

std::string whoami(const Installed& cur) {
    const auto net = cur.manifest.network;
    // Core's -chain names are "main" and "test"; a sentence reads better with the full ones.
    const std::string_view name = net == core::Network::mainnet    ? "mainnet"
                                  : net == core::Network::testnet3 ? "testnet3"
                                                                   : core::network_name(net);
    return fmt::format("utxo-verifier serve answers from a verified UTXO set ({} at height {})", name,
                       cur.manifest.height.value);
}

std::string what_it_answers(const Installed& cur) {
    return fmt::format(
        "GET /address/:address/utxo, /scripthash/:hash/utxo, /blocks/tip/height, "
        "/blocks/tip/hash and /block-height/{}",
        cur.manifest.height.value);
}

// What a full Esplora server answers from its index of the whole chain, by the route's first
// segment: the reason it is 501 here, not an unknown path.
std::optional<std::string_view> needs_history(const std::vector<std::string_view>& seg) {
    if (seg.empty()) return std::nullopt;
    const auto s = seg[0];
    if (s == "address" || s == "scripthash" || s == "address-prefix")
        return "transaction history and address statistics";
    if (s == "tx" || s == "txs") return "transactions";
    if (s == "block" || s == "blocks") return "block data";
    if (s == "mempool") return "a mempool";
    if (s == "fee-estimates") return "fee estimates";
    if (s == "v1" && seg.size() > 1 && (seg[1] == "block" || seg[1] == "blocks")) return "block data";
    if (s == "v1" && seg.size() > 1 && seg[1] == "fees") return "fee estimates";
    if (s == "v1") return "mempool.space's own API (mining, Lightning, statistics)";
    if (s == "asset" || s == "assets") return "Liquid assets";
    return std::nullopt;
}

HttpResponse not_implemented(std::string_view what, std::string_view needs, const Installed& cur) {
    return text(501,
                fmt::format("{} needs {}, which this server does not have: {} and knows only its unspent "
                            "outputs; it answers {}",
                            what, needs, whoami(cur), what_it_answers(cur)));
}

HttpResponse coins_response(const core::Result<std::vector<OwnedCoin>>& coins) {
    if (!coins) {
        const unsigned status = coins.error().code == core::Errc::not_found ? 404 : 500;
        return text(status, coins.error().message);
    }
    auto arr = nlohmann::json::array();
    for (const auto& c : *coins)
        arr.push_back({{"txid", c.outpoint.txid.to_display_hex()},
                       {"vout", c.outpoint.vout},
                       {"status", {{"confirmed", true}, {"block_height", c.coin.height.value}}},
                       {"value", c.coin.value.sat}});
    return answer(200, "application/json", arr.dump());
}

// /block-height/:height: the manifest signs one block hash, at its own height.
HttpResponse block_at_height(std::string_view arg, const Installed& cur) {
    std::uint32_t height = 0;
    const auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), height);
    if (arg.empty() || arg.size() > 10 || ec != std::errc{} || end != arg.data() + arg.size())
        return text(400, fmt::format("invalid block height {}: expected a decimal number", echo(arg)));
    if (height != cur.manifest.height.value)
        return text(404,
                    fmt::format("block {} is not known here: {} and knows only the block of that height, "
                                "signed with the release",
                                height, whoami(cur)));
    return answer(200, "text/plain", cur.manifest.block.to_display_hex());
}

HttpResponse get(const std::vector<std::string_view>& seg, std::string_view path, const Installed& cur,
                 Store& store) {
    const auto& m = cur.manifest;
    if (seg.size() == 3 && seg[0] == "blocks" && seg[1] == "tip" && seg[2] == "height")
        return answer(200, "text/plain", std::to_string(m.height.value));
    if (seg.size() == 3 && seg[0] == "blocks" && seg[1] == "tip" && seg[2] == "hash")
        return answer(200, "text/plain", m.block.to_display_hex());
    if (seg.size() == 2 && seg[0] == "block-height") return block_at_height(seg[1], cur);
    if (seg.size() == 3 && seg[0] == "address" && seg[2] == "utxo") {
        auto script = core::address_to_script(seg[1], m.network);
        if (!script)
            return text(400, fmt::format("invalid address {}: {}", echo(seg[1]), script.error().message));
        return coins_response(store.coins_for_script(*script));
    }
    if (seg.size() == 3 && seg[0] == "scripthash" && seg[2] == "utxo") {
        auto script_hash = core::Sha256Digest::from_hex(seg[1]);  // SHA256(script), not reversed
        if (!script_hash)
            return text(400, fmt::format("invalid script hash {}: expected 64 hex digits", echo(seg[1])));
        return coins_response(store.coins_for_script_hash(*script_hash));
    }
    if (auto needs = needs_history(seg))
        return not_implemented(fmt::format("GET {}", echo(path)), *needs, cur);
    return text(404, fmt::format("unknown endpoint {}: {}; it answers {}", echo(path), whoami(cur),
                                 what_it_answers(cur)));
}

void add_headers(HttpResponse& res, const Installed* cur, const EsploraOptions& o, std::int64_t now) {
    res.headers.emplace_back("Cache-Control", res.status / 100 == 2
                                                  ? fmt::format("public, max-age={}", o.max_age)
                                                  : std::string("no-store"));
    if (cur) {
        res.headers.emplace_back("X-Utxo-Release-Height", std::to_string(cur->manifest.height.value));
        res.headers.emplace_back("X-Utxo-Release-Block", cur->manifest.block.to_display_hex());
        res.headers.emplace_back("X-Utxo-Release-Age",
                                 std::to_string(std::max<std::int64_t>(0, now - cur->accepted_at)));
    }
    if (!o.cors_origin.empty()) {
        res.headers.emplace_back("Access-Control-Allow-Origin", o.cors_origin);
        res.headers.emplace_back("Access-Control-Expose-Headers", std::string(kReleaseHeaders));
    }
}

// The answer before the common headers; `cur` is set on return when a release is installed.
HttpResponse route(const HttpRequest& req, Store& store, const EsploraOptions& o,
                   std::shared_ptr<const Installed>& cur) {
    if (req.method == "OPTIONS") {  // a CORS preflight, or a client asking what is allowed
        auto res = answer(204, "text/plain", "");
        res.headers.emplace_back("Allow", std::string(kMethods));
        if (!o.cors_origin.empty()) {
            res.headers.emplace_back("Access-Control-Allow-Methods", std::string(kMethods));
            res.headers.emplace_back("Access-Control-Max-Age", "86400");
        }
        return res;
    }
    const bool post = req.method == "POST";
    if (req.method != "GET" && req.method != "HEAD" && !post) {
        auto res = text(405, "utxo-verifier serve answers GET, HEAD and OPTIONS");
        res.headers.emplace_back("Allow", std::string(kMethods));
        return res;
    }
    auto current = store.current();
    if (!current) return text(500, current.error().message);
    cur = *current;
    if (!cur) return text(503, "no release is installed");
    std::string_view path = req.target;
    path = path.substr(0, path.find('?'));
    const auto r = route_of(path, cur->manifest.network, o.base_path);
    if (r.other_network_prefix)
        return text(404,
                    fmt::format("{}/ is another network's API: {}", *r.other_network_prefix, whoami(*cur)));
    if (post && r.segments.size() == 1 && r.segments[0] == "tx")
        return not_implemented(fmt::format("POST {} (broadcasting a transaction)", echo(path)),
                               "a connection to the Bitcoin network", *cur);
    if (post) {
        auto res =
            text(405, fmt::format("POST {}: utxo-verifier serve answers GET, HEAD and OPTIONS", echo(path)));
        res.headers.emplace_back("Allow", std::string(kMethods));
        return res;
    }
    return get(r.segments, path, *cur, store);
}

}  // namespace

HttpResponse handle_request(const HttpRequest& req, Store& store, const EsploraOptions& options,
                            std::int64_t now) {
    std::shared_ptr<const Installed> cur;
    auto res = route(req, store, options, cur);
    res.head = req.method == "HEAD";
    add_headers(res, cur.get(), options, now);
    return res;
}

HttpResponse handle_request(const HttpRequest& req, Store& store) {
    return handle_request(req, store, {}, static_cast<std::int64_t>(std::time(nullptr)));
}

void add_common_headers(HttpResponse& res, Store& store, const EsploraOptions& options, std::int64_t now) {
    auto cur = store.current();
    add_headers(res, cur ? cur->get() : nullptr, options, now);
}

}  // namespace utxo::verifier

// The Esplora-compatible endpoints over the store.
#include "verifier/esplora.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/address.h"

namespace utxo::verifier {

namespace {

HttpResponse answer(unsigned status, std::string content_type, std::string body) {
    HttpResponse res;
    res.status = status;
    res.content_type = std::move(content_type);
    res.body = std::move(body);
    return res;
}

HttpResponse text(unsigned status, std::string body) { return answer(status, "text/plain", body + "\n"); }

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

// "/a/b/c" -> {"a","b","c"}; empty segments are kept so "//" does not match a route.
std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.empty() || path.front() != '/') return out;
    path.remove_prefix(1);
    while (true) {
        auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

}  // namespace

HttpResponse handle_request(const HttpRequest& req, Store& store) {
    if (req.method != "GET") return text(405, "only GET is supported");
    std::string_view path = req.target;
    if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
    auto cur = store.current();
    if (!cur) return text(500, cur.error().message);
    if (!*cur) return text(503, "no release is installed");
    const auto seg = segments(path);
    if (seg.size() == 3 && seg[0] == "blocks" && seg[1] == "tip" && seg[2] == "height")
        return answer(200, "text/plain", std::to_string((*cur)->manifest.height.value));
    if (seg.size() == 3 && seg[0] == "address" && seg[2] == "utxo") {
        auto script = core::address_to_script(seg[1], (*cur)->manifest.network);
        if (!script)
            return text(400,
                        fmt::format("invalid address {}: {}", seg[1].substr(0, 100), script.error().message));
        return coins_response(store.coins_for_script(*script));
    }
    if (seg.size() == 3 && seg[0] == "scripthash" && seg[2] == "utxo") {
        auto script_hash = core::Sha256Digest::from_hex(seg[1]);  // SHA256(script), not reversed
        if (!script_hash)
            return text(400,
                        fmt::format("invalid script hash {}: expected 64 hex digits", seg[1].substr(0, 100)));
        return coins_response(store.coins_for_script_hash(*script_hash));
    }
    return text(404, "unknown endpoint");
}

}  // namespace utxo::verifier

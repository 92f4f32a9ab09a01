#include "seeder/torrent_decorate.h"

#include <fmt/format.h>

#include <cctype>
#include <map>

namespace utxo::seeder {

using core::Errc;
using core::fail;

namespace {

// Deep enough for any torrent; bounds recursion on hostile input.
constexpr int kMaxDepth = 64;

// Length of a byte string "N:..." starting at pos, with the position after it.
[[nodiscard]] core::Result<std::size_t> skip_string(std::string_view b, std::size_t pos) {
    std::size_t len = 0, i = pos;
    if (i >= b.size() || !std::isdigit(static_cast<unsigned char>(b[i])))
        return fail(Errc::invalid, "bencode: expected a string");
    while (i < b.size() && std::isdigit(static_cast<unsigned char>(b[i]))) {
        if (len > b.size()) return fail(Errc::invalid, "bencode: string length too large");
        len = len * 10 + static_cast<std::size_t>(b[i++] - '0');
    }
    if (i >= b.size() || b[i] != ':')
        return fail(Errc::invalid, "bencode: expected ':' after a string length");
    ++i;
    if (len > b.size() - i) return fail(Errc::truncated, "bencode: string runs past the end");
    return i + len;
}

// Position just after the value starting at pos.
[[nodiscard]] core::Result<std::size_t> skip_value(std::string_view b, std::size_t pos, int depth) {
    if (depth > kMaxDepth) return fail(Errc::too_large, "bencode: nested too deeply");
    if (pos >= b.size()) return fail(Errc::truncated, "bencode: value runs past the end");
    char c = b[pos];
    if (c == 'i') {
        auto e = b.find('e', pos);
        if (e == std::string_view::npos || e == pos + 1) return fail(Errc::invalid, "bencode: bad integer");
        return e + 1;
    }
    if (c == 'l' || c == 'd') {
        std::size_t i = pos + 1;
        while (i < b.size() && b[i] != 'e') {
            if (c == 'd') {
                auto k = skip_string(b, i);
                if (!k) return k;
                i = *k;
            }
            auto v = skip_value(b, i, depth + 1);
            if (!v) return v;
            i = *v;
        }
        if (i >= b.size()) return fail(Errc::truncated, "bencode: list or dictionary runs past the end");
        return i + 1;
    }
    return skip_string(b, pos);
}

std::string bstring(std::string_view s) { return fmt::format("{}:{}", s.size(), s); }

// Top-level keys (decoded) to raw values, in the byte order bencode requires.
[[nodiscard]] core::Result<std::map<std::string, std::string_view>> top_level(std::string_view b) {
    if (b.empty() || b[0] != 'd') return fail(Errc::invalid, "a .torrent must be a bencoded dictionary");
    std::map<std::string, std::string_view> out;
    std::size_t i = 1;
    while (i < b.size() && b[i] != 'e') {
        UTXO_TRY_ASSIGN(auto k, skip_string(b, i));
        auto colon = b.find(':', i);
        std::string key(b.substr(colon + 1, k - colon - 1));
        UTXO_TRY_ASSIGN(auto v, skip_value(b, k, 1));
        out[key] = b.substr(k, v - k);
        i = v;
    }
    if (i + 1 != b.size()) return fail(Errc::invalid, "a .torrent must hold exactly one dictionary");
    if (!out.contains("info")) return fail(Errc::invalid, "the .torrent has no info dictionary");
    return out;
}

}  // namespace

core::Result<std::string> decorate_torrent(std::string_view torrent, const std::vector<std::string>& trackers,
                                           const std::vector<std::string>& web_seeds) {
    UTXO_TRY_ASSIGN(auto keys, top_level(torrent));
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : keys)
        if (k != "announce" && k != "announce-list" && k != "url-list") out[k] = std::string(v);
    if (!trackers.empty()) {
        out["announce"] = bstring(trackers.front());
        std::string tiers = "l";
        for (const auto& t : trackers) tiers += fmt::format("l{}e", bstring(t));
        out["announce-list"] = tiers + "e";
    }
    if (!web_seeds.empty()) {
        std::string list = "l";
        for (const auto& u : web_seeds) list += bstring(u);
        out["url-list"] = list + "e";
    }
    std::string result = "d";
    for (const auto& [k, v] : out) {
        result += bstring(k);
        result += v;
    }
    result += 'e';
    return result;
}

core::Result<std::string_view> info_dict_bytes(std::string_view torrent) {
    UTXO_TRY_ASSIGN(auto keys, top_level(torrent));
    return keys.at("info");
}

}  // namespace utxo::seeder

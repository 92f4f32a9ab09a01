// A seeder's release list (docs/seeder-http.md) read as offers: bounded JSON, URLs that stay on
// the seeder's origin, names and messages made printable.
#include "verifier/fetch_discover.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/bounded_json.h"
#include "core/printable.h"

namespace utxo::verifier {

using core::Errc;
using core::fail;
using json = nlohmann::json;

namespace {

// {"releases":[{"torrents":{"shards":{...}}}]} is 5 levels; an honest list of 4 MiB holds far
// fewer values (about 25 a release).
constexpr core::JsonBounds kListBounds{.max_depth = 6, .max_values = 200'000};

// The x.pe peer hints of a magnet link (there may be several, or none).
std::vector<HostPort> magnet_peers(std::string_view magnet) {
    std::vector<HostPort> out;
    auto q = magnet.find('?');
    if (q == std::string_view::npos) return out;
    std::string_view rest = magnet.substr(q + 1);
    while (!rest.empty()) {
        auto amp = rest.find('&');
        std::string_view param = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        if (!param.starts_with("x.pe=")) continue;
        if (auto value = percent_decode(param.substr(5)))
            if (auto peer = parse_peer_address(*value)) out.push_back(*peer);
    }
    return out;
}

[[nodiscard]] core::Result<std::optional<TorrentOffer>> parse_torrent_offer(const HttpUrl& source,
                                                                            const json& j) {
    if (j.is_null()) return std::optional<TorrentOffer>{};
    if (!j.is_object() || !j.contains("infohash") || !j.contains("torrent") || !j["infohash"].is_string() ||
        !j["torrent"].is_string())
        return fail(Errc::invalid, "a torrent entry lacks infohash or torrent");
    TorrentOffer t;
    auto infohash = core::InfoHash::from_hex(j["infohash"].get<std::string>());  // either case
    if (!infohash) return fail(Errc::invalid, "a torrent infohash is not 40 hex digits");
    t.infohash = *infohash;
    UTXO_TRY_ASSIGN(auto url, resolve_seeder_reference(source, j["torrent"].get<std::string>()));
    t.torrent = std::move(url);
    if (j.contains("magnet") && j["magnet"].is_string())
        t.peers = magnet_peers(j["magnet"].get<std::string>());
    return std::optional<TorrentOffer>{std::move(t)};
}

[[nodiscard]] core::Result<Offer> parse_offer(const HttpUrl& source, const json& r) {
    auto str = [&](const char* key) -> std::string {
        return r.contains(key) && r[key].is_string() ? r[key].get<std::string>() : std::string();
    };
    Offer o;
    o.source = source;
    auto net = core::parse_network(str("network"));
    if (!net || core::network_name(*net) != str("network"))
        return fail(Errc::invalid, fmt::format("unknown network \"{}\"", core::printable(str("network"))));
    o.network = *net;
    auto height = r.contains("height") && r["height"].is_number_unsigned()
                      ? core::Height::from_u64(r["height"].get<std::uint64_t>())
                      : std::nullopt;
    if (!height) return fail(Errc::invalid, "no height");
    o.height = *height;
    o.block_hash = core::BlockHash::from_display_hex(str("block_hash"));
    UTXO_TRY_ASSIGN(auto manifest, resolve_seeder_reference(source, str("manifest")));
    o.manifest = std::move(manifest);
    if (r.contains("signatures") && r["signatures"].is_array())
        for (const auto& s : r["signatures"]) {
            if (!s.is_string()) continue;
            if (auto url = resolve_seeder_reference(source, s.get<std::string>()))
                o.signatures.push_back(std::move(*url));
        }
    if (r.contains("torrents") && r["torrents"].is_object()) {
        const auto& t = r["torrents"];
        for (auto [key, slot] : {std::pair{"shards", &o.shards}, std::pair{"patches", &o.patches}}) {
            if (!t.contains(key)) continue;
            UTXO_TRY_ASSIGN(auto offer, parse_torrent_offer(source, t[key]));
            *slot = std::move(offer);
        }
    }
    return o;
}

}  // namespace

namespace {

// A seeder may point at its own files and at an authority's (trustnet) server, nowhere else: a
// list must not make every client fetch from a third party. Returns false when the manifest
// itself is elsewhere (the entry is dropped); other URLs elsewhere are dropped one by one.
bool keep_on_origin(Offer& o, const std::vector<std::string>& allowed, std::vector<std::string>& skipped) {
    auto ok = [&](const HttpUrl& u) {
        return std::find(allowed.begin(), allowed.end(), u.origin()) != allowed.end();
    };
    auto note = [&](const HttpUrl& u, std::string_view what) {
        skipped.push_back(core::printable(fmt::format(
            "{}: {} {} is on another origin than the seeder's: skipped", o.source.str(), what, u.str())));
    };
    if (!ok(o.manifest)) {
        note(o.manifest, "the manifest");
        return false;
    }
    std::erase_if(o.signatures, [&](const HttpUrl& u) {
        if (ok(u)) return false;
        note(u, "the signature");
        return true;
    });
    for (auto* t : {&o.shards, &o.patches})
        if (*t && (*t)->torrent && !ok(*(*t)->torrent)) {
            note(*(*t)->torrent, "the torrent");
            t->reset();
        }
    return true;
}

}  // namespace

core::Result<std::vector<Offer>> parse_release_list(const HttpUrl& source, std::string_view body,
                                                    std::vector<std::string>& skipped,
                                                    const std::vector<std::string>& other_origins) {
    auto doc = core::parse_bounded_json(body, kListBounds);
    if (!doc) return fail(Errc::invalid, fmt::format("the release list is {}", doc.error().message));
    if (!doc->is_object() || !doc->contains("releases") || !(*doc)["releases"].is_array())
        return fail(Errc::invalid, "the release list is not the expected JSON ({\"releases\":[...]})");
    std::vector<std::string> allowed = other_origins;
    allowed.push_back(source.origin());
    std::vector<Offer> out;
    for (const auto& r : (*doc)["releases"]) {
        if (!r.is_object()) continue;
        auto offer = parse_offer(source, r);
        if (!offer)
            skipped.push_back(core::printable(
                fmt::format("{}: a release entry was skipped: {}", source.str(), offer.error().message)));
        else if (keep_on_origin(*offer, allowed, skipped))
            out.push_back(std::move(*offer));
    }
    return out;
}

std::optional<core::KeyId> signature_key_id(const HttpUrl& url) {
    constexpr std::string_view prefix = "manifest.json.", suffix = ".minisig";
    std::string_view name = url.path;
    name = name.substr(name.rfind('/') + 1);
    if (!name.starts_with(prefix) || !name.ends_with(suffix)) return std::nullopt;
    name = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    return core::KeyId::from_hex(name);
}

}  // namespace utxo::verifier

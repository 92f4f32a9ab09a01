// Discovery: list releases from every source, fetch the manifests and signatures of one height at
// a time (so memory holds one height's manifests, not every release's), apply the agreement rule.
#include "verifier/fetch_discover.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "verifier/log.h"

namespace utxo::verifier {

using core::Errc;
using core::fail;
using json = nlohmann::json;

namespace {

constexpr std::size_t kMaxList = 16u << 20;      // /v1/releases
constexpr std::size_t kMaxManifest = 64u << 20;  // 65536 shards stay far below this
constexpr std::size_t kMaxSignature = 64u << 10;

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
        return fail(Errc::invalid, fmt::format("unknown network \"{}\"", str("network")));
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

core::Result<std::vector<Offer>> parse_release_list(const HttpUrl& source, std::string_view body,
                                                    std::vector<std::string>& skipped) {
    json doc = json::parse(body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("releases") || !doc["releases"].is_array())
        return fail(Errc::invalid, "the release list is not the expected JSON ({\"releases\":[...]})");
    std::vector<Offer> out;
    for (const auto& r : doc["releases"]) {
        if (!r.is_object()) continue;
        auto offer = parse_offer(source, r);
        if (offer)
            out.push_back(std::move(*offer));
        else
            skipped.push_back(
                fmt::format("{}: a release entry was skipped: {}", source.str(), offer.error().message));
    }
    return out;
}

namespace {

std::vector<Offer> list_all(const std::vector<HttpUrl>& sources, std::size_t& answered) {
    std::vector<Offer> all;
    for (const auto& source : sources) {
        auto url = join_path(source, "v1/releases");
        auto body = seeder_get(url, kMaxList);
        if (!body || !*body) {
            log().warn("{}: {}", url.str(), why_no_body(body));
            continue;
        }
        std::vector<std::string> skipped;
        auto offers = parse_release_list(source, **body, skipped);
        for (const auto& s : skipped) log().warn("{}", s);
        if (!offers) {
            log().warn("{}: {}", url.str(), offers.error().message);
            continue;
        }
        ++answered;
        for (auto& o : *offers) all.push_back(std::move(o));
    }
    return all;
}

// The manifest and every signature file one offer lists. Unreadable signatures are passed on
// empty, so the agreement rule reports them instead of them vanishing.
std::optional<core::SignedManifest> download_signed(const Offer& o) {
    auto manifest = seeder_get(o.manifest, kMaxManifest);
    if (!manifest || !*manifest) {
        log().warn("{}: {}", o.manifest.str(), why_no_body(manifest));
        return std::nullopt;
    }
    core::SignedManifest out{o.manifest.str(), std::move(**manifest), {}};
    for (const auto& s : o.signatures) {
        auto bytes = seeder_get(s, kMaxSignature);
        if (!bytes || !*bytes) log().warn("{}: {}", s.str(), why_no_body(bytes));
        out.signatures.push_back({s.str(), bytes && *bytes ? std::move(**bytes) : std::string()});
    }
    return out;
}

}  // namespace

namespace {

struct HeightResult {
    std::optional<Accepted> accepted;
    core::Verdict verdict;  // the deciding refusal when nothing was accepted
};

// Every distinct manifest offered for one height is a candidate; all the other copies are its
// "others", so identical copies add signatures and a different signed manifest is a conflict.
HeightResult evaluate_height(const core::Trustnet& tn, const std::vector<const Offer*>& offers,
                             std::optional<core::Height> installed) {
    std::vector<std::pair<const Offer*, core::SignedManifest>> copies;
    for (const Offer* o : offers)
        if (auto s = download_signed(*o)) copies.emplace_back(o, std::move(*s));
    HeightResult out;
    out.verdict.refusal = core::Refusal::missing_signatures;
    out.verdict.message =
        fmt::format("no manifest for {} height {} could be downloaded",
                    core::network_name(offers.front()->network), offers.front()->height.value);
    std::set<std::string> seen;
    for (std::size_t d = 0; d < copies.size(); ++d) {
        if (!seen.insert(copies[d].second.manifest).second) continue;
        core::Release release{offers.front()->network, offers.front()->height, copies[d].second, {}};
        for (std::size_t i = 0; i < copies.size(); ++i)
            if (i != d) release.others.push_back(copies[i].second);
        auto verdict = core::evaluate_agreement(tn, release, installed);
        for (const auto& ig : verdict.ignored) log().info("not counted: {}", ig.reason);
        if (verdict.refusal == core::Refusal::conflict) return {std::nullopt, std::move(verdict)};
        if (!verdict.accepted() || out.accepted) {
            if (!out.accepted) out.verdict = std::move(verdict);
            continue;
        }
        auto manifest = core::decode_manifest(copies[d].second.manifest);
        if (!manifest) {
            out.verdict = {core::Refusal::bad_manifest,
                           fmt::format("{}: {}", copies[d].second.origin, manifest.error().message),
                           {},
                           {}};
            continue;
        }
        Accepted a{copies[d].second.manifest, std::move(*manifest), verdict, {}};
        for (const auto& [o, copy] : copies)
            if (copy.manifest == a.manifest_bytes) a.offers.push_back(*o);
        out.verdict = std::move(verdict);
        out.accepted = std::move(a);
    }
    return out;
}

}  // namespace

core::Result<Discovery> discover(const core::Trustnet& tn, const std::vector<HttpUrl>& sources,
                                 std::optional<core::Height> installed) {
    std::size_t answered = 0;
    auto offers = list_all(sources, answered);
    if (answered == 0)
        return fail(Errc::io, fmt::format("none of the {} release source(s) answered", sources.size()));
    std::map<core::Height, std::vector<const Offer*>, std::greater<>> by_height;
    for (const auto& o : offers) {
        if (o.network != tn.network) continue;  // another network's releases are simply not ours
        if (installed && o.height <= *installed) continue;
        by_height[o.height].push_back(&o);
    }
    Discovery out;
    if (by_height.empty()) {
        out.up_to_date = true;
        out.message =
            installed ? fmt::format("no release above the installed height {} is offered", installed->value)
                      : fmt::format("no release for network {} is offered", core::network_name(tn.network));
        return out;
    }
    for (const auto& [height, at_height] : by_height) {
        auto r = evaluate_height(tn, at_height, installed);
        if (r.accepted) {
            out.message = r.verdict.message;
            out.accepted = std::move(r.accepted);
            return out;
        }
        log().info("{}", r.verdict.message);
        // The newest refusal explains the outcome, unless a conflict turns up further down.
        if (out.message.empty() || r.verdict.refusal == core::Refusal::conflict) {
            out.refusal = r.verdict.refusal;
            out.message = r.verdict.message;
        }
        if (r.verdict.refusal == core::Refusal::conflict) return out;
    }
    return out;
}

}  // namespace utxo::verifier

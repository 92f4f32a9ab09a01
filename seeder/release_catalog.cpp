#include "seeder/release_catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "core/file_io.h"
#include "core/manifest.h"
#include "core/network.h"
#include "net/torrent_file.h"
#include "seeder/torrent_decorate.h"

namespace utxo::seeder {

namespace fs = std::filesystem;
using core::Errc;
using core::fail;

namespace {

// A manifest lists 32 bytes of hashes and sizes per shard; 65536 shards stay far below this.
constexpr std::size_t kMaxManifest = 64u << 20;
constexpr std::size_t kMaxTorrent = 64u << 20;

bool all_of(std::string_view s, int (*pred)(int)) {
    return std::all_of(s.begin(), s.end(), [&](char c) { return pred(static_cast<unsigned char>(c)) != 0; });
}

bool is_lower_hex(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// "<height>-<64 lowercase hex>", as core::release_dir_name writes it.
bool is_release_name(std::string_view name) {
    auto dash = name.find('-');
    if (dash == 0 || dash == std::string_view::npos || dash > 10) return false;
    return all_of(name.substr(0, dash), isdigit) && name.size() - dash - 1 == 64 &&
           is_lower_hex(name.substr(dash + 1));
}

// "manifest.json.<KEYID>.minisig", KEYID alphanumeric (the signer writes 16 hex digits).
bool is_signature_name(std::string_view name) {
    constexpr std::string_view prefix = "manifest.json.", suffix = ".minisig";
    if (!name.starts_with(prefix) || !name.ends_with(suffix)) return false;
    auto id = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    return !id.empty() && id.size() <= 64 && all_of(id, isalnum);
}

// "manifest.json.<KEYID>.dht", the pre-signed DHT pointer utxo-signer writes beside a signature.
bool is_dht_item_name(std::string_view name) {
    constexpr std::string_view prefix = "manifest.json.", suffix = ".dht";
    if (!name.starts_with(prefix) || !name.ends_with(suffix)) return false;
    auto id = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    return !id.empty() && id.size() <= 64 && all_of(id, isalnum);
}

std::vector<std::string> list_named(const fs::path& dir, bool (*wanted)(std::string_view)) {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        auto name = it->path().filename().string();
        if (wanted(name) && it->is_regular_file(ec)) out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> list_signatures(const fs::path& dir) { return list_named(dir, is_signature_name); }
std::vector<std::string> list_dht_items(const fs::path& dir) { return list_named(dir, is_dht_item_name); }

[[nodiscard]] core::Result<ReleaseTorrent> load_torrent(const Release& r, const std::string& part,
                                                        const core::InfoHash& infohash,
                                                        const LinkConfig& links) {
    UTXO_TRY_ASSIGN(auto bytes, core::read_small_file(r.dir / (part + ".torrent"), kMaxTorrent));
    // Checked here, before the infohash can reach the tracker's whitelist.
    auto read = net::torrent_infohash(bytes);
    if (!read) return fail(read.error().code, fmt::format("{}.torrent: {}", part, read.error().message));
    if (*read != infohash)
        return fail(Errc::mismatch, fmt::format("{}.torrent: its infohash is not the manifest's", part));
    ReleaseTorrent t{part, infohash, std::move(bytes), {}, magnet_link(infohash, r, part, links)};
    auto served = decorate_torrent(t.original, links.trackers, {web_seed_url(links, r)});
    if (!served)
        return fail(served.error().code, fmt::format("{}.torrent: {}", part, served.error().message));
    t.served = std::move(*served);
    return t;
}

[[nodiscard]] core::Result<Release> load_release(const fs::path& dir, const std::string& network,
                                                 const LinkConfig& links) {
    Release r;
    r.network = network;
    r.name = dir.filename().string();
    r.dir = dir;
    UTXO_TRY_ASSIGN(auto bytes, core::read_small_file(dir / "manifest.json", kMaxManifest));
    auto m = core::decode_manifest(bytes);
    if (!m) return fail(m.error().code, "manifest.json: " + m.error().message);
    if (core::network_name(m->network) != network || core::release_dir_name(m->height, m->block) != r.name)
        return fail(Errc::mismatch,
                    "the manifest's network, height or block hash does not match the directory");
    r.manifest = std::move(bytes);
    r.height = m->height;
    r.block_hash = m->block;
    UTXO_TRY_ASSIGN(auto shards, load_torrent(r, "shards", m->shards_infohash, links));
    r.shards = std::move(shards);
    if (m->patches_infohash) {
        UTXO_TRY_ASSIGN(auto patches, load_torrent(r, "patches", *m->patches_infohash, links));
        r.patches = std::move(patches);
    }
    r.signatures = list_signatures(dir);
    r.dht_items = list_dht_items(dir);
    return r;
}

bool newer(const Release& a, const Release& b) {
    if (a.height != b.height) return a.height > b.height;
    if (a.network != b.network) return a.network < b.network;
    return a.name > b.name;
}

// Candidate release directories of one network, newest first by height.
std::vector<fs::path> release_dirs(const fs::path& net_dir) {
    std::vector<std::pair<std::uint64_t, fs::path>> found;
    std::error_code ec;
    for (fs::directory_iterator it(net_dir, ec), end; !ec && it != end; it.increment(ec)) {
        auto name = it->path().filename().string();
        std::error_code ec2;
        if (!is_release_name(name) || !it->is_directory(ec2) ||
            !fs::is_regular_file(it->path() / "manifest.json", ec2))
            continue;
        found.emplace_back(std::stoull(name.substr(0, name.find('-'))), it->path());
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second > b.second;
    });
    std::vector<fs::path> out;
    for (auto& f : found) out.push_back(std::move(f.second));
    return out;
}

constexpr std::string_view kPruningPrefix = ".pruning-";

// A release directory --prune may delete: its manifest states exactly the release its name says.
bool is_recognised_release(const fs::path& dir, const std::string& network) {
    std::error_code ec;
    if (fs::is_symlink(dir, ec) || ec) return false;
    auto bytes = core::read_small_file(dir / "manifest.json", kMaxManifest);
    if (!bytes) return false;
    auto m = core::decode_manifest(*bytes);
    return m && core::network_name(m->network) == network &&
           core::release_dir_name(m->height, m->block) == dir.filename().string();
}

// The `.pruning-<release>` directories delete_release() left behind in a network directory.
void add_interrupted_deletions(const fs::path& net_dir, std::vector<fs::path>& out) {
    std::error_code ec;
    for (fs::directory_iterator it(net_dir, ec), end; !ec && it != end; it.increment(ec)) {
        auto name = it->path().filename().string();
        std::error_code ec2;
        if (name.starts_with(kPruningPrefix) && is_release_name(name.substr(kPruningPrefix.size())) &&
            !it->is_symlink(ec2) && it->is_directory(ec2))
            out.push_back(it->path());
    }
}

}  // namespace

std::vector<fs::path> prunable_releases(const Catalog& seeded, unsigned keep) {
    std::map<std::string, std::pair<unsigned, core::Height>> networks;  // seeded count, oldest height
    for (const auto& r : seeded.releases) {
        auto [it, fresh] = networks.try_emplace(r.network, 0u, r.height);
        ++it->second.first;
        it->second.second = std::min(it->second.second, r.height);
    }
    std::vector<fs::path> out;
    for (const auto& [network, seen] : networks) {
        if (seen.first < keep) continue;  // the newer releases are not all being seeded yet
        const auto net_dir = seeded.root / network;
        add_interrupted_deletions(net_dir, out);
        for (const auto& dir : release_dirs(net_dir)) {
            auto name = dir.filename().string();
            if (std::stoull(name.substr(0, name.find('-'))) >= seen.second.value) continue;
            if (!seeded.find(network, name) && is_recognised_release(dir, network)) out.push_back(dir);
        }
    }
    return out;
}

core::Status delete_release(const fs::path& dir) {
    auto name = dir.filename().string();
    auto doomed =
        name.starts_with(kPruningPrefix) ? dir : dir.parent_path() / (std::string(kPruningPrefix) + name);
    std::error_code ec;
    if (doomed != dir) fs::rename(dir, doomed, ec);
    if (!ec) fs::remove_all(doomed, ec);
    if (ec) return fail(Errc::io, fmt::format("{}: cannot delete: {}", dir.string(), ec.message()));
    return {};
}

const ReleaseTorrent* Release::torrent(std::string_view part) const {
    if (part == "shards") return &shards;
    if (part == "patches" && patches) return &*patches;
    return nullptr;
}

const Release* Catalog::find(std::string_view network, std::string_view name) const {
    for (const auto& r : releases)
        if (r.network == network && r.name == name) return &r;
    return nullptr;
}

core::Result<ScanResult> scan_releases(const fs::path& root, unsigned keep, const LinkConfig& links,
                                       const Catalog* previous) {
    std::error_code ec;
    auto canonical_root = fs::weakly_canonical(root, ec);
    if (ec || !fs::is_directory(canonical_root, ec))
        return fail(Errc::io, fmt::format("{}: not a readable directory", root.string()));
    auto catalog = std::make_shared<Catalog>(Catalog{canonical_root, links, {}});
    ScanResult out;
    for (fs::directory_iterator it(canonical_root, ec), end; !ec && it != end; it.increment(ec)) {
        auto network = it->path().filename().string();
        std::error_code ec2;
        if (!core::parse_network(network) || !it->is_directory(ec2)) continue;
        unsigned kept = 0;  // broken directories do not take the place of good releases
        for (const auto& dir : release_dirs(it->path())) {
            if (kept == keep) break;
            const Release* known = previous ? previous->find(network, dir.filename().string()) : nullptr;
            if (known) {
                catalog->releases.push_back(*known);
                catalog->releases.back().signatures = list_signatures(dir);
                catalog->releases.back().dht_items = list_dht_items(dir);
                ++kept;
                continue;
            }
            auto r = load_release(dir, network, links);
            if (r) {
                catalog->releases.push_back(std::move(*r));
                ++kept;
            } else {
                out.problems.push_back({dir, r.error().message});
            }
        }
    }
    if (ec) return fail(Errc::io, fmt::format("{}: cannot list: {}", canonical_root.string(), ec.message()));
    std::sort(catalog->releases.begin(), catalog->releases.end(), newer);
    out.catalog = std::move(catalog);
    return out;
}

std::string url_encode(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
            out += static_cast<char>(c);
        else
            out += fmt::format("%{:02X}", c);
    }
    return out;
}

std::string web_seed_url(const LinkConfig& links, const Release& r) {
    return fmt::format("{}/v1/files/{}/{}/", links.http_base_url, r.network, r.name);
}

std::string torrent_url(const LinkConfig& links, const Release& r, std::string_view part) {
    return fmt::format("{}/v1/releases/{}/{}/{}.torrent", links.http_base_url, r.network, r.name, part);
}

std::string magnet_link(const core::InfoHash& infohash, const Release& r, std::string_view part,
                        const LinkConfig& links) {
    std::string m = fmt::format("magnet:?xt=urn:btih:{}&dn={}", infohash.to_hex(), url_encode(part));
    // host:port stays readable; ':' and '[' ']' need no escaping for magnet parsers
    if (!links.peer.empty()) m += "&x.pe=" + links.peer;
    for (const auto& t : links.trackers) m += "&tr=" + url_encode(t);
    m += "&ws=" + url_encode(web_seed_url(links, r));
    m += "&xs=" + url_encode(torrent_url(links, r, part));
    return m;
}

}  // namespace utxo::seeder

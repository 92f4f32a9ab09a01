// dht_offers (fetch_dht.h): pointers from the DHT, replays refused against the store's record,
// manifests through their torrents, offers for the agreement rule.
#include "verifier/fetch_dht.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

#include "core/bounded_json.h"
#include "core/file_io.h"
#include "core/manifest_torrent.h"
#include "core/printable.h"
#include "core/sha256.h"
#include "net/dht.h"
#include "verifier/fetch_evaluate.h"
#include "verifier/log.h"

namespace utxo::verifier {

using core::Errc;
using core::fail;

namespace {

void warn(const std::string& line) { log().warn("{}", core::printable(line)); }

// Step 1 and 2 for one authority: its verified pointer, or nullopt with a warning saying why not.
core::Result<std::optional<AuthorityPointer>> pointer_of(net::Dht& dht, Store& store,
                                                         const core::Trustnet& tn, const core::Authority& a,
                                                         const DhtLimits& limits, DhtFound& found) {
    const std::string salt = core::dht_salt(tn.network);
    const auto t0 = std::chrono::steady_clock::now();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(found.deadline - t0);
    if (left <= std::chrono::milliseconds(0)) {
        warn(fmt::format("{}: not asked for its DHT pointer: the discovery deadline has passed", a.name));
        return std::optional<AuthorityPointer>{};
    }
    auto got = dht.get(a.key.key, salt, std::min<std::chrono::milliseconds>(limits.get_timeout, left));
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
    if (!got) {
        warn(fmt::format("{}: no DHT pointer ({})", a.name, got.error().message));
        return std::optional<AuthorityPointer>{};
    }
    if (!*got) {
        warn(fmt::format("{}: no DHT pointer found under its key for {}", a.name,
                         core::network_name(tn.network)));
        return std::optional<AuthorityPointer>{};
    }
    ++found.items;
    core::DhtItem item = std::move(**got);
    if (item.public_key != a.key.key || item.salt != salt || !core::verify_dht_item(item)) {
        warn(fmt::format("{}: its DHT pointer is not validly signed by its key: ignored", a.name));
        return std::optional<AuthorityPointer>{};
    }
    auto pointer = core::decode_pointer_value(item.value);
    if (!pointer) {
        warn(fmt::format("{}: its DHT pointer (seq {}) is refused: {}", a.name, item.seq,
                         pointer.error().message));
        return std::optional<AuthorityPointer>{};
    }
    if (pointer->network != tn.network) {
        warn(fmt::format("{}: its DHT pointer is for {}, not {}: ignored", a.name,
                         core::network_name(pointer->network), core::network_name(tn.network)));
        return std::optional<AuthorityPointer>{};
    }
    UTXO_TRY_ASSIGN(auto seen, store.dht_seq(tn.network, a.key.id));
    if (seen && item.seq < *seen) {
        warn(
            fmt::format("{}: its DHT pointer has seq {}, older than seq {} seen before: a replayed pointer, "
                        "refused",
                        a.name, item.seq, *seen));
        return std::optional<AuthorityPointer>{};
    }
    UTXO_TRY(store.record_dht_seq(tn.network, a.key.id, item.seq));
    log().info("{}: DHT pointer seq {} names {} height {} (got in {} ms)", a.name, item.seq,
               core::network_name(pointer->network), pointer->height.value, ms.count());
    return std::optional<AuthorityPointer>{AuthorityPointer{a.name, std::move(item), std::move(*pointer)}};
}

// Step 3 for one manifest: through its torrent, checked against the SHA-256 the pointers signed.
std::shared_ptr<const std::string> manifest_from_swarm(Swarm& swarm, Store& store, const core::DhtPointer& p,
                                                       const DhtLimits& limits,
                                                       const std::atomic<bool>& stop) {
    const std::string what =
        fmt::format("the manifest torrent {} of height {}", p.manifest_torrent.to_hex(), p.height.value);
    const auto t0 = std::chrono::steady_clock::now();
    auto torrent = swarm.fetch_metadata(p.manifest_torrent, {}, stop);
    if (!torrent) {
        warn(fmt::format("{}: {}", what, torrent.error().message));
        return nullptr;
    }
    auto facts = read_torrent_facts(*torrent);
    if (!facts || facts->infohash != p.manifest_torrent || facts->files.size() != 1 ||
        facts->files[0].path != "manifest.json" || facts->files[0].size > limits.max_manifest_bytes) {
        warn(fmt::format("{}: not a torrent of one manifest.json of at most {} bytes: refused", what,
                         limits.max_manifest_bytes));
        return nullptr;
    }
    auto dir = store.scratch_dir("dht-manifest-" + p.manifest_sha256.to_hex());
    if (!dir) {
        warn(dir.error().message);
        return nullptr;
    }
    struct Cleanup {
        std::filesystem::path dir;
        ~Cleanup() {
            std::error_code ec;
            std::filesystem::remove_all(dir, ec);
        }
    } cleanup{*dir};
    DownloadJob job{*torrent, *dir, {0}, {}, {}};
    if (auto got = swarm.download(job, {}, stop); !got) {
        warn(fmt::format("{}: {}", what, got.error().message));
        return nullptr;
    }
    log().info(
        "{}: metadata and manifest.json from the swarm in {} ms", what,
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count());
    auto bytes = core::read_small_file(*dir / "manifest.json", limits.max_manifest_bytes);
    if (!bytes) {
        warn(fmt::format("{}: {}", what, bytes.error().message));
        return nullptr;
    }
    if (core::sha256(core::as_bytes(*bytes)) != p.manifest_sha256) {
        warn(fmt::format("{}: its manifest.json is not the one the pointers name (SHA-256 differs): refused",
                         what));
        return nullptr;
    }
    if (auto shape = core::check_json_shape(*bytes, kManifestBounds); !shape) {
        warn(fmt::format("{}: the manifest is {}", what, shape.error().message));
        return nullptr;
    }
    return std::make_shared<const std::string>(std::move(*bytes));
}

std::string names(const std::vector<const AuthorityPointer*>& group) {
    std::string out;
    for (const auto* p : group) out += (out.empty() ? "" : ", ") + p->authority;
    return out;
}

}  // namespace

core::Result<DhtFound> dht_offers(net::Dht& dht, Swarm& swarm, Store& store, const core::Trustnet& tn,
                                  std::optional<core::Height> installed, const DhtLimits& limits,
                                  const std::atomic<bool>& stop) {
    DhtFound out;
    out.deadline = std::chrono::steady_clock::now() + limits.timeout;
    for (const auto& a : tn.authorities) {
        UTXO_TRY_ASSIGN(auto p, pointer_of(dht, store, tn, a, limits, out));
        if (p) out.pointers.push_back(std::move(*p));
    }
    // Step 3: the groups above the installed height, newest first.
    std::map<core::Height, std::map<core::Sha256Digest, std::vector<const AuthorityPointer*>>, std::greater<>>
        groups;
    for (const auto& p : out.pointers) {
        for (const auto& url : p.pointer.seeders)
            if (std::find(out.seeders.begin(), out.seeders.end(), url) == out.seeders.end())
                out.seeders.push_back(url);
        if (installed && p.pointer.height <= *installed) continue;
        groups[p.pointer.height][p.pointer.manifest_sha256].push_back(&p);
    }
    std::size_t heights = 0;
    std::uint64_t spent = 0;
    for (const auto& [height, by_manifest] : groups) {
        if (heights++ == limits.max_heights) break;
        std::size_t kept = 0;
        for (const auto& [sha, group] : by_manifest) {
            if (kept++ == limits.max_manifests_per_height) break;
            const core::DhtPointer& first = group.front()->pointer;
            ReadyOffer r;
            r.offer.via = fmt::format("the DHT pointer(s) of {}", names(group));
            r.offer.network = first.network;
            r.offer.height = height;
            r.offer.block_hash = first.block_hash;
            r.offer.shards = TorrentOffer{first.shards, std::nullopt, {}};
            if (first.patches) r.offer.patches = TorrentOffer{*first.patches, std::nullopt, {}};
            for (const auto* p : group)
                r.signatures.push_back({fmt::format("{}'s DHT pointer", p->authority), p->pointer.signature});
            if (spent < limits.max_total_bytes)
                r.manifest = manifest_from_swarm(swarm, store, first, limits, stop);
            if (r.manifest)
                spent += r.manifest->size();
            else if (spent >= limits.max_total_bytes)
                warn(
                    fmt::format("the manifest of height {} named by {} is not fetched: the DHT's manifests "
                                "have reached {} bytes",
                                height.value, names(group), limits.max_total_bytes));
            out.offers.push_back(std::move(r));
        }
    }
    return out;
}

}  // namespace utxo::verifier

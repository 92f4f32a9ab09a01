// Moving forward: a store at the release a new manifest patches from downloads only the patch files
// of the shards it holds (a few percent of the shards' size) and lets forward() apply them.
#include <fmt/format.h>

#include <algorithm>

#include "verifier/fetch_internal.h"
#include "verifier/forward.h"
#include "verifier/log.h"

namespace utxo::verifier {

namespace {

// Why these patches cannot move this store, or empty when they can.
std::string unusable_because(const core::Manifest& m, const Installed& cur,
                             const std::vector<std::uint32_t>& shards, bool full) {
    const auto& old = cur.manifest;
    if (!m.patches || !m.patches_infohash) return "the release has no patches";
    if (m.network != old.network) return "the store holds another network";
    if (m.patches->from_height != old.height || m.patches->from_block != old.block)
        return fmt::format("the patches start at height {}, the store is at {}", m.patches->from_height.value,
                           old.height.value);
    if (m.shard_count != old.shard_count) return "the shard count changed";
    // forward() keeps the held set and mode; another set needs other shard files.
    if (shards != cur.shards || full != cur.full) return "the wanted shards are not the held ones";
    return {};
}

}  // namespace

core::Result<ForwardOutcome> move_forward(Swarm& swarm, Store& store, const Accepted& a, const Installed& cur,
                                          const std::vector<std::uint32_t>& shards, bool full,
                                          const FetchOptions& o, const std::atomic<bool>& stop) {
    if (auto why = unusable_because(a.manifest, cur, shards, full); !why.empty())
        return CannotMoveForward{why};
    // No offer with a usable patches torrent: the shards torrent may still do.
    auto patches = release_torrent(a.offers, a.manifest, Part::patches, &swarm, &stop);
    if (!patches) return CannotMoveForward{std::move(patches.error().message)};
    UTXO_TRY_ASSIGN(auto got, download_into_staging(swarm, store, a.manifest, *patches, shards, o, stop));
    UTXO_TRY_ASSIGN(auto stage, store.staging_dir(a.manifest));
    UTXO_TRY_ASSIGN(auto unusable, forward(store, a.manifest, a.manifest_bytes, stage / "patches",
                                           a.verdict.signers, a.verdict.signed_at));
    if (unusable) return std::move(*unusable);
    return MovedForward{got, 1, {}};
}

}  // namespace utxo::verifier

// The first release of an authority that began from a Core snapshot: its patches computed from
// the previous published release's files instead of from undo data.
//
// A release at height H patches from H - N. A store imported at height X (H - N < X < H) has no
// undo records for blocks H - N + 1 … X, so it cannot list the changes since H - N itself. The
// previous release holds the set at H - N, and the new release's shards hold the set at H: for
// each shard, the outpoints only in the old file are the spent list and the coins only in the new
// file the created list, both in outpoint order. That is exactly what an authority that kept its
// undo records writes (the net changes of the interval, indexer/utxo_changes.cpp), so the patch
// files, patches.torrent and manifest.json come out byte for byte the same.
//
// The previous release is a stranger's files until checked: its manifest.json must decode
// canonically and name the network, height H - N and shard count of this release, the directory
// must be named after its height and block, every shard file must have the size and SHA-256 its
// manifest states and a header matching it, and its coins must be in strictly ascending order. A
// coin both files hold must be the same coin. Whether that release is the true set at H - N is
// vouched for by whoever signed it: a wrong one gives patches that the other authorities'
// manifests contradict, and that no client can apply to the true release.
#pragma once
#include <filesystem>
#include <optional>

#include "core/error.h"
#include "core/manifest.h"
#include "core/network.h"
#include "core/types.h"

namespace utxo::indexer {

struct PreviousRelease {
    std::filesystem::path dir;
    core::Manifest manifest;
};

// The release at height `from` to compute patches from: `given` when not empty (a release
// directory; the error names it when it does not fit), otherwise the one directory
// RELEASES/<network>/<from>-<block>/ that holds a manifest.json, if any (nullopt when none).
[[nodiscard]] core::Result<std::optional<PreviousRelease>> find_previous_release(
    const std::filesystem::path& releases, const std::filesystem::path& given, core::Network network,
    core::Height from, std::uint32_t shard_count);

// Writes `out_dir`/NNNNN.patch for every shard: the difference between the previous release's
// shard files and the new ones in `new_shards` (written by this release's cut, trusted), with
// headers from the previous release's block and height to `to_block` at `to_height`.
// Errc::mismatch names the previous release's file and what was wrong.
[[nodiscard]] core::Result<core::PatchSet> write_patches_from_release(const PreviousRelease& previous,
                                                                      const std::filesystem::path& new_shards,
                                                                      const std::filesystem::path& out_dir,
                                                                      const core::BlockHash& to_block,
                                                                      core::Height to_height);

}  // namespace utxo::indexer

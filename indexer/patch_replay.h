// verify-release's pass 3: a release's patches replayed on the release they start from.
//
// The patches of release H say how each shard changed since release H - N. When that release is
// present beside this one (RELEASES/<network>/<from height>-<from block>/, as `run` and `release`
// lay them out, and as a seeder keeps them), each patch is applied to its shard there and the
// result must be byte for byte this release's shard: the size and SHA-256 of manifest.json's shard
// entry. A patch that spends a coin the previous shard lacks, creates one it already has, or
// leads anywhere else is refused, so a client moving forward with patches gets exactly the
// shards that were verified here.
//
// The previous release is the base, not checked again here (verify-release it on its own): a
// damaged base shows up as a mismatch as well. Each result is written, hashed and removed in a
// private temporary directory, one shard per core at a time; the release directories are only
// read. The base shard's records are copied as they are (core::apply_patch_unchecked): the
// result's SHA-256 is what is checked.
#pragma once
#include <filesystem>
#include <string>

#include "core/error.h"
#include "core/manifest.h"

namespace utxo::indexer {

// One line for the report: how many patches were applied, or that the previous release is not
// here (then nothing is checked). Errc::mismatch names the patch and what was wrong, e.g.
// "patches/00003.patch: applied to ../150-<hash>/shards/00003.shard: spent coin <txid>:0 is not in
// the old shard"; other codes for unreadable or malformed files.
[[nodiscard]] core::Result<std::string> replay_patches(const std::filesystem::path& dir,
                                                       const core::Manifest& m);

}  // namespace utxo::indexer

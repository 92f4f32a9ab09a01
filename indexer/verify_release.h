// `utxo-indexer verify-release DIR`: re-reads a release directory and checks every hash, count and
// commitment its manifest.json states, so an authority (or anyone) can confirm a release before
// signing or seeding it.
//
// Checked, in this order (the first failure stops the run and is returned as the error):
//   manifest.json decodes canonically; the directory is named <height>-<block hash>;
//   shards/ and patches/ hold exactly the files the manifest implies;
//   pass 1, each file in torrent order: size and SHA-256 against the manifest, and the SHA-1
//     pieces of shards.torrent / patches.torrent (infohash, file list, piece size, piece hashes);
//     patch headers chain from manifest.patches.from_* to this release;
//   pass 2, all shards merged by outpoint: each shard's header, coin count and MuHash; for the
//     full set the coin count, total amount, MuHash (product of the shards') and hash_serialized_3;
//   pass 3, when the release has patches and the release they start from is beside it
//     (RELEASES/<network>/<from height>-<from block>/): each patch applied to that release's shard
//     must give exactly this release's shard (indexer/patch_replay.h).
// Files read whole are capped first (manifest.json and the torrents 64 MiB, a patch at the size
// the manifest states) and must be regular files.
// Shard files are read twice: raw bytes in pass 1 (piece hashes need file order), parsed coins in
// pass 2 (hash_serialized_3 needs outpoint order across all shards). Pass 2 dominates: MuHash,
// folded per shard on a second core (indexer/muhash_pipeline.h), and the per-coin checks.
//
// Errors: Errc::mismatch when content contradicts the manifest (exit 1), naming the file and the
// field, e.g. "shards/00017.shard: sha256 is 1a2b..., manifest says 9f8e..."; Errc::io for unreadable
// files; invalid / non_canonical / truncated for malformed ones.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"

namespace utxo::indexer {

struct VerifyReport {
    std::vector<std::string> checks;  // one line per check passed, in order, ready to print
    std::uint64_t files = 0;          // shard and patch files
    std::uint64_t bytes = 0;          // their total size
    std::uint64_t coins = 0;
    double hash_seconds = 0;   // pass 1: SHA-256 + SHA-1 pieces over all file bytes
    double coins_seconds = 0;  // pass 2: parse, merge, MuHash, hash_serialized_3
    double patch_seconds = 0;  // pass 3: patches applied to the previous release's shards
};

[[nodiscard]] core::Result<VerifyReport> verify_release(const std::filesystem::path& dir);

}  // namespace utxo::indexer

// Cutting a release: the store's set at its tip, split into shard files, with patches from the
// previous release, torrents and manifest.json, written atomically into
// RELEASES/<network>/<height>-<block hash>/.
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "core/error.h"
#include "core/manifest.h"
#include "indexer/utxo_store.h"

namespace utxo::indexer {

struct ReleaseOptions {
    std::filesystem::path releases;  // the RELEASES root
    std::uint32_t shard_count = 1024;
    // Release cadence N. A release at height H patches from H - N when H - N > 0; 0 means no
    // patches. Every authority must use the same N to produce the same manifest.
    std::uint32_t release_every = 0;
    // A store that began from a Core snapshot lacks the undo data for the patches of its first
    // release; they are then computed from the release at height - N (indexer/previous_release.h):
    // this directory when given, otherwise one found under RELEASES/<network>/.
    std::filesystem::path previous_release;
    // When set, the previous release's block must be the chain's block at its height (a chain
    // source's answer; Errc::not_found means it cannot tell, and the check is skipped).
    std::function<core::Result<core::BlockHash>(core::Height)> block_hash_at;
};

struct ReleaseSummary {
    std::filesystem::path dir;
    core::Manifest manifest;
    bool already_existed = false;
    double seconds = 0;
};

std::filesystem::path release_path(const std::filesystem::path& releases, core::Network net,
                                   core::Height height, const core::BlockHash& block);

// A release this store cannot cut although nothing is wrong: it began from a snapshot, lacks the
// undo data the release's patches need, and no previous release was found to compute them from
// (nothing was written).
struct ReleaseNotCut {
    std::string reason;  // one sentence naming the release and the heights
};
using CutOutcome = std::variant<ReleaseSummary, ReleaseNotCut>;

// Cuts the release at the store's tip. If that release directory exists already it is left as it
// is (a finished release is never rewritten). A failure or interruption leaves no partial release:
// work happens in a hidden temporary directory that is renamed into place at the end.
[[nodiscard]] core::Result<CutOutcome> cut_release(UtxoStore& store, const ReleaseOptions& options);

// The files of a release part hashed once: per-file size and SHA-256 for the manifest, and the
// BitTorrent v1 torrent over them (implemented on libtorrent in release_torrent.cpp).
struct HashedPart {
    std::vector<core::FileEntry> files;
    core::Bytes torrent;
    core::InfoHash infohash;
};
[[nodiscard]] core::Result<HashedPart> hash_release_part(const std::filesystem::path& release_dir,
                                                         const std::string& part, std::uint32_t count);

}  // namespace utxo::indexer

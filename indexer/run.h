// `utxo-indexer run`: follow a chain source to a finality depth and cut a release every N blocks.
#pragma once
#include <atomic>
#include <filesystem>
#include <functional>

#include "core/error.h"
#include "indexer/chain_source.h"
#include "indexer/release.h"
#include "indexer/release_signing.h"

namespace utxo::indexer {

struct RunOptions {
    SourceOptions source;
    std::filesystem::path db;
    std::filesystem::path releases;
    std::uint32_t release_every = 1000;  // N
    std::uint32_t confirmations = 6;     // K: only blocks at least K deep (K confirmations) are applied
    std::uint32_t shard_count = 1024;
    bool follow = false;  // keep polling for new final blocks
    unsigned poll_seconds = 10;
    std::uint32_t batch_blocks = 100;  // blocks fetched and committed together
    std::size_t cache_mb = 2048;       // memory for new coins before they are written to LMDB
    bool progress = false;
    // The release at (first release height - N), for a store started from a snapshot
    // (ReleaseOptions::previous_release).
    std::filesystem::path previous_release;
    // When set, each release is signed (indexer/release_signing.h) right after it is cut and
    // before on_release hears of it; so is the release at the store's tip when the run starts,
    // which finishes one whose signing failed or was interrupted. A signing failure stops the run
    // (the release stays in place without this key's signature).
    std::optional<ReleaseSigning> signing;
    // Told each release this run cuts (not one that existed already), as soon as it is cut.
    std::function<void(const ReleaseSummary&)> on_release;
    // Told the store's tip at the start and after each commit, with the blocks applied so far.
    std::function<void(const std::optional<ChainTip>& tip, std::uint64_t blocks)> on_tip;
    // With follow: when `hangup` is set (SIGHUP), the follow loop clears it and calls on_hangup
    // between polls (the executable reopens its log file and reads its config again there).
    std::atomic<bool>* hangup = nullptr;
    std::function<void()> on_hangup;
};

struct RunSummary {
    std::uint64_t blocks = 0;
    std::uint64_t releases = 0;
    std::optional<ChainTip> tip;
};

// Applies every final block after the store's tip, committing at block boundaries and always at
// release heights, and cuts each release before going past it, so `kill -9` at any moment and a
// restart give the same releases as an uninterrupted run. Stops when `stop` becomes true. With
// follow, tells a service manager READY=1 once following, STATUS= with the tip after each pass
// and STOPPING=1 when stopped (net/service_notify.h).
[[nodiscard]] core::Result<RunSummary> run(const RunOptions& options, const std::atomic<bool>& stop);

}  // namespace utxo::indexer

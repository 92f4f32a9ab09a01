// `synth --profile mainnet --snapshot-out`: a Core snapshot file (dumptxoutset, version 2) of N
// coins of the mainnet profile (synth_profile.h), written in one streaming pass in txid order, and
// a uniform sample of its spendable coins for a chain that continues from it (synth_continue.h).
#pragma once
#include <filesystem>
#include <vector>

#include "core/coin.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/types.h"
#include "indexer/synth_rng.h"

namespace utxo::indexer {

struct SpendableCoin {
    core::OutPoint outpoint;
    core::Amount value;
};

// A uniform sample of up to `capacity` coins that the block after `base` may spend (a coinbase
// only once mature), taken with reservoir sampling (Algorithm R) from the coins in file order.
// Offering the same coins with the same seed gives the same sample, so it is the same whether
// taken while writing the snapshot or later while reading it back.
class SpendableSample {
public:
    SpendableSample(std::uint64_t seed, std::size_t capacity, core::Height base);
    void offer(const core::OutPoint& outpoint, const core::Coin& coin);
    std::uint64_t offered() const { return seen_; }
    std::vector<SpendableCoin>& coins() { return coins_; }

private:
    SynthRng rng_;
    std::size_t capacity_;
    core::Height base_;
    std::uint64_t seen_ = 0;
    std::vector<SpendableCoin> coins_;
};

struct SnapshotSynthOptions {
    std::uint64_t coins = 1'000'000;
    core::Height base_height{920'000};  // coins are at heights 1 .. base_height
    std::uint64_t seed = 1;
};

struct SnapshotSynthSummary {
    std::uint64_t coins = 0;
    std::uint64_t txids = 0;
    std::uint64_t coinbase_coins = 0;
    core::Amount total;
    core::Height base_height;
    core::BlockHash base_block;
    std::uint64_t bytes = 0;
};

// The base block hash a synthetic snapshot names: derived from the seed and the height (no such
// block exists; the continuing chain's first block names it as its parent).
core::BlockHash synthetic_base_block(std::uint64_t seed, core::Height base_height);

// Writes the snapshot (regtest network) to `out`, which must not exist (`out.incomplete` until
// complete, as Core does). Memory stays bounded whatever N is. With `sample`, every coin is
// offered to it on the way.
[[nodiscard]] core::Result<SnapshotSynthSummary> write_mainnet_snapshot(const SnapshotSynthOptions& options,
                                                                        const std::filesystem::path& out,
                                                                        SpendableSample* sample = nullptr);

// Reads a snapshot file back (with every check of the reader), offering each coin to `sample`.
// Refuses a coin above `base_height`. Returns the file's header fields as a summary.
[[nodiscard]] core::Result<SnapshotSynthSummary> sample_snapshot(const std::filesystem::path& snapshot,
                                                                 core::Height base_height,
                                                                 SpendableSample& sample);

}  // namespace utxo::indexer

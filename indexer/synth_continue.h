// `synth --profile mainnet --out CHAIN`: a regtest blk file of blocks that continue from a
// synthetic snapshot (synth_snapshot.h): the first block's parent is the snapshot's base block,
// at base height + 1. Transactions have mainnet-like input and output counts (synth_profile.h)
// and spend coins of the snapshot (from its SpendableSample) and of earlier synthetic blocks.
#pragma once
#include <filesystem>
#include <optional>
#include <vector>

#include "core/error.h"
#include "core/hash.h"
#include "core/types.h"
#include "indexer/synth_snapshot.h"

namespace utxo::indexer {

struct ContinueOptions {
    std::uint32_t blocks = 288;          // 144 a day, as on mainnet
    std::uint32_t txs_per_block = 4000;  // coinbase included; fewer only if nothing is left to spend
    std::uint64_t seed = 1;
};

// How many snapshot coins the chain may spend at most: the size of the sample to take.
std::size_t sample_capacity(const ContinueOptions& options);

struct ContinueSummary {
    std::uint64_t blocks = 0, txs = 0, inputs = 0, outputs = 0;
    std::uint64_t created = 0;         // outputs that enter the UTXO set (not OP_RETURN)
    std::uint64_t spent = 0;           // coins spent (inputs other than coinbase inputs)
    std::uint64_t snapshot_spent = 0;  // of which coins of the snapshot
    core::Amount subsidy;              // new money: the regtest subsidies paid
    core::Height tip_height;
    core::BlockHash tip;
    std::uint64_t bytes = 0;
};

// Writes the chain as Core blk records (regtest magic) to `out`, which appears only when complete.
// Consumes `sample`. Timestamps are 600 s apart.
[[nodiscard]] core::Result<ContinueSummary> write_continuing_chain(const ContinueOptions& options,
                                                                   core::Height base_height,
                                                                   const core::BlockHash& base_block,
                                                                   std::vector<SpendableCoin> sample,
                                                                   const std::filesystem::path& out);

}  // namespace utxo::indexer

namespace utxo::indexer {

// The whole `synth --profile mainnet` command: write a snapshot (snapshot_out), or read one
// (continue_from), and when chain_out is set write the chain that continues from it. The chain
// depends only on the snapshot's coins, the base height and the seed, so both ways give the same
// chain bytes.
struct MainnetSynthOptions {
    std::filesystem::path snapshot_out;   // write a snapshot of `coins` coins here, or
    std::filesystem::path continue_from;  // read this one (written by this command)
    std::uint64_t coins = 0;
    core::Height base_height{920'000};
    std::filesystem::path chain_out;  // optional: the continuing chain
    ContinueOptions chain;            // chain.seed is the seed of both
};
struct MainnetSynthSummary {
    SnapshotSynthSummary snapshot;  // written, or read back
    std::optional<ContinueSummary> chain;
};
[[nodiscard]] core::Result<MainnetSynthSummary> synth_mainnet(const MainnetSynthOptions& options);

}  // namespace utxo::indexer

// A deterministic synthetic regtest chain: real block and transaction serialization, starting from
// the real regtest genesis block, a realistic mix of output scripts, spends of earlier outputs
// (coinbases only after 100 blocks), fees paid to the coinbase. For tests and benchmarks.
#pragma once
#include <filesystem>
#include <functional>

#include "core/error.h"
#include "core/transaction.h"

namespace utxo::indexer {

struct SynthOptions {
    std::uint32_t blocks = 100;        // blocks after genesis
    std::uint32_t txs_per_block = 10;  // including the coinbase
    std::uint64_t seed = 1;
};

enum class SynthFormat { hex_lines, blk };

// Calls `emit` with genesis and then each generated block, in order.
[[nodiscard]] core::Status generate_chain(const SynthOptions& options,
                                          const std::function<core::Status(const core::Block&)>& emit);

// Writes the chain to `out`: hex lines (one block per line) or a Core-style blk file (regtest magic,
// no obfuscation). Written to a temporary name and renamed when complete.
struct SynthSummary {
    std::uint64_t blocks = 0, txs = 0, outputs = 0, inputs = 0, bytes = 0;
};
[[nodiscard]] core::Result<SynthSummary> write_synthetic_chain(const SynthOptions& options,
                                                               const std::filesystem::path& out,
                                                               SynthFormat format);

// The real regtest genesis block, built from its known contents.
core::Block regtest_genesis();

}  // namespace utxo::indexer

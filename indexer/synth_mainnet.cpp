// `synth --profile mainnet`: the snapshot (written or read back for its sample) and the chain
// that continues from it.
#include <fmt/format.h>

#include "indexer/log.h"
#include "indexer/synth_continue.h"

namespace utxo::indexer {

core::Result<MainnetSynthSummary> synth_mainnet(const MainnetSynthOptions& o) {
    if (o.snapshot_out.empty() == o.continue_from.empty())
        return core::fail(core::Errc::usage, "give either --snapshot-out or --continue-from");
    if (!o.continue_from.empty() && o.chain_out.empty())
        return core::fail(core::Errc::usage, "--continue-from needs --out for the chain to write");
    const bool with_chain = !o.chain_out.empty();
    std::error_code ec;
    if (with_chain && std::filesystem::exists(o.chain_out, ec))  // before minutes of snapshot writing
        return core::fail(core::Errc::usage, fmt::format("{}: already exists", o.chain_out.string()));
    const std::size_t capacity = with_chain ? sample_capacity(o.chain) : 0;
    SpendableSample sample(o.chain.seed, capacity, o.base_height);
    MainnetSynthSummary sum;
    if (!o.snapshot_out.empty()) {
        SnapshotSynthOptions so{o.coins, o.base_height, o.chain.seed};
        UTXO_TRY_ASSIGN(sum.snapshot,
                        write_mainnet_snapshot(so, o.snapshot_out, with_chain ? &sample : nullptr));
        log().info("wrote {} coins to {}", sum.snapshot.coins, o.snapshot_out.string());
    } else {
        UTXO_TRY_ASSIGN(sum.snapshot, sample_snapshot(o.continue_from, o.base_height, sample));
        // The seed and base height must be those the snapshot was written with: they name its base.
        if (sum.snapshot.base_block != synthetic_base_block(o.chain.seed, o.base_height))
            return core::fail(
                core::Errc::mismatch,
                fmt::format("{}: base block {} is not that of a synthetic snapshot with seed {} "
                            "at height {}; give the --seed and --base-height it was written with",
                            o.continue_from.string(), sum.snapshot.base_block.to_display_hex(), o.chain.seed,
                            o.base_height.value));
        log().info("read {} coins from {}", sum.snapshot.coins, o.continue_from.string());
    }
    if (!with_chain) return sum;
    UTXO_TRY_ASSIGN(sum.chain, write_continuing_chain(o.chain, o.base_height, sum.snapshot.base_block,
                                                      std::move(sample.coins()), o.chain_out));
    return sum;
}

}  // namespace utxo::indexer

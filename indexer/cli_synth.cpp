// utxo-indexer synth: the basic synthetic chain (synth.h) and the mainnet profile's snapshot and
// continuing chain (synth_continue.h), options onto the library's option structs, results onto stdout.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "indexer/cli.h"
#include "indexer/synth.h"
#include "indexer/synth_continue.h"

namespace utxo::indexer {

namespace {

struct SynthArgs {
    std::string profile = "basic";
    std::filesystem::path out;
    std::uint32_t blocks = 0;
    std::uint32_t txs_per_block = 0;
    std::uint64_t seed = 0;
    std::string format;
    std::filesystem::path snapshot_out, continue_from;
    std::uint64_t coins = 0;
    std::uint32_t base_height = 920'000;
    CLI::Option *blocks_opt = nullptr, *txs_opt = nullptr, *coins_opt = nullptr, *base_opt = nullptr;
};

void print(const MainnetSynthOptions& o, const MainnetSynthSummary& r) {
    const auto& s = r.snapshot;
    fmt::print(
        "snapshot {}: {} coins in {} txids ({} coinbase coins), total {} sat, base block {} at height {}, "
        "{} bytes\n",
        (o.snapshot_out.empty() ? o.continue_from : o.snapshot_out).string(), s.coins, s.txids,
        s.coinbase_coins, s.total.sat, s.base_block.to_display_hex(), s.base_height.value, s.bytes);
    if (!r.chain) return;
    const auto& c = *r.chain;
    fmt::print(
        "chain {}: {} blocks at heights {}..{}, {} transactions, {} inputs ({} from the snapshot), {} "
        "outputs; coins +{} -{}; subsidy {} sat; tip {}, {} bytes\n",
        o.chain_out.string(), c.blocks, s.base_height.value + 1, c.tip_height.value, c.txs, c.inputs,
        c.snapshot_spent, c.outputs, c.created, c.spent, c.subsidy.sat, c.tip.to_display_hex(), c.bytes);
}

Action basic_action(const SynthArgs& a) {
    if (a.out.empty() || !*a.blocks_opt || !*a.txs_opt)
        throw CLI::ValidationError("synth", "the basic profile needs --out, --blocks and --txs-per-block");
    if (!a.snapshot_out.empty() || !a.continue_from.empty() || *a.coins_opt || *a.base_opt)
        throw CLI::ValidationError("synth",
                                   "--snapshot-out, --continue-from, --coins and --base-height need "
                                   "--profile mainnet");
    SynthOptions o{a.blocks, a.txs_per_block, a.seed};
    const bool blk = a.format.empty() ? a.out.extension() == ".dat" : a.format == "blk";
    return [o, out = a.out, blk]() -> core::Status {
        UTXO_TRY_ASSIGN(auto r,
                        write_synthetic_chain(o, out, blk ? SynthFormat::blk : SynthFormat::hex_lines));
        fmt::print("wrote {} blocks, {} transactions, {} outputs, {} inputs ({} bytes) to {}\n", r.blocks,
                   r.txs, r.outputs, r.inputs, r.bytes, out.string());
        return {};
    };
}

Action mainnet_action(const SynthArgs& a) {
    if (a.snapshot_out.empty() == a.continue_from.empty())
        throw CLI::ValidationError("synth",
                                   "--profile mainnet needs either --snapshot-out or --continue-from");
    if (!a.snapshot_out.empty() && !*a.coins_opt)
        throw CLI::ValidationError("synth", "--snapshot-out needs --coins");
    if (!a.continue_from.empty() && *a.coins_opt)
        throw CLI::ValidationError("synth", "--coins goes with --snapshot-out, not --continue-from");
    if (!a.continue_from.empty() && a.out.empty())
        throw CLI::ValidationError("synth", "--continue-from needs --out for the chain");
    if (!a.out.empty() && !*a.blocks_opt) throw CLI::ValidationError("synth", "--out needs --blocks");
    if (a.out.empty() && (*a.blocks_opt || *a.txs_opt))
        throw CLI::ValidationError("synth", "--blocks and --txs-per-block need --out");
    if (a.format == "hex") throw CLI::ValidationError("synth", "the mainnet profile writes blk files only");
    MainnetSynthOptions o;
    o.snapshot_out = a.snapshot_out;
    o.continue_from = a.continue_from;
    o.coins = a.coins;
    o.base_height = core::Height{a.base_height};
    o.chain_out = a.out;
    o.chain.blocks = a.blocks;
    if (*a.txs_opt) o.chain.txs_per_block = a.txs_per_block;
    o.chain.seed = a.seed;
    return [o]() -> core::Status {
        UTXO_TRY_ASSIGN(auto r, synth_mainnet(o));
        print(o, r);
        return {};
    };
}

}  // namespace

void add_synth_command(CLI::App& app, Action& action) {
    auto a = std::make_shared<SynthArgs>();
    auto* cmd = app.add_subcommand("synth", "write a deterministic synthetic regtest chain or snapshot");
    cmd->add_option("--profile", a->profile,
                    "basic (default): a chain from genesis; mainnet: a snapshot and a "
                    "chain continuing from it")
        ->check(CLI::IsMember({"basic", "mainnet"}));
    cmd->add_option("--seed", a->seed, "random seed")->required();
    cmd->add_option("--out", a->out, "chain file to write");
    a->blocks_opt =
        cmd->add_option("--blocks", a->blocks, "blocks to write (after genesis, or after the base)")
            ->check(CLI::Range(1u, 10'000'000u));
    a->txs_opt = cmd->add_option("--txs-per-block", a->txs_per_block,
                                 "transactions per block, coinbase included (mainnet default 4000)")
                     ->check(CLI::Range(1u, 1'000'000u));
    cmd->add_option(
           "--format", a->format,
           "hex (one block per line) or blk (Core blk*.dat); default: blk when the name ends in .dat")
        ->check(CLI::IsMember({"hex", "blk"}));
    cmd->add_option("--snapshot-out", a->snapshot_out,
                    "mainnet: Core snapshot file to write (must not exist)");
    a->coins_opt = cmd->add_option("--coins", a->coins, "mainnet: coins in the snapshot")
                       ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
    a->base_opt = cmd->add_option("--base-height", a->base_height,
                                  "mainnet: height of the snapshot's base block (default 920000)")
                      ->check(CLI::Range(1u, 100'000'000u));
    cmd->add_option(
        "--continue-from", a->continue_from,
        "mainnet: a snapshot this command wrote (same --seed and --base-height) to continue from");
    cmd->callback([a, &action] { action = a->profile == "mainnet" ? mainnet_action(*a) : basic_action(*a); });
}

}  // namespace utxo::indexer

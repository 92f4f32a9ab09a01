// utxo-indexer: build and inspect a UTXO store, move Core snapshots in and out, make synthetic chains.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>

#include "indexer/commands.h"
#include "indexer/release.h"
#include "indexer/run.h"
#include "indexer/synth.h"
#include "indexer/verify_release.h"

namespace ix = utxo::indexer;
namespace core = utxo::core;

namespace {

// Every failure here is bad input or trouble with files: exit 2 (exit 1 is kept for verdicts,
// such as a release that does not match its manifest).
int report(const core::Error& e) {
    fmt::print(stderr, "utxo-indexer: {}\n", e.message);
    return 2;
}

std::atomic<bool> g_stop{false};
extern "C" void request_stop(int) { g_stop = true; }

core::Network network_or_exit(const std::string& name) {
    auto net = core::parse_network(name);
    if (!net) throw CLI::ValidationError("--network", "unknown network '" + name + "' (main, test, testnet4, signet, regtest)");
    return *net;
}

}  // namespace

int main(int argc, char** argv) {
    auto log = spdlog::stderr_color_mt("indexer");
    log->set_pattern("%^%l%$: %v");
    spdlog::set_level(spdlog::level::warn);

    CLI::App app{"utxo-indexer: keep a Bitcoin UTXO set and cut it into releases"};
    app.require_subcommand(1);
    bool verbose = false;
    app.add_flag("-v,--verbose", verbose, "log progress milestones");

    ix::BuildOptions build;
    std::string build_net = "main";
    auto* build_cmd = app.add_subcommand("build", "apply an unbroken run of blocks to a store");
    build_cmd->add_option("--blocks", build.blocks, "hex-lines file, blk*.dat file or blocks directory")->required();
    build_cmd->add_option("--network", build_net, "main, test, testnet4, signet or regtest")->required();
    build_cmd->add_option("--db", build.db, "store directory (created if missing)")->required();
    build_cmd->add_option("--cache-mb", build.cache_mb, "memory for new coins before they go to LMDB (default 2048)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));

    std::filesystem::path stats_db;
    bool stats_as_json = false;
    auto* stats_cmd = app.add_subcommand("stats", "print the store's height, coins, amount and commitments");
    stats_cmd->add_option("--db", stats_db, "store directory")->required();
    stats_cmd->add_flag("--json", stats_as_json, "one JSON object");

    ix::ImportOptions import;
    std::uint32_t import_height = 0;
    auto* import_cmd = app.add_subcommand("import-core", "load a Bitcoin Core dumptxoutset file into a new store");
    import_cmd->add_option("file", import.snapshot, "snapshot file")->required();
    import_cmd->add_option("--db", import.db, "new store directory")->required();
    auto* height_opt = import_cmd->add_option("--height", import_height, "height of the base block (needed unless "
                                                                         "it is one of Core's assumeutxo blocks)");

    std::filesystem::path export_db, export_out;
    auto* export_cmd = app.add_subcommand("export-core", "write the store as a Bitcoin Core snapshot file");
    export_cmd->add_option("--db", export_db, "store directory")->required();
    export_cmd->add_option("--out", export_out, "snapshot file to create (must not exist)")->required();

    ix::SynthOptions synth;
    std::filesystem::path synth_out;
    std::string synth_format;
    auto* synth_cmd = app.add_subcommand("synth", "write a deterministic synthetic regtest chain");
    synth_cmd->add_option("--out", synth_out, "output file")->required();
    synth_cmd->add_option("--blocks", synth.blocks, "blocks after genesis")->required();
    synth_cmd->add_option("--txs-per-block", synth.txs_per_block, "transactions per block, coinbase included")
        ->required()->check(CLI::Range(1u, 1'000'000u));
    synth_cmd->add_option("--seed", synth.seed, "random seed")->required();
    synth_cmd->add_option("--format", synth_format, "hex (one block per line) or blk (Core blk*.dat); default: "
                                                    "blk when the name ends in .dat")->check(CLI::IsMember({"hex", "blk"}));

    ix::RunOptions run;
    std::string run_net = "main";
    auto* run_cmd = app.add_subcommand("run", "follow a chain source and cut a release every N final blocks");
    run_cmd->add_option("--source", run.source.spec, "rpc:URL, rest:URL or blocks:DIR")->required();
    run_cmd->add_option("--network", run_net, "main, test, testnet4, signet or regtest")->required();
    run_cmd->add_option("--db", run.db, "store directory")->required();
    run_cmd->add_option("--releases", run.releases, "releases root directory")->required();
    run_cmd->add_option("--release-every", run.release_every, "cut a release at every height divisible by N")
        ->required()->check(CLI::Range(1u, 10'000'000u));
    run_cmd->add_option("--confirmations", run.confirmations, "apply only blocks with at least K confirmations")
        ->required()->check(CLI::Range(1u, 100'000u));
    run_cmd->add_option("--shards", run.shard_count, "shards per release, a power of two (default 1024)");
    run_cmd->add_option("--cache-mb", run.cache_mb, "memory for new coins before they go to LMDB (default 2048)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
    run_cmd->add_flag("--follow", run.follow, "keep polling and cut each release as its height becomes final");
    run_cmd->add_option("--poll-seconds", run.poll_seconds, "seconds between polls with --follow (default 10)");
    run_cmd->add_option("--rpc-cookie", run.source.rpc_cookie_file, "Core's .cookie file for rpc: sources");

    ix::ReleaseOptions release;
    std::filesystem::path release_db;
    auto* release_cmd = app.add_subcommand("release", "cut a release at the store's height");
    release_cmd->add_option("--db", release_db, "store directory")->required();
    release_cmd->add_option("--releases", release.releases, "releases root directory")->required();
    release_cmd->add_option("--shards", release.shard_count, "shards, a power of two (default 1024)");
    release_cmd->add_option("--release-every", release.release_every,
                            "the cadence N: patches from height - N (default 0: no patches)");

    std::filesystem::path addresses_db, addresses_release;
    std::size_t addresses_count = 10;
    auto* addresses_cmd = app.add_subcommand("addresses", "list some addresses that hold coins in a store or release");
    auto* from_db = addresses_cmd->add_option("--db", addresses_db, "store directory");
    auto* from_release = addresses_cmd->add_option("--release", addresses_release, "release directory");
    from_db->excludes(from_release);
    addresses_cmd->add_option("--count", addresses_count, "how many (default 10)");

    std::filesystem::path verify_dir;
    bool verify_quiet = false;
    auto* verify_cmd = app.add_subcommand("verify-release", "re-read a release and check every hash, count and "
                                                            "commitment in its manifest (exit 1 on a mismatch)");
    verify_cmd->add_option("dir", verify_dir, "release directory")->required();
    verify_cmd->add_flag("-q,--quiet", verify_quiet, "print only the verdict");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;  // --help is 0; usage errors are 2, like every tool here
    }
    if (verbose) spdlog::set_level(spdlog::level::info);

    try {
        if (*build_cmd) {
            build.network = network_or_exit(build_net);
            build.progress = true;
            auto r = ix::build(build);
            if (!r) return report(r.error());
            fmt::print("applied {} blocks: {} coins created, {} spent; tip {} {}\n", r->blocks, r->created, r->spent,
                       r->tip ? std::to_string(r->tip->height.value) : "none",
                       r->tip ? r->tip->hash.to_display_hex() : "");
        } else if (*stats_cmd) {
            auto r = ix::stats(stats_db);
            if (!r) return report(r.error());
            fmt::print("{}", stats_as_json ? ix::stats_json(*r) + "\n" : ix::stats_text(*r));
        } else if (*import_cmd) {
            if (*height_opt) import.height = import_height;
            auto r = ix::import_core(import);
            if (!r) return report(r.error());
            fmt::print("imported {} coins at height {} ({}); hash_serialized_3 {}{}\n", r->coins, r->tip.height.value,
                       r->tip.hash.to_display_hex(), r->hash_serialized_3.to_display_hex(),
                       r->matched_core_params ? " (matches Bitcoin Core's assumeutxo value)" : "");
        } else if (*export_cmd) {
            auto r = ix::export_core(export_db, export_out);
            if (!r) return report(r.error());
            fmt::print("wrote {} coins at height {} to {}; hash_serialized_3 {}; muhash {} (checked)\n", r->coins,
                       r->tip.height.value, export_out.string(), r->hash_serialized_3.to_display_hex(),
                       r->muhash.to_display_hex());
        } else if (*run_cmd) {
            run.source.network = network_or_exit(run_net);
            run.progress = true;
            std::signal(SIGINT, request_stop);
            std::signal(SIGTERM, request_stop);
            auto r = ix::run(run, g_stop);
            if (!r) return report(r.error());
            fmt::print("{}: {} blocks applied, {} releases cut; tip {}\n", g_stop ? "stopped" : "done", r->blocks,
                       r->releases, r->tip ? std::to_string(r->tip->height.value) : "none");
        } else if (*release_cmd) {
            auto store = ix::UtxoStore::open_existing(release_db);
            if (!store) return report(store.error());
            auto r = ix::cut_release(*store, release);
            if (!r) return report(r.error());
            fmt::print("{} {}\n", r->already_existed ? "exists:" : "cut:", r->dir.string());
        } else if (*addresses_cmd) {
            if (addresses_db.empty() == addresses_release.empty())
                throw CLI::ValidationError("addresses", "give either --db or --release");
            auto r = addresses_db.empty() ? ix::sample_release_addresses(addresses_release, addresses_count)
                                          : ix::sample_addresses(addresses_db, addresses_count);
            if (!r) return report(r.error());
            for (const auto& a : *r) fmt::print("{} {}\n", a.address, a.value.sat);
        } else if (*verify_cmd) {
            auto r = ix::verify_release(verify_dir);
            if (!r) {
                fmt::print(stderr, "utxo-indexer: {}: {}\n", verify_dir.string(), r.error().message);
                return r.error().code == core::Errc::mismatch ? 1 : 2;
            }
            if (!verify_quiet)
                for (const auto& line : r->checks) fmt::print("ok  {}\n", line);
            fmt::print("release verified: {} files, {} bytes, {} coins\n", r->files, r->bytes, r->coins);
        } else if (*synth_cmd) {
            auto format = synth_format.empty() ? (synth_out.extension() == ".dat" ? ix::SynthFormat::blk
                                                                                 : ix::SynthFormat::hex_lines)
                          : synth_format == "blk" ? ix::SynthFormat::blk : ix::SynthFormat::hex_lines;
            auto r = ix::write_synthetic_chain(synth, synth_out, format);
            if (!r) return report(r.error());
            fmt::print("wrote {} blocks, {} transactions, {} outputs, {} inputs ({} bytes) to {}\n", r->blocks, r->txs,
                       r->outputs, r->inputs, r->bytes, synth_out.string());
        }
    } catch (const CLI::Error& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    return 0;
}

// utxo-indexer build, stats, import-core and export-core: options onto the library's
// option structs, results onto stdout.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "cli/default_dirs.h"
#include "indexer/cli.h"
#include "indexer/commands.h"

namespace utxo::indexer {

core::Network network_or_throw(const std::string& name) {
    auto net = core::parse_network(name);
    if (!net)
        throw CLI::ValidationError("--network",
                                   "unknown network '" + name + "' (main, test, testnet4, signet, regtest)");
    return *net;
}

void add_db_option(CLI::App* cmd, std::filesystem::path& db, const char* help) {
    db = cli::default_indexer_db();
    cmd->add_option("--db", db, fmt::format("{}; default BASE/indexer", help))->capture_default_str();
}

void add_releases_option(CLI::App* cmd, std::filesystem::path& releases) {
    releases = cli::default_releases();
    cmd->add_option("--releases", releases, "releases root directory; default BASE/releases")
        ->capture_default_str();
}

void add_build_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<BuildOptions>();
    auto network = std::make_shared<std::string>("main");
    auto* cmd = app.add_subcommand("build", "apply an unbroken run of blocks to a store");
    cmd->add_option("--blocks", o->blocks, "hex-lines file, blk*.dat file or blocks directory")->required();
    cmd->add_option("--network", *network, "main, test, testnet4, signet or regtest")->required();
    add_db_option(cmd, o->db, "store directory (created if missing)");
    cmd->add_option("--cache-mb", o->cache_mb, "memory for new coins before they go to LMDB (default 2048)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
    cmd->callback([o, network, &action] {
        o->network = network_or_throw(*network);
        o->progress = true;
        action = [o]() -> core::Status {
            UTXO_TRY_ASSIGN(auto r, build(*o));
            fmt::print("applied {} blocks: {} coins created, {} spent; tip {} {}\n", r.blocks, r.created,
                       r.spent, r.tip ? std::to_string(r.tip->height.value) : "none",
                       r.tip ? r.tip->hash.to_display_hex() : "");
            return {};
        };
    });
}

void add_stats_command(CLI::App& app, Action& action) {
    auto db = std::make_shared<std::filesystem::path>();
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("stats", "print the store's height, coins, amount and commitments");
    add_db_option(cmd, *db);
    cmd->add_flag("--json", *json, "one JSON object");
    cmd->callback([db, json, &action] {
        action = [db, json]() -> core::Status {
            UTXO_TRY_ASSIGN(auto r, stats(*db));
            fmt::print("{}", *json ? stats_json(r) + "\n" : stats_text(r));
            return {};
        };
    });
}

void add_import_core_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<ImportOptions>();
    auto height = std::make_shared<std::uint32_t>(0);
    auto* cmd = app.add_subcommand("import-core", "load a Bitcoin Core dumptxoutset file into a new store");
    cmd->add_option("file", o->snapshot, "snapshot file")->required();
    cmd->add_option("--db", o->db, "new store directory")->required();
    auto* height_opt = cmd->add_option("--height", *height,
                                       "height of the base block (needed unless "
                                       "it is one of Core's assumeutxo blocks)");
    cmd->callback([o, height, height_opt, &action] {
        if (*height_opt) o->height = core::Height{*height};
        action = [o]() -> core::Status {
            UTXO_TRY_ASSIGN(auto r, import_core(*o));
            fmt::print("imported {} coins at height {} ({}); hash_serialized_3 {}{}\n", r.coins,
                       r.tip.height.value, r.tip.hash.to_display_hex(), r.hash_serialized_3.to_display_hex(),
                       r.matched_core_params ? " (matches Bitcoin Core's assumeutxo value)" : "");
            return {};
        };
    });
}

void add_export_core_command(CLI::App& app, Action& action) {
    auto db = std::make_shared<std::filesystem::path>();
    auto out = std::make_shared<std::filesystem::path>();
    auto* cmd = app.add_subcommand("export-core", "write the store as a Bitcoin Core snapshot file");
    add_db_option(cmd, *db);
    cmd->add_option("--out", *out, "snapshot file to create (must not exist)")->required();
    cmd->callback([db, out, &action] {
        action = [db, out]() -> core::Status {
            UTXO_TRY_ASSIGN(auto r, export_core(*db, *out));
            fmt::print("wrote {} coins at height {} to {}; hash_serialized_3 {}; muhash {} (checked)\n",
                       r.coins, r.tip.height.value, out->string(), r.hash_serialized_3.to_display_hex(),
                       r.muhash.to_display_hex());
            return {};
        };
    });
}

}  // namespace utxo::indexer

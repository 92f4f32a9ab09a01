// utxo-indexer run, release, addresses and verify-release: options onto the library's option
// structs, results onto stdout (text, or JSON with --json: cli/json.h).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <ctime>
#include <memory>

#include "cli/daemon.h"
#include "cli/json.h"
#include "indexer/cli.h"
#include "indexer/commands.h"
#include "indexer/log.h"
#include "indexer/metrics_server.h"
#include "indexer/run.h"
#include "net/service_notify.h"

namespace utxo::indexer {

namespace {

std::atomic<bool> g_stop{false}, g_hangup{false};
extern "C" void request_stop(int) { g_stop = true; }
extern "C" void request_hangup(int) { g_hangup = true; }

// SIGINT and SIGTERM stop `run` at the next block boundary; it then reports what it did. With
// --follow, SIGHUP reopens --log-file and reads --config again between polls. Each release is one
// line as it is cut; with --json, one object per line.
[[nodiscard]] core::Status follow(RunOptions o, bool json, const std::string& metrics_listen,
                                  const std::string& log_file) {
    UTXO_TRY(cli::start_logging(log_file));
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    if (o.follow) {
        std::signal(SIGHUP, request_hangup);
        o.hangup = &g_hangup;
        o.on_hangup = cli::hangup;
    }
    RunMetrics metrics;
    std::unique_ptr<net::HttpServer> metrics_server;  // stopped before `metrics` goes
    if (!metrics_listen.empty()) {
        UTXO_TRY_ASSIGN(auto listen, net::parse_host_port(metrics_listen));
        UTXO_TRY_ASSIGN(metrics_server, start_metrics_server(listen, metrics));
        log().info("metrics on http://{}/metrics",
                   net::HostPort{listen.host, metrics_server->port()}.to_string());
    }
    o.on_tip = [&metrics](const std::optional<ChainTip>& tip, std::uint64_t blocks) {
        metrics.height = tip ? static_cast<std::int64_t>(tip->height.value) : -1;
        metrics.blocks_applied = blocks;
    };
    o.on_release = [json, &metrics](const ReleaseSummary& r) {
        ++metrics.releases_cut;
        metrics.last_release_unix_time = static_cast<std::int64_t>(std::time(nullptr));
        net::notify_status(
            fmt::format("release {} cut ({} coins)", r.dir.filename().string(), r.manifest.coins));
        if (!json) {
            fmt::print("release {} ({} coins)\n", r.dir.string(), r.manifest.coins);
            return;
        }
        nlohmann::ordered_json event{{"event", "release"}};
        event.update(release_json(r));
        cli::print_json(event);
    };
    UTXO_TRY_ASSIGN(auto r, run(o, g_stop));
    const char* how = g_stop ? "stopped" : "done";
    if (!json) {
        fmt::print("{}: {} blocks applied, {} releases cut; tip {}\n", how, r.blocks, r.releases,
                   r.tip ? std::to_string(r.tip->height.value) : "none");
        return {};
    }
    nlohmann::ordered_json done{{"event", how}, {"blocks", r.blocks}, {"releases", r.releases}};
    done["height"] = r.tip ? nlohmann::ordered_json(r.tip->height.value) : nlohmann::ordered_json(nullptr);
    done["block_hash"] =
        r.tip ? nlohmann::ordered_json(r.tip->hash.to_display_hex()) : nlohmann::ordered_json(nullptr);
    cli::print_json(done);
    return {};
}

}  // namespace

void add_run_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<RunOptions>();
    auto network = std::make_shared<std::string>("main");
    auto json = std::make_shared<bool>(false);
    auto metrics_listen = std::make_shared<std::string>();
    auto log_file = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("run", "follow a chain source and cut a release every N final blocks");
    cmd->add_option("--source", o->source.spec, "rpc:URL, rest:URL or blocks:DIR")->required();
    cmd->add_option("--network", *network, "main, test, testnet4, signet or regtest")->required();
    add_db_option(cmd, o->db);
    add_releases_option(cmd, o->releases);
    cmd->add_option("--release-every", o->release_every, "cut a release at every height divisible by N")
        ->required()
        ->check(CLI::Range(1u, 10'000'000u));
    cmd->add_option("--confirmations", o->confirmations, "apply only blocks with at least K confirmations")
        ->required()
        ->check(CLI::Range(1u, 100'000u));
    cmd->add_option("--shards", o->shard_count, "shards per release, a power of two (default 1024)");
    cmd->add_option("--cache-mb", o->cache_mb, "memory for new coins before they go to LMDB (default 2048)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
    cmd->add_flag("--follow", o->follow, "keep polling and cut each release as its height becomes final");
    cmd->add_option("--poll-seconds", o->poll_seconds, "seconds between polls with --follow (default 10)");
    cmd->add_option("--rpc-cookie", o->source.rpc_cookie_file, "Core's .cookie file for rpc: sources");
    cmd->add_option("--previous-release", o->previous_release,
                    "after import-core: the published release the first release's patches start from");
    cmd->add_flag("--json", *json, "one JSON object per line: each release cut, then the summary");
    auto signing = std::make_shared<SigningRequest>();
    auto* key = cmd->add_option("--sign-key", signing->key,
                                "sign each release with this secret key (runs utxo-signer sign)");
    auto* pass = cmd->add_option("--passphrase-file", signing->passphrase_file,
                                 "the --sign-key passphrase is the first line of this file");
    auto* cred = cmd->add_option("--passphrase-credential", signing->passphrase_credential,
                                 "the passphrase is the systemd credential $CREDENTIALS_DIRECTORY/NAME");
    auto* signer = cmd->add_option("--signer", signing->signer,
                                   "the utxo-signer to run (default: beside utxo-indexer, else $PATH)");
    pass->excludes(cred)->needs(key);
    cred->needs(key);
    signer->needs(key);
    cmd->add_option("--metrics-listen", *metrics_listen,
                    "HOST:PORT (numeric) to serve GET /metrics on while the run goes on");
    cli::add_log_file_option(cmd, *log_file, &app);
    cmd->callback([o, network, json, signing, metrics_listen, log_file, &action] {
        o->source.network = network_or_throw(*network);
        o->progress = true;
        action = [o, json, signing, metrics_listen, log_file]() -> core::Status {
            if (!signing->key.empty()) {
                UTXO_TRY_ASSIGN(o->signing, prepare_signing(*signing));
            }
            return follow(*o, *json, *metrics_listen, *log_file);
        };
    });
}

void add_release_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<CutOptions>();
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("release", "cut a release at the store's height");
    add_db_option(cmd, o->db);
    add_releases_option(cmd, o->release.releases);
    cmd->add_option("--shards", o->release.shard_count, "shards, a power of two (default 1024)");
    cmd->add_option("--release-every", o->release.release_every,
                    "the cadence N: patches from height - N (default 0: no patches)");
    cmd->add_option("--previous-release", o->release.previous_release,
                    "the release at height - N, when the store lacks the undo data for the patches");
    cmd->add_flag("--json", *json, "one JSON object");
    cmd->callback([o, json, &action] {
        action = [o, json]() -> core::Status {
            UTXO_TRY_ASSIGN(auto r, cut_store_release(*o));
            if (*json) {
                nlohmann::ordered_json out{{"status", r.already_existed ? "exists" : "cut"}};
                out.update(release_json(r));
                cli::print_json(out);
            } else {
                fmt::print("{} {}\n", r.already_existed ? "exists:" : "cut:", r.dir.string());
            }
            return {};
        };
    });
}

void add_addresses_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<AddressesOptions>();
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("addresses", "list some addresses that hold coins in a store or release");
    auto* from_db = cmd->add_option("--db", o->db, "store directory");
    auto* from_release = cmd->add_option("--release", o->release, "release directory");
    from_db->excludes(from_release);
    cmd->add_option("--count", o->count, "how many (default 10)");
    cmd->add_flag("--json", *json, "one JSON object");
    cmd->callback([o, json, &action] {
        if (o->db.empty() == o->release.empty())
            throw CLI::ValidationError("addresses", "give either --db or --release");
        action = [o, json]() -> core::Status {
            UTXO_TRY_ASSIGN(auto r, list_addresses(*o));
            if (*json)
                cli::print_json(addresses_json(r));
            else
                for (const auto& a : r) fmt::print("{} {}\n", a.address, a.value.sat);
            return {};
        };
    });
}

void add_verify_release_command(CLI::App& app, Action& action) {
    auto dir = std::make_shared<std::filesystem::path>();
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("verify-release",
                                   "re-read a release and check every hash, count and "
                                   "commitment in its manifest (exit 1 on a mismatch); with -q "
                                   "only the verdict");
    cmd->add_option("dir", *dir, "release directory")->required();
    cmd->add_flag("--json", *json, "one JSON object (every check, the figures and the times)");
    // The tool's -q (before or after the subcommand, cli/tool.h) also leaves out the checks.
    const CLI::Option* quiet = app.get_option_no_throw("--quiet");
    cmd->callback([dir, quiet, json, &action] {
        action = [dir, quiet, json]() -> core::Status {
            auto r = judge_release(*dir);
            if (!r) return cli::refused(r, *json);
            if (*json) {
                cli::print_json(verify_json(*dir, *r));
            } else {
                if (!quiet || quiet->count() == 0)
                    for (const auto& line : r->checks) fmt::print("ok  {}\n", line);
                fmt::print("release verified: {} files, {} bytes, {} coins\n", r->files, r->bytes, r->coins);
            }
            log().info(
                "verify-release: files hashed in {:.2f}s, coins checked in {:.2f}s, patches replayed in "
                "{:.2f}s",
                r->hash_seconds, r->coins_seconds, r->patch_seconds);
            return {};
        };
    });
}

}  // namespace utxo::indexer

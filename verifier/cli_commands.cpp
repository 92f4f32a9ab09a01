// utxo-verifier status, check, utxos, balance, serve and export-core: options onto the library's
// option structs (verifier/commands.h), the text they return onto stdout.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "cli/daemon.h"
#include "cli/default_dirs.h"
#include "cli/json.h"
#include "verifier/cli.h"
#include "verifier/commands.h"

namespace utxo::verifier {

namespace {

// --db, BASE/verifier unless given (cli/default_dirs.h).
void add_db_option(CLI::App* cmd, std::filesystem::path& db) {
    db = cli::default_verifier_db();
    cmd->add_option("--db", db, "store directory; default BASE/verifier")->capture_default_str();
}

// These commands only read: a mistyped --db must not become an empty store, which Store::open
// would create. A store has its LMDB index (verifier/store.h: DIR/index/).
[[nodiscard]] core::Status existing_store(const std::filesystem::path& db) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(db / "index" / "data.mdb", ec)) return {};
    return core::fail(core::Errc::not_found,
                      fmt::format("{}: no store here (run `utxo-verifier fetch` first)", db.string()));
}

// The subcommand prints what `run(*options)` returns once it is parsed; with --json a negative
// verdict is an object too (cli/json.h).
template <class Options>
void on_parsed(CLI::App* cmd, std::shared_ptr<Options> options,
               core::Result<std::string> (*run)(const Options&), Action& action) {
    cmd->callback([options, run, &action] {
        action = [options, run]() -> core::Status {
            UTXO_TRY(existing_store(options->db));
            auto text = run(*options);
            if (!text) return cli::refused(text, options->json);
            fmt::print("{}", *text);
            return {};
        };
    });
}

void add_query_command(CLI::App& app, const char* name, const char* help,
                       core::Result<std::string> (*run)(const QueryOptions&), Action& action) {
    auto o = std::make_shared<QueryOptions>();
    auto* cmd = app.add_subcommand(name, help);
    add_db_option(cmd, o->db);
    cmd->add_option("--address", o->addresses, "address (repeatable)");
    cmd->add_option("--script", o->scripts, "scriptPubKey hex (repeatable)");
    cmd->add_flag("--json", o->json, "JSON output");
    on_parsed(cmd, o, run, action);
}

}  // namespace

void add_status_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<StatusOptions>();
    auto* cmd = app.add_subcommand("status", "show the installed release, its signed time and age");
    add_db_option(cmd, o->db);
    cmd->add_flag("--json", o->json, "one JSON object");
    cmd->add_option("--trustnet", o->trustnet,
                    "check the release's age against this trustnet's max-age (exit 3 when it is older)");
    cmd->callback([o, &action] {
        action = [o]() -> core::Status {
            UTXO_TRY(existing_store(o->db));
            auto report = run_status_report(*o);
            if (!report) return cli::refused(report, o->json);
            fmt::print("{}", report->text);
            std::fflush(stdout);  // before the alarm's line on stderr
            if (report->stale) return core::fail(core::Errc::stale, "stale: " + *report->stale);
            return {};
        };
    });
}

void add_check_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<CheckOptions>();
    auto* cmd = app.add_subcommand("check",
                                   "re-read every held shard file: canonical coins, counts and per-shard "
                                   "MuHash against the manifest (exit 1 on a mismatch)");
    add_db_option(cmd, o->db);
    cmd->add_flag("--json", o->json, "one JSON object");
    on_parsed(cmd, o, run_check, action);
}

void add_utxos_command(CLI::App& app, Action& action) {
    add_query_command(app, "utxos", "list the unspent outputs of addresses or scripts", run_utxos, action);
}

void add_balance_command(CLI::App& app, Action& action) {
    add_query_command(app, "balance", "sum the unspent outputs of addresses or scripts", run_balance, action);
}

void add_export_core_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<ExportCoreOptions>();
    auto* cmd = app.add_subcommand("export-core",
                                   "write a full store as a Bitcoin Core snapshot file (loadtxoutset)");
    add_db_option(cmd, o->db);
    cmd->add_option("--out", o->out, "snapshot file to create (must not exist)")->required();
    cmd->add_flag("--json", o->json, "one JSON object");
    on_parsed(cmd, o, run_export_core, action);
}

void add_serve_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<ServeCommandOptions>();
    auto log_file = std::make_shared<std::string>();
    auto* cmd =
        app.add_subcommand("serve",
                           "serve Esplora-compatible /address/:a/utxo, /scripthash/:h/utxo, "
                           "/blocks/tip/height, /blocks/tip/hash and /block-height/:h (under /, /api, "
                           "/<network>/api) over HTTP until SIGINT/SIGTERM; SIGHUP reopens --log-file and "
                           "reads --config again");
    add_db_option(cmd, o->db);
    cmd->add_option("--http", o->listen, "HOST:PORT to listen on (port 0: any free port)")->required();
    cmd->add_option("--max-connections", o->max_connections,
                    "open connections served at once; more get 503 (default 256)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
    cmd->add_option("--max-connections-per-ip", o->max_connections_per_ip,
                    "of those, open at once from one IPv4 address or IPv6 /64; more get 503 (default 16)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
    cmd->add_option("--base-path", o->base_path,
                    "also answer under this prefix (e.g. /esplora), besides /, /api and /<network>/api");
    cmd->add_option("--cors", o->cors,
                    "send Access-Control-Allow-Origin: ORIGIN (* or https://host[:port]) on every answer");
    cli::add_log_file_option(cmd, *log_file, &app);
    cmd->callback([o, log_file, &action] {
        action = [o, log_file]() -> core::Status {
            UTXO_TRY(existing_store(o->db));
            UTXO_TRY(cli::start_logging(*log_file));
            o->on_hangup = cli::hangup;
            return run_serve(*o, [](const std::string& line) {
                // Tests and scripts read this line to learn the port when 0 was asked for.
                fmt::print("{}\n", line);
                std::fflush(stdout);
            });
        };
    });
}

}  // namespace utxo::verifier

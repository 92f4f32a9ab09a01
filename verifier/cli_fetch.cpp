// `utxo-verifier fetch`: options onto FetchOptions, SIGINT/SIGTERM onto a stop flag, the lines of
// run_fetch onto stdout as they come (with --json, one object per line: cli_fetch_events.h).
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "cli/daemon.h"
#include "cli/default_dirs.h"
#include "cli/json.h"
#include "core/printable.h"
#include "net/endpoint.h"
#include "verifier/cli.h"
#include "verifier/cli_fetch_events.h"
#include "verifier/commands.h"
#include "verifier/esplora_route.h"
#include "verifier/fetch.h"
#include "verifier/follow.h"

namespace utxo::verifier {

namespace {

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_stop_signal(int) { g_stop.store(true); }

// Downloading and seeding stop cleanly at the next loop turn (within ~0.25 s).
void catch_stop_signals() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

// Lines carry names and URLs from seeders: never a terminal escape (core/printable.h).
void say(const std::string& line) {
    fmt::print("{}\n", core::printable(line));
    std::fflush(stdout);
}

void say_json(const std::string& line) { cli::print_json(fetch_event(core::printable(line))); }

// The last --json line of a fetch that ends well: what the store answers for now, as `status
// --json` has it (null when nothing is installed, e.g. no release offered to a new store).
nlohmann::ordered_json done_event(const std::filesystem::path& db) {
    nlohmann::ordered_json done{{"event", "done"}, {"ok", true}, {"release", nullptr}};
    if (auto status = run_status(StatusOptions{.db = db, .json = true, .trustnet = std::nullopt}))
        if (auto release = nlohmann::ordered_json::parse(*status, nullptr, false); !release.is_discarded())
            done["release"] = std::move(release);
    return done;
}

[[nodiscard]] core::Status fetch(const FetchOptions& options, bool json) {
    catch_stop_signals();
    const Say tell = json ? say_json : say;
    auto outcome = run_fetch(options, g_stop, tell);
    if (!outcome) {
        core::Error e{outcome.error().code, core::printable(outcome.error().message)};
        if (json && e.code == core::Errc::rejected)
            cli::print_json(
                nlohmann::ordered_json{{"event", "refused"}, {"ok", false}, {"error", e.message}});
        return std::unexpected(std::move(e));
    }
    for (const auto& line : outcome->lines) tell(line);
    if (json) {
        auto done = done_event(options.db);
        done["stale"] = outcome->stale ? nlohmann::ordered_json(*outcome->stale) : nlohmann::ordered_json();
        cli::print_json(done);
    }
    // The freeze alarm: the release is installed (or kept), and it is too old; exit 3.
    std::fflush(stdout);
    if (outcome->stale) return core::fail(core::Errc::stale, "stale: " + *outcome->stale);
    return {};
}

}  // namespace

namespace {

// The seconds options of fetch and follow, set onto FetchOptions once parsed.
struct Timeouts {
    long seed = 600, stall = 120, discovery = 60;
};

// The options fetch and follow share: where releases come from, which shards, BitTorrent, the DHT.
void add_fetch_options(CLI::App* cmd, FetchOptions& o, Timeouts& t) {
    cmd->add_option("--trustnet", o.trustnet, "the trustnet file (authorities and policy)")->required();
    cmd->add_option("--seeder", o.seeders, "a seeder's base URL, e.g. http://127.0.0.1:8080 (repeatable)");
    o.db = cli::default_verifier_db();
    cmd->add_option("--db", o.db, "the store directory; default BASE/verifier")->capture_default_str();
    auto* addr = cmd->add_option("--address", o.addresses,
                                 "wallet mode: fetch the shard of this address (repeatable)");
    auto* script = cmd->add_option("--script", o.scripts,
                                   "wallet mode: fetch the shard of this scriptPubKey hex (repeatable)");
    auto* all = cmd->add_flag("--all", o.all, "fetch every shard (the default for a new store)");
    all->excludes(addr)->excludes(script);
    cmd->add_option("--seed-ratio", o.seed_ratio, "seed until uploaded >= R x downloaded; 0 stops at once")
        ->default_val(2.0)
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag(
        "--no-web-seeds", [&o](std::int64_t) { o.web_seeds = false; },
        "BitTorrent peers only: ignore the torrents' web seeds");
    cmd->add_option("--stall-timeout", t.stall, "fail a download that gains nothing for this many seconds")
        ->default_val(120)
        ->check(CLI::PositiveNumber);
    cmd->add_option("--discovery-timeout", t.discovery,
                    "give up finding a release after this many seconds (all sources together)")
        ->default_val(60)
        ->check(CLI::Range(1L, 3600L));
    cmd->add_option("--listen", o.listen, "BitTorrent listen interfaces, libtorrent syntax")
        ->default_val(o.listen);
    cmd->add_flag("--dht", o.dht,
                  "find releases and peers in the BitTorrent DHT: each trustnet authority's signed pointer "
                  "(no --seeder needed)");
    cmd->add_option(
        "--dht-node", o.dht_nodes,
        "with --dht: bootstrap from this DHT node HOST:PORT instead of the public DHT (repeatable)");
    cmd->add_option("--dht-listen", o.dht_listen,
                    "with --dht: the address of the node that gets the pointers")
        ->default_val(o.dht_listen);
}

void apply(FetchOptions& o, const Timeouts& t) {
    o.discovery_timeout = std::chrono::seconds(t.discovery);
    o.seed_timeout = std::chrono::seconds(t.seed);
    o.stall_timeout = std::chrono::seconds(t.stall);
}

std::atomic<bool> g_check_now{false};
extern "C" void on_hangup_signal(int) { g_check_now.store(true); }

[[nodiscard]] core::Status follow(FollowOptions& options, bool json) {
    catch_stop_signals();
    struct sigaction sa {};
    sa.sa_handler = on_hangup_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGHUP, &sa, nullptr);
    const Say tell = json ? say_json : say;
    options.serve.on_listening = [&tell, &options](std::uint16_t port) {
        tell(fmt::format("listening on {}:{}", options.serve.host, port));
    };
    options.on_hangup = cli::hangup;  // SIGHUP: reopen the log, read --config again; then a round
    return run_follow(options, g_stop, g_check_now, tell);
}

}  // namespace

void add_fetch_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<FetchOptions>();
    auto json = std::make_shared<bool>(false);
    auto t = std::make_shared<Timeouts>();
    auto* cmd = app.add_subcommand("fetch",
                                   "find the newest release the trustnet accepts, download it over "
                                   "BitTorrent, verify and install it, then seed");
    add_fetch_options(cmd, *o, *t);
    cmd->add_option("--seed-timeout", t->seed, "stop seeding after this many seconds")
        ->default_val(600)
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--json", *json, "one JSON object per line: each step as it happens, then done or refused");
    cmd->callback([o, json, t, &action] {
        apply(*o, *t);
        o->progress = ::isatty(STDERR_FILENO) == 1;
        action = [o, json] { return fetch(*o, *json); };
    });
}

void add_follow_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<FollowOptions>();
    auto json = std::make_shared<bool>(false);
    auto t = std::make_shared<Timeouts>();
    auto interval = std::make_shared<long>(600);
    auto http = std::make_shared<std::string>();
    auto log_file = std::make_shared<std::string>();
    auto base_path = std::make_shared<std::string>(), cors = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand(
        "follow",
        "stay current: a fetch round every --interval, seeding the held release in between (to "
        "--seed-ratio, or always with --seed-forever), optionally serving the Esplora API, the status page "
        "and /metrics (--http); until SIGINT/SIGTERM; SIGHUP starts a round at once and reopens --log-file");
    add_fetch_options(cmd, o->fetch, *t);
    cmd->add_option("--interval", *interval, "seconds from the start of one round to the next")
        ->default_val(600)
        ->check(CLI::Range(1L, 86400L));
    cmd->add_flag("--seed-forever", o->seed_forever, "seed the held release whatever the ratio (volunteers)");
    cmd->add_option("--http", *http, "also serve the Esplora API, the status page and /metrics on HOST:PORT");
    cmd->add_option("--max-connections", o->serve.max_connections,
                    "with --http: open connections served at once; more get 503 (default 256)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
    cmd->add_option("--max-connections-per-ip", o->serve.max_connections_per_ip,
                    "with --http: of those, open at once from one IPv4 address or IPv6 /64 (default 16)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
    cmd->add_option("--base-path", *base_path, "with --http: also answer under this prefix (e.g. /esplora)");
    cmd->add_option("--cors", *cors, "with --http: send Access-Control-Allow-Origin: ORIGIN on every answer");
    cmd->add_flag("--json", *json, "one JSON object per line, one per event");
    cli::add_log_file_option(cmd, *log_file, &app);
    cmd->callback([o, json, t, interval, http, log_file, base_path, cors, &action] {
        apply(o->fetch, *t);
        o->interval = std::chrono::seconds(*interval);
        action = [o, json, http, log_file, base_path, cors]() -> core::Status {
            UTXO_TRY(cli::start_logging(*log_file));
            if (!http->empty()) {
                UTXO_TRY_ASSIGN(auto hp, net::parse_host_port(*http));
                o->http = true;
                o->serve.host = hp.host;
                o->serve.port = hp.port;
                if (!base_path->empty()) {
                    UTXO_TRY_ASSIGN(o->serve.esplora.base_path, normalize_base_path(*base_path));
                }
                if (!cors->empty()) UTXO_TRY(check_cors_origin(*cors));
                o->serve.esplora.cors_origin = *cors;
            }
            return follow(*o, *json);
        };
    });
}

}  // namespace utxo::verifier

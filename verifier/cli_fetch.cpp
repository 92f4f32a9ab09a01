// `utxo-verifier fetch`: options onto FetchOptions, SIGINT/SIGTERM onto a stop flag, the lines of
// run_fetch onto stdout as they come (with --json, one object per line: cli_fetch_events.h).
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "cli/default_dirs.h"
#include "cli/json.h"
#include "core/printable.h"
#include "verifier/cli.h"
#include "verifier/cli_fetch_events.h"
#include "verifier/commands.h"
#include "verifier/fetch.h"

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
    if (auto status = run_status(StatusOptions{db, true}))
        if (auto release = nlohmann::ordered_json::parse(*status, nullptr, false); !release.is_discarded())
            done["release"] = std::move(release);
    return done;
}

[[nodiscard]] core::Status fetch(const FetchOptions& options, bool json) {
    catch_stop_signals();
    const Say tell = json ? say_json : say;
    auto lines = run_fetch(options, g_stop, tell);
    if (!lines) {
        core::Error e{lines.error().code, core::printable(lines.error().message)};
        if (json && e.code == core::Errc::rejected)
            cli::print_json(
                nlohmann::ordered_json{{"event", "refused"}, {"ok", false}, {"error", e.message}});
        return std::unexpected(std::move(e));
    }
    for (const auto& line : *lines) tell(line);
    if (json) cli::print_json(done_event(options.db));
    return {};
}

}  // namespace

void add_fetch_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<FetchOptions>();
    auto json = std::make_shared<bool>(false);
    auto seed_timeout = std::make_shared<long>(600), stall_timeout = std::make_shared<long>(120),
         discovery_timeout = std::make_shared<long>(60);
    auto* cmd = app.add_subcommand("fetch",
                                   "find the newest release the trustnet accepts, download it over "
                                   "BitTorrent, verify and install it, then seed");
    cmd->add_option("--trustnet", o->trustnet, "the trustnet file (authorities and policy)")->required();
    cmd->add_option("--seeder", o->seeders, "a seeder's base URL, e.g. http://127.0.0.1:8080 (repeatable)");
    o->db = cli::default_verifier_db();
    cmd->add_option("--db", o->db, "the store directory; default BASE/verifier")->capture_default_str();
    auto* addr = cmd->add_option("--address", o->addresses,
                                 "wallet mode: fetch the shard of this address (repeatable)");
    auto* script = cmd->add_option("--script", o->scripts,
                                   "wallet mode: fetch the shard of this scriptPubKey hex (repeatable)");
    auto* all = cmd->add_flag("--all", o->all, "fetch every shard (the default for a new store)");
    all->excludes(addr)->excludes(script);
    cmd->add_option("--seed-ratio", o->seed_ratio, "seed until uploaded >= R x downloaded; 0 stops at once")
        ->default_val(2.0)
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--seed-timeout", *seed_timeout, "stop seeding after this many seconds")
        ->default_val(600)
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag(
        "--no-web-seeds", [o](std::int64_t) { o->web_seeds = false; },
        "BitTorrent peers only: ignore the torrents' web seeds");
    cmd->add_option("--stall-timeout", *stall_timeout,
                    "fail a download that gains nothing for this many seconds")
        ->default_val(120)
        ->check(CLI::PositiveNumber);
    cmd->add_option("--discovery-timeout", *discovery_timeout,
                    "give up finding a release after this many seconds (all sources together)")
        ->default_val(60)
        ->check(CLI::Range(1L, 3600L));
    cmd->add_option("--listen", o->listen, "BitTorrent listen interfaces, libtorrent syntax")
        ->default_val(o->listen);
    cmd->add_flag("--dht", o->dht,
                  "find releases and peers in the BitTorrent DHT: each trustnet authority's signed pointer "
                  "(no --seeder needed)");
    cmd->add_option(
        "--dht-node", o->dht_nodes,
        "with --dht: bootstrap from this DHT node HOST:PORT instead of the public DHT (repeatable)");
    cmd->add_option("--dht-listen", o->dht_listen,
                    "with --dht: the address of the node that gets the pointers")
        ->default_val(o->dht_listen);
    cmd->add_flag("--json", *json, "one JSON object per line: each step as it happens, then done or refused");
    cmd->callback([o, json, seed_timeout, stall_timeout, discovery_timeout, &action] {
        o->discovery_timeout = std::chrono::seconds(*discovery_timeout);
        o->seed_timeout = std::chrono::seconds(*seed_timeout);
        o->stall_timeout = std::chrono::seconds(*stall_timeout);
        o->progress = ::isatty(STDERR_FILENO) == 1;
        action = [o, json] { return fetch(*o, *json); };
    });
}

}  // namespace utxo::verifier

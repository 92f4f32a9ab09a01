// The world of the fetch end-to-end tests (fetch_tests.cpp, fetch_dht_tests.cpp): a synthetic
// chain indexed by three authorities who sign, a trustnet requiring all three, an alternative
// 8-shard release for conflicts, a tracker, seeders over copies of the releases, and fetch run as
// the real binary on 127.0.0.1.
#pragma once
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <thread>

#include "fixture_cache.h"
#include "test_process.h"
#include "test_support.h"
#include "verifier/fetch_url.h"

namespace fetch_world {

using test::q;
using test::run;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline const std::string indexer = test::bin("utxo-indexer").string();
inline const std::string signer = test::bin("utxo-signer").string();
inline const std::string trustnet_bin = test::bin("utxo-trustnet").string();
inline const std::string seeder = test::bin("utxo-seeder").string();
inline const std::string verifier = test::bin("utxo-verifier").string();

// A child process that is killed (SIGKILL) and reaped when this goes out of scope, whatever
// happened to the test; PR_SET_PDEATHSIG also takes it down if the test binary itself dies.
using test::free_port;
using test::Process;

inline std::string sh_join(const std::vector<std::string>& args) {
    std::string s;
    for (const auto& a : args) s += "'" + a + "' ";
    return s;
}

inline std::string slurp(const fs::path& p) {
    auto b = test::read_file(p);
    return {b.begin(), b.end()};
}

inline fs::path release_dir(const fs::path& releases, int height) {
    for (const auto& e : fs::directory_iterator(releases / "regtest"))
        if (e.path().filename().string().starts_with(std::to_string(height) + "-")) return e.path();
    FAIL("no release at height " << height << " in " << releases);
    return {};
}

// What a world's chain and releases look like. The default: 300 blocks of 60 transactions, a
// release every 50 blocks (50 ... 250) in 16 shards, and the same chain in 8 shards for conflicts.
struct WorldSpec {
    int blocks = 300;
    int txs_per_block = 60;
    int release_every = 50;
    int shards = 16;
    bool alt = true;  // also cut the chain into 8 shards (rel-alt)
};

// Everything the scenarios share, made once: a chain, three authorities' releases, their keys, a
// trustnet requiring all three, an alternative release for conflicts, and a tracker.
struct World {
    WorldSpec spec;
    test::TempDir dir;
    fs::path chain = dir / "chain.dat";
    std::vector<std::string> names{"alice", "bob", "carol"};
    fs::path trustnet = dir / "trustnet";
    fs::path alt = dir / "rel-alt";  // the same chain cut into 8 shards: another manifest at each height
    int tracker_port = free_port();
    std::unique_ptr<Process> tracker;

    fs::path releases(const std::string& who) const { return dir / ("rel-" + who); }

    std::string run_indexer(const fs::path& rel, int shards) const {
        return indexer + " run --source blocks:" + q(chain) + " --network regtest --db " +
               q(rel.string() + ".db") + " --releases " + q(rel) + " --release-every " +
               std::to_string(spec.release_every) + " --confirmations 3 --shards " + std::to_string(shards);
    }

    explicit World(WorldSpec s = {}) : spec(s) {
        const std::string name =
            "fetch-world-" + std::to_string(spec.blocks) + "-" + std::to_string(spec.txs_per_block) + "-" +
            std::to_string(spec.release_every) + "-" + std::to_string(spec.shards) + (spec.alt ? "-alt" : "");
        test::cached_fixture(name, {indexer, signer, trustnet_bin}, dir.path(), [this] { build(); });
        start_tracker();
    }

    // The chain, the authorities' keys and releases, the trustnet and the alternative releases.
    void build() {
        auto hex = dir / "chain.hex";
        REQUIRE(run(indexer + " synth --out " + q(hex) + " --blocks " + std::to_string(spec.blocks) +
                    " --txs-per-block " + std::to_string(spec.txs_per_block) + " --seed 21")
                    .exit_code == 0);
        test::write_blk_file(chain, test::read_lines(hex));
        REQUIRE(run(trustnet_bin + " init " + q(trustnet) + " --network regtest").exit_code == 0);
        for (const auto& n : names) {
            auto r = run(run_indexer(releases(n), spec.shards));
            INFO(r.out);
            REQUIRE(r.exit_code == 0);
            REQUIRE(run(signer + " keygen --unencrypted --out " + q(dir / (n + ".key")) + " --pub " +
                        q(dir / (n + ".pub")))
                        .exit_code == 0);
            REQUIRE(
                run(trustnet_bin + " add " + q(trustnet) + " " + n + " " + q(dir / (n + ".pub"))).exit_code ==
                0);
        }
        if (spec.alt) REQUIRE(run(run_indexer(alt, 8)).exit_code == 0);
        // The indexers' stores served only to cut the releases.
        for (const auto& n : names) fs::remove_all(releases(n).string() + ".db");
        fs::remove_all(alt.string() + ".db");
    }

    void start_tracker() {
        // Debian's opentracker tracks only whitelisted infohashes: every torrent the tests serve.
        // Started as root it chroots into -d and drops to "nobody", so that directory and the list
        // must be world-readable, and the list is named relative to it.
        auto tracker_dir = dir / "tracker";
        fs::create_directories(tracker_dir);
        fs::permissions(tracker_dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                         fs::perms::others_read | fs::perms::others_exec);
        auto whitelist = tracker_dir / "whitelist";
        {
            std::ofstream out(whitelist);
            for (const auto& root : {releases("alice"), alt})
                if (fs::exists(root))
                    for (const auto& e : fs::directory_iterator(root / "regtest")) {
                        auto m = test::read_json(e.path() / "manifest.json");
                        for (const auto& t : m["torrents"])
                            if (t.is_string()) out << t.get<std::string>() << "\n";
                    }
        }
        tracker = std::make_unique<Process>(
            std::vector<std::string>{"/usr/bin/opentracker", "-i", "127.0.0.1", "-p",
                                     std::to_string(tracker_port), "-P", std::to_string(tracker_port), "-d",
                                     tracker_dir.string(), "-w", "whitelist"},
            dir / "tracker.log");
    }

    std::string tracker_url() const {
        return "http://127.0.0.1:" + std::to_string(tracker_port) + "/announce";
    }
};

inline World& world() {
    static World w;
    return w;
}

// A chain whose UTXO set is large beside what one release changes (about 10 % of it), a release
// every 10 blocks (10 ... 490), as a node that follows the chain sees it (patch chains, follow).
inline World& chain_world() {
    static World w(
        WorldSpec{.blocks = 500, .txs_per_block = 20, .release_every = 10, .shards = 16, .alt = false});
    return w;
}

// A releases directory for one seeder: copies of alice's releases at `heights` (or of `from`),
// signed by `signers`, each against their own release (so a signature means real agreement).
// Adding heights to an existing directory (a seeder that sees new releases appear) is fine.
inline fs::path serve_dir(const std::string& tag, const std::vector<int>& heights,
                          const std::vector<std::string>& signers, const fs::path& from = {},
                          World& w = world(), const std::string& sign_args = "") {
    fs::path root = w.dir / ("served-" + tag);
    for (int h : heights) {
        fs::path src = release_dir(from.empty() ? w.releases("alice") : from, h);
        fs::path dst = root / "regtest" / src.filename();
        fs::create_directories(dst.parent_path());
        // Copied under a hidden name and renamed, so a running seeder never lists half a release.
        fs::path tmp = root / "regtest" / ("." + src.filename().string());
        fs::remove_all(tmp);
        fs::copy(src, tmp, fs::copy_options::recursive);
        for (const auto& s : signers) {
            fs::path own = release_dir(from.empty() ? w.releases(s) : from, h);
            auto r = run(signer + " sign --key " + q(w.dir / (s + ".key")) + " --release " + q(tmp) +
                         " --own " + q(own) + " " + sign_args);
            INFO(r.out);
            REQUIRE(r.exit_code == 0);
        }
        fs::rename(tmp, dst);
    }
    return root;
}

struct Seeder {
    int bt_port = free_port();
    int http_port = free_port();
    std::unique_ptr<Process> process;

    explicit Seeder(const fs::path& releases, const std::vector<std::string>& extra = {},
                    World& w = world()) {
        std::vector<std::string> argv{seeder,
                                      "--releases",
                                      releases.string(),
                                      "--listen",
                                      "127.0.0.1:" + std::to_string(bt_port),
                                      "--http",
                                      "127.0.0.1:" + std::to_string(http_port),
                                      "--tracker",
                                      w.tracker_url()};
        argv.insert(argv.end(), extra.begin(), extra.end());
        process = std::make_unique<Process>(argv, releases.string() + ".log");
        if (!list_has("\"height\"", 15s))
            FAIL("the seeder did not list its releases: " << slurp(releases.string() + ".log"));
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(http_port); }
    // Waits until the seeder's release list names `height` (it rescans its directory on its own).
    bool lists(int height, std::chrono::seconds timeout = 15s) const {
        return list_has("\"height\":" + std::to_string(height) + ",", timeout);  // docs/seeder-http.md
    }

private:
    // Waits until GET /v1/releases holds `text`.
    bool list_has(const std::string& text, std::chrono::seconds timeout) const {
        auto list = utxo::verifier::parse_http_url(url() + "/v1/releases");
        for (auto until = std::chrono::steady_clock::now() + timeout;
             std::chrono::steady_clock::now() < until;) {
            auto body = utxo::verifier::seeder_get(*list);
            if (body && *body && (*body)->find(text) != std::string::npos) return true;
            std::this_thread::sleep_for(100ms);
        }
        return false;
    }
};

inline std::vector<std::string> fetch_args(const fs::path& db, const std::vector<const Seeder*>& seeders,
                                           const std::vector<std::string>& extra = {}, World& w = world()) {
    std::vector<std::string> a{
        verifier, "fetch",     "--trustnet", w.trustnet.string(),
        "--db",   db.string(), "--listen",   "127.0.0.1:" + std::to_string(free_port())};
    for (const auto* s : seeders) a.insert(a.end(), {"--seeder", s->url()});
    a.insert(a.end(), extra.begin(), extra.end());
    if (std::find(extra.begin(), extra.end(), "--seed-ratio") == extra.end())
        a.insert(a.end(), {"--seed-ratio", "0"});
    return a;
}

inline test::CommandResult fetch(const fs::path& db, const std::vector<const Seeder*>& seeders,
                                 const std::vector<std::string>& extra = {}, const std::string& env = "") {
    return run(env + " timeout -s KILL 90 " + sh_join(fetch_args(db, seeders, extra)));
}

// `status --json`, or null when the store answers for nothing.
inline nlohmann::json store_status(const fs::path& db) {
    auto r = run(verifier + " status --json --db " + q(db));
    if (r.exit_code != 0) return nullptr;
    auto start = r.out.find('{');
    return start == std::string::npos ? nlohmann::json() : nlohmann::json::parse(r.out.substr(start));
}

// A store's status without its age (which moves with the clock): what "the store is unchanged"
// compares.
inline nlohmann::json without_age(nlohmann::json status) {
    if (status.is_object()) status.erase("age_seconds");
    return status;
}
inline nlohmann::json held_release(const fs::path& db) { return without_age(store_status(db)); }

// The shard files a directory holds, by name, with their bytes.
inline std::map<std::string, utxo::core::Bytes> shard_files(const fs::path& release) {
    std::map<std::string, utxo::core::Bytes> out;
    for (const auto& e : fs::directory_iterator(release / "shards"))
        out[e.path().filename().string()] = test::read_file(e.path());
    return out;
}

// The exact byte count fetch reports: "... (N bytes downloaded)".
inline std::uint64_t downloaded_bytes(const std::string& out) {
    auto end = out.find(" bytes downloaded)");
    REQUIRE(end != std::string::npos);
    auto start = out.rfind(' ', end - 1);
    return std::stoull(out.substr(start + 1, end - start - 1));
}

inline std::uint64_t shards_total(int height, World& w = world()) {
    std::uint64_t n = 0;
    for (const auto& [name, bytes] : shard_files(release_dir(w.releases("alice"), height))) n += bytes.size();
    return n;
}

inline std::uint64_t patches_total(int height, World& w = world()) {
    std::uint64_t n = 0;
    for (const auto& e : fs::directory_iterator(release_dir(w.releases("alice"), height) / "patches"))
        n += fs::file_size(e.path());
    return n;
}

}  // namespace fetch_world

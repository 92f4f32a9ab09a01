// `utxo-verifier fetch` end to end with the real binaries on 127.0.0.1: three authorities index the
// same synthetic chain independently and sign, utxo-seeder serves the releases (BitTorrent, HTTP
// index, web seed), opentracker tracks, and fetch discovers, agrees, downloads, installs, moves
// forward with patches, refuses what it must, and survives kill -9.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "cli/cli_test_support.h"
#include "core/address.h"
#include "core/dir_lock.h"
#include "core/manifest.h"
#include "core/shard.h"
#include "fetch_world.h"
#include "test_process.h"
#include "test_support.h"
#include "verifier/fetch_url.h"

using test::q;
using test::run;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

using namespace fetch_world;

TEST_CASE("fetch installs the newest release all authorities signed, with every shard file", "[fetch]") {
    auto& w = world();
    Seeder s(serve_dir("full", {200, 250}, w.names));
    test::TempDir db;
    auto r = fetch(db.path(), {&s});
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("release regtest height 250 accepted: signed by alice, bob, carol") !=
          std::string::npos);
    auto st = store_status(db.path());
    REQUIRE(st.is_object());
    CHECK(st["height"] == 250);
    CHECK(st["full"] == true);
    CHECK(st["authorities"] == nlohmann::json({"alice", "bob", "carol"}));
    CHECK(shard_files(st["dir"].get<std::string>()) == shard_files(release_dir(w.releases("alice"), 250)));
    CHECK(downloaded_bytes(r.out) >= shards_total(250));
    auto text = run(verifier + " status --db " + q(db.path()));
    CHECK(text.out.find("alice, bob, carol") != std::string::npos);

    auto again = fetch(db.path(), {&s});
    CHECK(again.exit_code == 0);
    CHECK(again.out.find("no release above the installed height 250") != std::string::npos);
}

namespace {

// fetch with -v: its log says how the pieces were hashed.
test::CommandResult fetch_verbose(const fs::path& db, const std::vector<const Seeder*>& seeders,
                                  const std::vector<std::string>& extra = {}) {
    auto args = fetch_args(db, seeders, extra);
    args.insert(args.begin() + 1, "-v");
    return run("timeout -s KILL 90 " + sh_join(args));
}

// "piece hashes: N taken while writing, M read back from disk; B blocks written in W writes"
struct DiskCounts {
    int from_memory = 0, read_back = 0, blocks = 0, writes = 0;
};
DiskCounts disk_counts(const std::string& out) {
    auto at = out.find("piece hashes: ");
    REQUIRE(at != std::string::npos);
    DiskCounts c;
    REQUIRE(
        std::sscanf(
            out.c_str() + at,
            "piece hashes: %d taken while writing, %d read back from disk; %d blocks written in %d writes",
            &c.from_memory, &c.read_back, &c.blocks, &c.writes) == 4);
    return c;
}

}  // namespace

TEST_CASE("Pieces are hashed from the blocks as they are written, written whole, and the files are exact",
          "[fetch]") {
    auto& w = world();
    Seeder s(serve_dir("hashing", {250}, w.names));
    test::TempDir db;
    auto r = fetch_verbose(db.path(), {&s});
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    auto c = disk_counts(r.out);
    CHECK(c.from_memory > 0);
    CHECK(c.from_memory >= c.read_back);  // read-back is the exception (out-of-order or repeated blocks)
    CHECK(c.writes < c.blocks);           // in-order blocks of a piece went to disk together
    auto st = store_status(db.path());
    CHECK(shard_files(st["dir"].get<std::string>()) == shard_files(release_dir(w.releases("alice"), 250)));
}

TEST_CASE("Wallet mode downloads and installs only the shards of the given addresses and scripts",
          "[fetch]") {
    auto& w = world();
    Seeder s(serve_dir("wallet", {250}, w.names));
    test::TempDir db;
    auto rel = release_dir(w.releases("alice"), 250);
    std::vector<std::string> args;
    std::set<std::string> want;
    for (std::uint32_t i : {3u, 11u}) {
        auto reader = utxo::core::ShardReader::open(rel / "shards" / utxo::core::shard_file_name(i));
        REQUIRE(reader);
        std::optional<std::string> address;
        std::string script;
        // An address for the first shard when the set has one there, a raw script otherwise.
        while (auto c = reader->next()) {
            if (!*c) break;
            script = utxo::core::to_hex((*c)->second.script);
            if (i == 3)
                address = utxo::core::script_to_address((*c)->second.script, utxo::core::Network::regtest);
            if (address || i != 3) break;
        }
        REQUIRE(!script.empty());
        if (address)
            args.insert(args.end(), {"--address", *address});
        else
            args.insert(args.end(), {"--script", script});
        want.insert(utxo::core::shard_file_name(i));
    }
    auto r = fetch(db.path(), {&s}, args);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("2 of 16 shards") != std::string::npos);
    auto st = store_status(db.path());
    REQUIRE(st.is_object());
    CHECK(st["full"] == false);
    CHECK(st["shards"] == nlohmann::json({3, 11}));
    auto held = shard_files(st["dir"].get<std::string>());
    std::set<std::string> names;
    for (const auto& [name, bytes] : held) {
        names.insert(name);
        CHECK(bytes == test::read_file(rel / "shards" / name));
    }
    CHECK(names == want);
    // Pieces are 64 KiB, so a few neighbours' bytes come along, but far from the whole set.
    CHECK(downloaded_bytes(r.out) < shards_total(250) / 2);

    // The same addresses again: nothing newer, nothing to add.
    auto again = fetch(db.path(), {&s}, args);
    INFO(again.out);
    CHECK(again.exit_code == 0);
    CHECK(again.out.find("no release above the installed height 250") != std::string::npos);

    // One more script, from shard 5: only that shard is fetched, of the release already installed.
    auto reader = utxo::core::ShardReader::open(rel / "shards" / utxo::core::shard_file_name(5));
    REQUIRE(reader);
    auto first = reader->next();
    REQUIRE(first);
    REQUIRE(first->has_value());
    args.insert(args.end(), {"--script", utxo::core::to_hex((*first)->second.script)});
    auto more = fetch(db.path(), {&s}, args);
    INFO(more.out);
    REQUIRE(more.exit_code == 0);
    CHECK(more.out.find("3 of 16 shards") != std::string::npos);
    const auto shard5 = fs::file_size(rel / "shards" / utxo::core::shard_file_name(5));
    CHECK(downloaded_bytes(more.out) < shard5 + 2 * 65536);
    auto st2 = store_status(db.path());
    REQUIRE(st2.is_object());
    CHECK(st2["height"] == 250);
    CHECK(st2["shards"] == nlohmann::json({3, 5, 11}));
    for (const auto& [name, bytes] : shard_files(st2["dir"].get<std::string>()))
        CHECK(bytes == test::read_file(rel / "shards" / name));
    CHECK(shard_files(st2["dir"].get<std::string>()).size() == 3);
}

TEST_CASE("A release two of three authorities signed is refused under require all", "[fetch]") {
    Seeder s(serve_dir("two", {250}, {"alice", "bob"}));
    test::TempDir db;
    auto r = fetch(db.path(), {&s});
    INFO(r.out);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("missing: carol") != std::string::npos);
    CHECK(store_status(db.path()).is_null());
}

TEST_CASE("A signed conflicting manifest for the same height is reported and nothing is installed",
          "[fetch]") {
    auto& w = world();
    Seeder good(serve_dir("good", {250}, w.names));
    Seeder other(serve_dir("alt", {250}, {"carol"}, w.alt));  // carol also signed an 8-shard manifest
    test::TempDir db;
    auto r = fetch(db.path(), {&good, &other});
    INFO(r.out);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("conflict at regtest height 250") != std::string::npos);
    CHECK(r.out.find("carol signed") != std::string::npos);
    CHECK(r.out.find(good.url()) != std::string::npos);
    CHECK(r.out.find(other.url()) != std::string::npos);
    CHECK(store_status(db.path()).is_null());
}

namespace {

std::uint64_t allocated_bytes(const fs::path& root) {
    std::uint64_t n = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        struct stat sb {};
        if (it->is_regular_file(ec) && ::stat(it->path().c_str(), &sb) == 0)
            n += static_cast<std::uint64_t>(sb.st_blocks) * 512;
    }
    return n;
}

// A counter from the seeder's Prometheus text.
std::uint64_t metric(const Seeder& s, const std::string& name) {
    auto got = utxo::verifier::seeder_get(*utxo::verifier::parse_http_url(s.url() + "/metrics"));
    REQUIRE(got);
    REQUIRE(*got);
    const std::string& body = **got;
    auto at = body.find("\n" + name + " ");
    REQUIRE(at != std::string::npos);
    return std::stoull(body.substr(at + name.size() + 2));
}

void install_height(const fs::path& db, int height, const std::string& tag) {
    Seeder s(serve_dir(tag, {height}, world().names));
    auto r = fetch(db, {&s});
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    REQUIRE(store_status(db)["height"] == height);
}

}  // namespace

TEST_CASE("A store at 150 moves forward to 200 with the patches of its shards", "[fetch]") {
    auto& w = world();
    test::TempDir db;
    install_height(db.path(), 150, "fw150");
    Seeder s(serve_dir("fw200", {150, 200}, w.names));
    auto r = fetch(db.path(), {&s});
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("moved forward with patches") != std::string::npos);
    auto st = store_status(db.path());
    CHECK(st["height"] == 200);
    CHECK(shard_files(st["dir"].get<std::string>()) == shard_files(release_dir(w.releases("alice"), 200)));
    // Only patch files came over the wire. (In this small fixture the patches are about as big as
    // the shards, so compare with the patches themselves, allowing for BitTorrent's end-game
    // duplicates; fetching the shards as well would at least double it.)
    CHECK(downloaded_bytes(r.out) >= patches_total(200));
    CHECK(downloaded_bytes(r.out) < patches_total(200) * 3 / 2);
}

TEST_CASE("A tampered shard from the seeder is rejected and the store keeps its release", "[fetch]") {
    auto& w = world();
    test::TempDir db;
    install_height(db.path(), 100, "t100");
    auto before = held_release(db.path());
    auto before_files = shard_files(before["dir"].get<std::string>());
    fs::path served = serve_dir("tampered", {250}, w.names);
    fs::path shard = release_dir(served, 250) / "shards" / utxo::core::shard_file_name(5);
    auto bytes = test::read_file(shard);
    bytes[bytes.size() / 2] ^= 0x01;  // same size, one bit: only the hashes can tell
    test::write_file(shard, bytes);
    Seeder s(served);
    auto r = fetch_verbose(db.path(), {&s}, {"--stall-timeout", "4"});
    INFO(r.out);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("failed the torrent's hash check") != std::string::npos);
    CHECK(disk_counts(r.out).from_memory > 0);  // the pieces hashed while written were checked too
    auto after = held_release(db.path());
    CHECK(after == before);
    CHECK(shard_files(after["dir"].get<std::string>()) == before_files);
}

TEST_CASE("A second fetch on a store exits 2 at once naming the holder's PID, the store unchanged",
          "[fetch]") {
    test::TempDir db;
    install_height(db.path(), 100, "lock100");
    Seeder s(serve_dir("lock200", {200}, world().names));
    const auto before = held_release(db.path());
    {
        auto lock = utxo::core::DirLock::take(db.path());  // this test process is the other writer
        REQUIRE(lock);
        auto files = [&] {  // every file and directory of the store, with the size of each file
            std::vector<std::string> out;
            for (const auto& e : fs::recursive_directory_iterator(db.path()))
                out.push_back(fs::relative(e.path(), db.path()).string() + " " +
                              (e.is_regular_file() ? std::to_string(e.file_size()) : "dir"));
            std::sort(out.begin(), out.end());
            return out;
        };
        const auto files_before = files();
        const auto started = std::chrono::steady_clock::now();
        auto r = fetch(db.path(), {&s});
        INFO(r.out);
        CHECK(r.exit_code == 2);
        CHECK(r.out.find(db.path().string() + ": in use by another process (PID " +
                         std::to_string(::getpid()) + "); wait for it to finish") != std::string::npos);
        CHECK(std::chrono::steady_clock::now() - started < 10s);  // at once, not after discovery
        CHECK(held_release(db.path()) == before);                 // readers do not need the lock
        CHECK(files() == files_before);
    }
    auto r = fetch(db.path(), {&s});
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(store_status(db.path())["height"] == 200);
}

TEST_CASE("kill -9 during download and during install leaves the old release, fetch resumes", "[fetch]") {
    auto& w = world();
    test::TempDir db;
    install_height(db.path(), 100, "k100");  // 200 does not patch from 100: the shards are downloaded
    // A slow seeder (BitTorrent capped, web seed pointing nowhere) so the kill lands mid-download.
    Seeder s(serve_dir("k200", {200}, w.names),
             {"--upload-rate", "150000", "--public-url", "http://127.0.0.1:" + std::to_string(free_port())});
    const std::uint64_t total = shards_total(200);
    {
        Process p(fetch_args(db.path(), {&s}), db.path().string() + ".fetch1.log");
        auto staging = db.path() / "staging";
        auto until = std::chrono::steady_clock::now() + 30s;
        while (p.running() && allocated_bytes(staging) < total / 3 &&
               std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(50ms);
        REQUIRE(p.running());  // still downloading: the kill interrupts it
        p.kill9();
    }
    CHECK(store_status(db.path())["height"] == 100);
    const std::uint64_t first = metric(s, "utxo_seeder_bytes_uploaded_total");
    CHECK(first < total);

    // Resume, then die inside install (after the staged release was moved into place).
    auto crashed = fetch(db.path(), {&s}, {}, "UTXO_VERIFIER_CRASH_AT=renamed");
    INFO(crashed.out);
    CHECK(crashed.exit_code != 0);
    CHECK(store_status(db.path())["height"] == 100);
    // The resumed run fetched only what the killed one had not: about one copy in all.
    CHECK(metric(s, "utxo_seeder_bytes_uploaded_total") < total + total / 4);

    auto r = fetch(db.path(), {&s});
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(downloaded_bytes(r.out) == 0);  // everything was already staged and checked
    auto st = store_status(db.path());
    CHECK(st["height"] == 200);
    CHECK(shard_files(st["dir"].get<std::string>()) == shard_files(release_dir(w.releases("alice"), 200)));
}

namespace {

// Whether the tracker lists a peer at 127.0.0.1:port for the infohash (we ask as a peer on the
// unused port 9, which is refused at once if anyone tries it).
bool tracker_lists(const std::string& infohash_hex, int port) {
    std::string target = "/announce?info_hash=";
    for (std::size_t i = 0; i < infohash_hex.size(); i += 2) target += "%" + infohash_hex.substr(i, 2);
    target += "&peer_id=-UT0000-fetchtests01&port=9&uploaded=0&downloaded=0&left=1&compact=1&numwant=200";
    auto url =
        utxo::verifier::parse_http_url("http://127.0.0.1:" + std::to_string(world().tracker_port) + target);
    auto got = utxo::verifier::seeder_get(*url);
    if (!got || !*got) return false;
    const std::string& body = **got;
    auto at = body.find("5:peers");
    if (at == std::string::npos) return false;
    auto colon = body.find(':', at + 7);
    std::size_t n = std::stoul(body.substr(at + 7, colon - at - 7));
    std::string peers = body.substr(colon + 1, n);
    for (std::size_t k = 0; k + 6 <= peers.size(); k += 6) {
        auto p = static_cast<unsigned char>(peers[k + 4]) << 8 | static_cast<unsigned char>(peers[k + 5]);
        if (peers.compare(k, 4, "\x7f\x00\x00\x01", 4) == 0 && p == port) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("After installing, fetch seeds to its ratio, and another client downloads from it via the tracker",
          "[fetch]") {
    auto& w = world();
    fs::path served = serve_dir("ratio", {250}, w.names);
    auto fast = std::make_unique<Seeder>(served);
    // The other seeder left for the second client: 20 kB/s over BitTorrent, no web seed. The first
    // client stops at its ratio (0.5) and may stop at exactly that under load, so the second
    // client's download must not depend on it giving more.
    Seeder slow(served, {"--upload-rate", "20000", "--public-url",
                         "http://127.0.0.1:" + std::to_string(free_port())});
    test::TempDir a, b;
    fs::path a_log = a.path().string() + ".log";
    auto args = fetch_args(a.path(), {fast.get()}, {"--seed-ratio", "0.5", "--seed-timeout", "60"});
    int a_port =
        std::stoi(args[std::find(args.begin(), args.end(), "--listen") - args.begin() + 1].substr(10));
    Process first(args, a_log);
    // Installed and listed by the tracker: the first client is seeding and findable (its download
    // torrent announced "stopped" when it was removed, before the install).
    auto ih =
        test::read_json(release_dir(served, 250) / "manifest.json")["torrents"]["shards"].get<std::string>();
    auto until = std::chrono::steady_clock::now() + 30s;
    while (!(store_status(a.path()).is_object() && tracker_lists(ih, a_port)) &&
           std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(100ms);
    REQUIRE(store_status(a.path())["height"] == 250);
    REQUIRE(tracker_lists(ih, a_port));
    fast.reset();  // from now on the data is at the slow seeder and at the first client

    auto r = fetch(b.path(), {&slow});
    INFO(r.out);
    INFO("first client: " << slurp(a_log));
    REQUIRE(r.exit_code == 0);
    CHECK(store_status(b.path())["height"] == 250);
    // The first client stops by itself once it has uploaded half of what it downloaded. Only the
    // second client downloads, and it learns the first client's address from the tracker alone.
    for (auto end = std::chrono::steady_clock::now() + 30s;
         first.running() && std::chrono::steady_clock::now() < end;)
        std::this_thread::sleep_for(100ms);
    REQUIRE_FALSE(first.running());
    auto log = slurp(a_log);
    auto seeded = log.find("seeded ");
    REQUIRE(seeded != std::string::npos);
    auto times = log.find(" x the ", seeded);
    REQUIRE(times != std::string::npos);
    auto ratio = std::stod(log.substr(log.rfind('(', times) + 1));
    CHECK(ratio >= 0.5);
    CHECK(log.find("timeout") == std::string::npos);
}

namespace {

// fetch --json: every stdout line one object; the events in order.
std::vector<nlohmann::ordered_json> fetch_json(const fs::path& db, const std::vector<const Seeder*>& seeders,
                                               int expected_exit = 0) {
    auto r = clitest::run("timeout -s KILL 90 " + sh_join(fetch_args(db, seeders, {"--json"})));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == expected_exit);
    return clitest::json_lines(r.out);
}

std::vector<std::string> events(const std::vector<nlohmann::ordered_json>& lines) {
    std::vector<std::string> out;
    for (const auto& l : lines) out.push_back(l["event"]);
    return out;
}

}  // namespace

TEST_CASE("fetch --json: one object per step, then done with the store's status, or refused", "[fetch]") {
    auto& w = world();
    {
        Seeder s(serve_dir("json", {200, 250}, w.names));
        test::TempDir db;
        auto lines = fetch_json(db.path(), {&s});
        REQUIRE(events(lines) == std::vector<std::string>{"accepted", "downloaded", "installed", "done"});
        CHECK(lines[0]["height"] == 250);
        CHECK(lines[0]["signers"] == nlohmann::ordered_json::array({"alice", "bob", "carol"}));
        CHECK(lines[0]["required"] == 3);
        CHECK(lines[1]["download_seconds"].get<double>() >= 0);
        CHECK(lines[2]["shards"] == 16);
        CHECK(lines[2]["downloaded_bytes"].get<std::uint64_t>() >= shards_total(250));
        const auto& done = lines[3];
        CHECK(done["ok"] == true);
        CHECK(done["release"]["height"] == 250);
        CHECK(done["release"]["full"] == true);
        CHECK(done["release"]["authorities"] == nlohmann::ordered_json::array({"alice", "bob", "carol"}));
        CHECK(without_age(done["release"]) == held_release(db.path()));

        auto again = fetch_json(db.path(), {&s});
        REQUIRE(events(again) == std::vector<std::string>{"up_to_date", "done"});
        CHECK(again[0]["message"] == "no release above the installed height 250 is offered");
        CHECK(again[1]["release"]["height"] == 250);
    }
    {
        test::TempDir db;
        install_height(db.path(), 150, "json150");
        Seeder s(serve_dir("json200", {150, 200}, w.names));
        auto lines = fetch_json(db.path(), {&s});
        REQUIRE(events(lines) == std::vector<std::string>{"accepted", "moved_forward", "installed", "done"});
        CHECK(lines[3]["release"]["height"] == 200);
    }
    {
        Seeder s(serve_dir("json-two", {250}, {"alice", "bob"}));
        test::TempDir db;
        auto r = clitest::run("timeout -s KILL 90 " + sh_join(fetch_args(db.path(), {&s}, {"--json"})));
        CHECK(r.exit_code == 1);
        auto lines = clitest::json_lines(r.out);
        REQUIRE(events(lines) == std::vector<std::string>{"refused"});
        CHECK(lines[0]["ok"] == false);
        CHECK(lines[0]["error"].get<std::string>().find("missing: carol") != std::string::npos);
        CHECK(r.err.find("utxo-verifier: " + lines[0]["error"].get<std::string>() + "\n") !=
              std::string::npos);
    }
}

TEST_CASE(
    "A newer release not signed by everyone yet: fetch keeps or installs the newest fully signed one, "
    "says whom it waits for and exits 0, and a bad signature stays a refusal",
    "[fetch]") {
    auto& w = world();
    serve_dir("late", {200}, w.names);
    Seeder s(serve_dir("late", {250}, {"alice", "bob"}));
    const std::string waiting =
        "waiting for carol to sign regtest height 250 (signed by alice, bob; 3 required)";
    test::TempDir db;
    auto first = fetch(db.path(), {&s});
    INFO(first.out);
    REQUIRE(first.exit_code == 0);
    CHECK(store_status(db.path())["height"] == 200);
    CHECK(first.out.find("height 200 accepted") != std::string::npos);
    CHECK(first.out.find(waiting) != std::string::npos);

    auto again = fetch(db.path(), {&s});
    INFO(again.out);
    CHECK(again.exit_code == 0);
    CHECK(again.out.find(waiting + "\nno release above the installed height 200 is fully signed yet") !=
          std::string::npos);
    auto lines = fetch_json(db.path(), {&s});
    REQUIRE(events(lines) == std::vector<std::string>{"waiting", "up_to_date", "done"});
    CHECK(lines[0]["height"] == 250);
    CHECK(lines[0]["waiting_for"] == nlohmann::ordered_json::array({"carol"}));
    CHECK(lines[0]["signers"] == nlohmann::ordered_json::array({"alice", "bob"}));
    CHECK(lines[0]["required"] == 3);
    CHECK(lines[2]["release"]["height"] == 200);
    CHECK(store_status(db.path())["height"] == 200);

    // carol's signature present but broken: a refusal, exit 1, even with a release installed.
    fs::path bad = serve_dir("late-bad", {250}, {"alice", "bob"});
    fs::path dst = release_dir(bad, 250);
    std::set<fs::path> before;
    for (const auto& e : fs::directory_iterator(dst)) before.insert(e.path());
    auto signed_by_carol = run(signer + " sign --key " + q(w.dir / "carol.key") + " --release " + q(dst) +
                               " --own " + q(release_dir(w.releases("carol"), 250)));
    REQUIRE(signed_by_carol.exit_code == 0);
    int broken = 0;
    for (const auto& e : fs::directory_iterator(dst)) {
        if (before.count(e.path()) || e.path().extension() != ".minisig") continue;
        std::string text = slurp(e.path());
        auto at = text.find('\n') + 21;  // inside the signature's base64 line
        text[at] = text[at] == 'A' ? 'B' : 'A';
        std::ofstream(e.path(), std::ios::binary | std::ios::trunc) << text;
        ++broken;
    }
    REQUIRE(broken == 1);
    Seeder b(bad);
    auto refused = fetch(db.path(), {&b});
    INFO(refused.out);
    CHECK(refused.exit_code == 1);
    CHECK(refused.out.find("waiting for") == std::string::npos);
    CHECK(store_status(db.path())["height"] == 200);
}

// utxo-indexer end to end: the real binary on synthetic chains, Core blk files and a real Core snapshot.
#include <fcntl.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "cli/cli_test_support.h"
#include "core/address.h"
#include "core/dir_lock.h"
#include "core/manifest.h"
#include "core/serialize.h"
#include "core/sha256.h"
#include "test_support.h"

using test::q;
using test::run;

namespace {

const std::string indexer = test::bin("utxo-indexer").string();

nlohmann::json stats_json(const std::filesystem::path& db) {
    auto r = run(indexer + " stats --json --db " + q(db));
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
}

std::vector<std::string> hex_lines(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

void write_lines(const std::filesystem::path& p, const std::vector<std::string>& lines) {
    std::ofstream out(p);
    for (const auto& l : lines) out << l << "\n";
}

}  // namespace

TEST_CASE("synth is deterministic and build + stats report the set") {
    test::TempDir dir;
    auto a = dir / "a.hex", b = dir / "b.hex", c = dir / "c.hex";
    for (auto [path, seed] : {std::pair{a, 7}, {b, 7}, {c, 8}}) {
        auto r = run(indexer + " synth --out " + q(path) + " --blocks 150 --txs-per-block 20 --seed " +
                     std::to_string(seed));
        REQUIRE(r.exit_code == 0);
    }
    CHECK(test::read_file(a) == test::read_file(b));
    CHECK(test::read_file(a) != test::read_file(c));

    auto r = run(indexer + " build --blocks " + q(a) + " --network regtest --db " + q(dir / "db"));
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    auto s = stats_json(dir / "db");
    std::vector<std::string> keys;
    for (auto it = s.begin(); it != s.end(); ++it) keys.push_back(it.key());
    std::sort(keys.begin(), keys.end());
    CHECK(keys == std::vector<std::string>{"block_hash", "coins", "hash_serialized_3", "height", "muhash",
                                           "total_amount"});
    CHECK(s["height"] == 150);
    CHECK(s["coins"].get<std::uint64_t>() > 150);
    CHECK(s["block_hash"].get<std::string>().size() == 64);
    // Every block pays subsidy + fees and fees come out of spent coins, so the set holds exactly
    // the subsidies of blocks 1-150 (regtest halves every 150 blocks).
    CHECK(s["total_amount"].get<std::int64_t>() == 149 * 50 * 100000000ll + 25 * 100000000ll);
}

TEST_CASE("Core blk files, out of order and obfuscated, give the same set as hex lines") {
    test::TempDir dir;
    auto hex = dir / "chain.hex";
    REQUIRE(run(indexer + " synth --out " + q(hex) + " --blocks 60 --txs-per-block 8 --seed 3").exit_code ==
            0);
    auto lines = hex_lines(hex);
    // Write them as Core does in a blocks dir: magic || size || block, obfuscated with xor.dat,
    // in a shuffled order across two files, with zero padding at the end of each.
    std::filesystem::create_directories(dir / "blocks");
    const std::array<std::uint8_t, 8> key{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    test::write_file(dir / "blocks/xor.dat", key);
    std::vector<std::size_t> order(lines.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = (i * 37) % order.size();  // 37 is coprime to 61
    for (int f = 0; f < 2; ++f) {
        utxo::core::Bytes file;
        for (std::size_t k = f; k < order.size(); k += 2) {
            auto block = *utxo::core::from_hex(lines[order[k]]);
            utxo::core::Writer w(file);
            w.bytes(std::array<std::uint8_t, 4>{0xfa, 0xbf, 0xb5, 0xda});
            w.u32(static_cast<std::uint32_t>(block.size()));
            w.bytes(block);
        }
        for (std::size_t i = 0; i < file.size(); ++i) file[i] ^= key[i % 8];
        file.resize(file.size() + 4096, 0);  // preallocated, never written
        test::write_file(dir / ("blocks/blk0000" + std::to_string(f) + ".dat"), file);
    }
    REQUIRE(
        run(indexer + " build --blocks " + q(hex) + " --network regtest --db " + q(dir / "db1")).exit_code ==
        0);
    auto r =
        run(indexer + " build --blocks " + q(dir / "blocks") + " --network regtest --db " + q(dir / "db2"));
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(stats_json(dir / "db1") == stats_json(dir / "db2"));
    CHECK(stats_json(dir / "db2")["height"] == 60);
}

TEST_CASE("build continues from the store's tip, and a bad block changes nothing") {
    test::TempDir dir;
    auto full = dir / "full.hex", part = dir / "part.hex";
    REQUIRE(
        run(indexer + " synth --out " + q(full) + " --blocks 120 --txs-per-block 10 --seed 5").exit_code ==
        0);
    REQUIRE(run(indexer + " synth --out " + q(part) + " --blocks 70 --txs-per-block 10 --seed 5").exit_code ==
            0);
    auto db = dir / "db";
    REQUIRE(run(indexer + " build --blocks " + q(part) + " --network regtest --db " + q(db)).exit_code == 0);
    auto at70 = stats_json(db);
    CHECK(at70["height"] == 70);

    auto lines = hex_lines(full);
    SECTION("a flipped bit in a later block is rejected and the store stays at 70") {
        auto bad = lines;
        bad[100][300] = bad[100][300] == '0' ? '1' : '0';
        write_lines(dir / "bad.hex", bad);
        auto r = run(indexer + " build --blocks " + q(dir / "bad.hex") + " --network regtest --db " + q(db));
        CHECK(r.exit_code == 2);
        CHECK(r.out.find("block 100 is malformed") != std::string::npos);
        CHECK(stats_json(db) == at70);
    }
    SECTION("a truncated block is rejected") {
        auto bad = lines;
        bad[90].resize(bad[90].size() - 10);
        write_lines(dir / "bad.hex", bad);
        auto r = run(indexer + " build --blocks " + q(dir / "bad.hex") + " --network regtest --db " + q(db));
        CHECK(r.exit_code == 2);
        CHECK(stats_json(db) == at70);
    }
    SECTION("a gap in the chain is rejected") {
        auto bad = lines;
        bad.erase(bad.begin() + 95);
        write_lines(dir / "bad.hex", bad);
        auto r = run(indexer + " build --blocks " + q(dir / "bad.hex") + " --network regtest --db " + q(db));
        CHECK(r.exit_code == 2);
        CHECK(r.out.find("does not extend") != std::string::npos);
        CHECK(stats_json(db) == at70);
    }
    SECTION("the rest of the chain applies on top, giving the same set as one build") {
        REQUIRE(run(indexer + " build --blocks " + q(full) + " --network regtest --db " + q(db)).exit_code ==
                0);
        REQUIRE(run(indexer + " build --blocks " + q(full) + " --network regtest --db " + q(dir / "db-once"))
                    .exit_code == 0);
        CHECK(stats_json(db) == stats_json(dir / "db-once"));
        CHECK(stats_json(db)["height"] == 120);
    }
    SECTION("the wrong network is refused") {
        auto r = run(indexer + " build --blocks " + q(full) + " --network signet --db " + q(db));
        CHECK(r.exit_code == 2);
        CHECK(r.out.find("regtest") != std::string::npos);
    }
}

TEST_CASE("kill -9 during build leaves the store as it was", "[slow-e2e]") {
    test::TempDir dir;
    auto small = dir / "small.hex", big = dir / "big.dat";
    REQUIRE(
        run(indexer + " synth --out " + q(small) + " --blocks 20 --txs-per-block 400 --seed 9").exit_code ==
        0);
    REQUIRE(
        run(indexer + " synth --out " + q(big) + " --blocks 1500 --txs-per-block 400 --seed 9").exit_code ==
        0);
    auto db = dir / "db";
    REQUIRE(run(indexer + " build --blocks " + q(small) + " --network regtest --db " + q(db)).exit_code == 0);
    auto before = stats_json(db);

    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execl(indexer.c_str(), indexer.c_str(), "build", "--blocks", big.c_str(), "--network", "regtest",
              "--db", db.c_str(), nullptr);
        _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    int status = 0;
    bool still_running = waitpid(pid, &status, WNOHANG) == 0;
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    REQUIRE(still_running);  // otherwise the test proved nothing: make the chain bigger
    CHECK(stats_json(db) == before);
}

TEST_CASE("A real Core snapshot imports and exports byte for byte") {
    test::TempDir dir;
    auto original = test::data_dir() / "core-snapshot/signet-100.dat";
    auto db = dir / "db";
    auto r = run(indexer + " import-core " + q(original) + " --db " + q(db));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("--height") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(db / "data.mdb"));

    r = run(indexer + " import-core " + q(original) + " --height 100 --db " + q(db));
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    auto s = stats_json(db);
    CHECK(s["height"] == 100);
    CHECK(s["coins"] == 100);
    CHECK(s["block_hash"] == "000002cfbc285703a0d485b4d308476e85da6876e3d6ae229dc969fa9fe02d1d");

    auto out = dir / "again.dat";
    r = run(indexer + " export-core --db " + q(db) + " --out " + q(out));
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(test::read_file(out) == test::read_file(original));
    CHECK(r.out.find(s["hash_serialized_3"].get<std::string>()) != std::string::npos);

    r = run(indexer + " export-core --db " + q(db) + " --out " + q(out));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("exists") != std::string::npos);

    r = run(indexer + " import-core " + q(original) + " --height 100 --db " + q(db));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("not empty") != std::string::npos);
}

TEST_CASE("A built store exports a snapshot that imports to the same set") {
    test::TempDir dir;
    auto chain = dir / "chain.hex";
    REQUIRE(
        run(indexer + " synth --out " + q(chain) + " --blocks 130 --txs-per-block 30 --seed 11").exit_code ==
        0);
    REQUIRE(
        run(indexer + " build --blocks " + q(chain) + " --network regtest --db " + q(dir / "db")).exit_code ==
        0);
    auto s = stats_json(dir / "db");
    REQUIRE(run(indexer + " export-core --db " + q(dir / "db") + " --out " + q(dir / "snap.dat")).exit_code ==
            0);
    auto r = run(indexer + " import-core " + q(dir / "snap.dat") + " --height 130 --db " + q(dir / "db2"));
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(stats_json(dir / "db2") == s);
}

TEST_CASE("Usage errors exit 2 with one line") {
    test::TempDir dir;
    auto r = run(indexer + " build --blocks /nonexistent --network regtest --db " + q(dir / "db"));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("/nonexistent") != std::string::npos);
    CHECK(!std::filesystem::exists(dir / "db"));  // nothing created for a run that cannot start
    r = run(indexer + " stats --db /nonexistent-db");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("no UTXO store") != std::string::npos);
    r = run(indexer + " build --blocks x --network moon --db y");
    CHECK(r.exit_code != 0);
}

TEST_CASE("addresses lists distinct addresses that hold coins, with their value") {
    test::TempDir dir;
    auto chain = dir / "chain.hex";
    REQUIRE(
        run(indexer + " synth --out " + q(chain) + " --blocks 120 --txs-per-block 20 --seed 2").exit_code ==
        0);
    REQUIRE(
        run(indexer + " build --blocks " + q(chain) + " --network regtest --db " + q(dir / "db")).exit_code ==
        0);
    auto r = run(indexer + " addresses --db " + q(dir / "db") + " --count 5");
    REQUIRE(r.exit_code == 0);
    std::istringstream lines(r.out);
    std::set<std::string> seen;
    for (std::string address; lines >> address;) {
        std::int64_t value = -1;
        lines >> value;
        CHECK(value >= 0);
        CHECK(utxo::core::address_to_script(address, utxo::core::Network::regtest));
        seen.insert(address);
    }
    CHECK(seen.size() == 5);
}

TEST_CASE("A second writer on a store or releases root exits 2 at once naming the holder's PID") {
    test::TempDir dir;
    auto chain = dir / "a.hex";
    REQUIRE(
        run(indexer + " synth --out " + q(chain) + " --blocks 120 --txs-per-block 5 --seed 3").exit_code ==
        0);
    REQUIRE(
        run(indexer + " build --blocks " + q(chain) + " --network regtest --db " + q(dir / "db")).exit_code ==
        0);
    const auto before = stats_json(dir / "db").dump();
    const std::string holder = std::to_string(::getpid());
    {
        auto lock = utxo::core::DirLock::take(dir / "db");  // this test process is the other writer
        REQUIRE(lock);
        for (const std::string& cmd :
             {" build --blocks " + q(chain) + " --network regtest --db " + q(dir / "db"),
              " release --db " + q(dir / "db") + " --releases " + q(dir / "rel"),
              " run --source blocks:" + q(chain) +
                  " --network regtest --release-every 100 --confirmations 3 --db " + q(dir / "db") +
                  " --releases " + q(dir / "rel")}) {
            auto r = run(indexer + cmd);
            INFO(cmd << "\n" << r.out);
            CHECK(r.exit_code == 2);
            CHECK(r.out == "utxo-indexer: " + (dir / "db").string() + ": in use by another process (PID " +
                               holder + "); wait for it to finish\n");
        }
        CHECK(stats_json(dir / "db").dump() == before);
        CHECK_FALSE(std::filesystem::exists(dir / "rel" / "regtest"));
    }
    {
        auto lock = utxo::core::DirLock::take(dir / "rel");
        REQUIRE(lock);
        auto r = run(indexer + " release --db " + q(dir / "db") + " --releases " + q(dir / "rel"));
        CHECK(r.exit_code == 2);
        CHECK(r.out == "utxo-indexer: " + (dir / "rel").string() + ": in use by another process (PID " +
                           holder + "); wait for it to finish\n");
        CHECK_FALSE(std::filesystem::exists(dir / "rel" / "regtest"));
    }
    // Released: the next writer goes ahead.
    CHECK(run(indexer + " release --db " + q(dir / "db") + " --releases " + q(dir / "rel")).exit_code == 0);
}

TEST_CASE("Read-only commands refuse a --db without a store and leave nothing behind") {
    test::TempDir dir;
    const auto typo = dir / "typo", empty = dir / "empty";
    std::filesystem::create_directories(empty);  // exists, but holds no store
    for (const auto& db : {typo, empty}) {
        const std::vector<std::string> commands = {" stats --db ", " stats --json --db ",
                                                   " export-core --out " + q(dir / "out.dat") + " --db ",
                                                   " addresses --db ", " addresses --json --db "};
        for (const auto& command : commands) {
            auto r = clitest::run(indexer + command + q(db));
            INFO(command << db);
            CHECK(r.exit_code == 2);
            CHECK(r.out.empty());
            CHECK(r.err == "utxo-indexer: " + db.string() + ": no UTXO store here\n");
        }
    }
    CHECK_FALSE(std::filesystem::exists(typo));
    CHECK(std::filesystem::is_empty(empty));
    CHECK_FALSE(std::filesystem::exists(dir / "out.dat"));
    // A writer still makes its store.
    auto chain = dir / "chain.hex";
    REQUIRE(run(indexer + " synth --out " + q(chain) + " --blocks 5 --txs-per-block 2 --seed 1").exit_code ==
            0);
    CHECK(run(indexer + " build --blocks " + q(chain) + " --network regtest --db " + q(typo)).exit_code == 0);
    CHECK(stats_json(typo)["height"] == 5);
}

namespace {

// The release directory of `height` under RELEASES/regtest.
std::filesystem::path release_at(const std::filesystem::path& releases, int height) {
    for (const auto& e : std::filesystem::directory_iterator(releases / "regtest"))
        if (e.path().filename().string().starts_with(std::to_string(height) + "-")) return e.path();
    FAIL("no release at height " << height);
    return {};
}

// A --json release object against the release directory it names: every figure is its manifest's.
void check_release_json(const nlohmann::ordered_json& j, const std::filesystem::path& dir) {
    const std::string bytes = [&] {
        auto b = test::read_file(dir / "manifest.json");
        return std::string(b.begin(), b.end());
    }();
    auto m = utxo::core::decode_manifest(bytes);
    REQUIRE(m);
    CHECK(j["dir"] == dir.string());
    CHECK(j["network"] == "regtest");
    CHECK(j["height"] == m->height.value);
    CHECK(j["block_hash"] == m->block.to_display_hex());
    CHECK(j["shard_count"] == m->shard_count);
    CHECK(j["piece_size"] == m->piece_size);
    CHECK(j["coins"] == m->coins);
    CHECK(j["total_amount"] == m->total_amount.sat);
    CHECK(j["hash_serialized_3"] == m->hash_serialized_3.to_display_hex());
    CHECK(j["muhash"] == m->muhash.to_display_hex());
    CHECK(j["manifest_sha256"] == utxo::core::sha256(utxo::core::as_bytes(bytes)).to_hex());
    CHECK(j["shards_infohash"] == m->shards_infohash.to_hex());
    std::uint64_t shard_bytes = 0;
    for (const auto& s : m->shards) shard_bytes += s.bytes;
    CHECK(j["shard_bytes"] == shard_bytes);
    if (!m->patches) {
        CHECK(j["patches"].is_null());
    } else {
        CHECK(j["patches"]["from_height"] == m->patches->from_height.value);
        CHECK(j["patches"]["from_block"] == m->patches->from_block.to_display_hex());
        CHECK(j["patches"]["infohash"] == m->patches_infohash->to_hex());
        std::uint64_t patch_bytes = 0;
        for (const auto& f : m->patches->files) patch_bytes += f.bytes;
        CHECK(j["patches"]["bytes"] == patch_bytes);
    }
    CHECK(j["seconds"].get<double>() >= 0);
}

const std::vector<std::string> kReleaseKeys = {"dir",         "network",         "height",
                                               "block_hash",  "shard_count",     "piece_size",
                                               "coins",       "total_amount",    "hash_serialized_3",
                                               "muhash",      "manifest_sha256", "shards_infohash",
                                               "shard_bytes", "patches",         "seconds"};

std::vector<std::string> with_first(const std::string& key, std::vector<std::string> keys) {
    keys.insert(keys.begin(), key);
    return keys;
}

}  // namespace

TEST_CASE("run --json: one object per release as it is cut, then the summary, and release --json") {
    test::TempDir dir;
    auto chain = dir / "chain.dat";
    REQUIRE(run(indexer + " synth --out " + q(chain) + " --blocks 40 --txs-per-block 6 --seed 9").exit_code ==
            0);
    const auto db = dir / "db", releases = dir / "rel";
    auto r = clitest::run(indexer + " run --json --source blocks:" + q(chain) + " --network regtest --db " +
                          q(db) + " --releases " + q(releases) +
                          " --release-every 10 --confirmations 1 --shards 4");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto lines = clitest::json_lines(r.out);
    REQUIRE(lines.size() == 5);
    for (int i = 0; i < 4; ++i) {
        INFO("release " << i);
        CHECK(clitest::keys(lines[i]) == with_first("event", kReleaseKeys));
        CHECK(lines[i]["event"] == "release");
        CHECK(lines[i]["height"] == 10 * (i + 1));
        check_release_json(lines[i], release_at(releases, 10 * (i + 1)));
    }
    CHECK(lines[0]["patches"].is_null());
    CHECK(lines[3]["patches"]["from_height"] == 30);
    const auto& done = lines[4];
    CHECK(clitest::keys(done) ==
          std::vector<std::string>{"event", "blocks", "releases", "height", "block_hash"});
    CHECK(done["event"] == "done");
    CHECK(done["blocks"] == 41);
    CHECK(done["releases"] == 4);
    CHECK(done["height"] == 40);
    CHECK(done["block_hash"] == lines[3]["block_hash"]);

    // The text form is unchanged: one line per release, then the summary.
    auto text =
        run(indexer + " run --source blocks:" + q(chain) + " --network regtest --db " + q(dir / "db2") +
            " --releases " + q(dir / "rel2") + " --release-every 10 --confirmations 1 --shards 4");
    REQUIRE(text.exit_code == 0);
    CHECK(text.out.find("release " + release_at(dir / "rel2", 40).string() + " (") != std::string::npos);
    CHECK(text.out.find("done: 41 blocks applied, 4 releases cut; tip 40\n") != std::string::npos);

    // release --json: the one that exists (its figures read from its manifest), then a new cut.
    auto again = clitest::run(indexer + " release --json --db " + q(db) + " --releases " + q(releases) +
                              " --shards 4 --release-every 10");
    INFO(again.err);
    REQUIRE(again.exit_code == 0);
    auto exists = clitest::json_object(again.out);
    CHECK(clitest::keys(exists) == with_first("status", kReleaseKeys));
    CHECK(exists["status"] == "exists");
    check_release_json(exists, release_at(releases, 40));
    CHECK(exists["manifest_sha256"] == lines[3]["manifest_sha256"]);
    auto cut = clitest::run(indexer + " release --json --db " + q(db) + " --releases " + q(dir / "rel3") +
                            " --shards 8");
    INFO(cut.err);
    REQUIRE(cut.exit_code == 0);
    auto fresh = clitest::json_object(cut.out);
    CHECK(fresh["status"] == "cut");
    CHECK(fresh["shard_count"] == 8);
    check_release_json(fresh, release_at(dir / "rel3", 40));
}

TEST_CASE("verify-release --json and -q before or after the command, a mismatch is ok false with exit 1") {
    test::TempDir dir;
    auto chain = dir / "chain.dat";
    REQUIRE(run(indexer + " synth --out " + q(chain) + " --blocks 20 --txs-per-block 6 --seed 4").exit_code ==
            0);
    REQUIRE(run(indexer + " run --source blocks:" + q(chain) + " --network regtest --db " + q(dir / "db") +
                " --releases " + q(dir / "rel") + " --release-every 10 --confirmations 1 --shards 4")
                .exit_code == 0);
    const auto release = release_at(dir / "rel", 20);

    auto text = clitest::run(indexer + " verify-release " + q(release));
    REQUIRE(text.exit_code == 0);
    auto r = clitest::run(indexer + " verify-release --json " + q(release));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = clitest::json_object(r.out);
    CHECK(clitest::keys(j) == std::vector<std::string>{"ok", "dir", "files", "bytes", "coins", "checks",
                                                       "hash_seconds", "coins_seconds", "patch_seconds"});
    CHECK(j["ok"] == true);
    CHECK(j["dir"] == release.string());
    CHECK(j["files"] == 8);  // 4 shards, 4 patches
    CHECK(j["coins"] == stats_json(dir / "db")["coins"]);
    std::string ok_lines;
    for (const auto& check : j["checks"]) ok_lines += "ok  " + check.get<std::string>() + "\n";
    CHECK(text.out == ok_lines + "release verified: 8 files, " +
                          std::to_string(j["bytes"].get<std::uint64_t>()) + " bytes, " +
                          std::to_string(j["coins"].get<std::uint64_t>()) + " coins\n");

    const std::string verdict = text.out.substr(text.out.rfind("release verified"));
    for (const std::string& args :
         {" verify-release " + q(release) + " -q", " -q verify-release " + q(release),
          " verify-release --quiet " + q(release)}) {
        auto quiet = clitest::run(indexer + args);
        INFO(args);
        CHECK(quiet.exit_code == 0);
        CHECK(quiet.out == verdict);
    }

    auto shard = release / "shards" / "00001.shard";
    auto bytes = test::read_file(shard);
    bytes[bytes.size() / 2] ^= 0x01;
    test::write_file(shard, bytes);
    auto bad = clitest::run(indexer + " verify-release --json " + q(release));
    CHECK(bad.exit_code == 1);
    auto refusal = clitest::json_object(bad.out);
    CHECK(clitest::keys(refusal) == std::vector<std::string>{"ok", "error"});
    CHECK(refusal["ok"] == false);
    CHECK(refusal["error"].get<std::string>().find("shards/00001.shard: sha256 is ") != std::string::npos);
    CHECK(bad.err == "utxo-indexer: " + refusal["error"].get<std::string>() + "\n");
    CHECK(clitest::run(indexer + " verify-release " + q(release)).exit_code == 1);
}

TEST_CASE("addresses --json: the same addresses and values as the text, in one object") {
    test::TempDir dir;
    auto chain = dir / "chain.hex";
    REQUIRE(
        run(indexer + " synth --out " + q(chain) + " --blocks 120 --txs-per-block 20 --seed 2").exit_code ==
        0);
    REQUIRE(
        run(indexer + " build --blocks " + q(chain) + " --network regtest --db " + q(dir / "db")).exit_code ==
        0);
    auto text = clitest::run(indexer + " addresses --db " + q(dir / "db") + " --count 5");
    auto r = clitest::run(indexer + " addresses --json --db " + q(dir / "db") + " --count 5");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = clitest::json_object(r.out);
    CHECK(clitest::keys(j) == std::vector<std::string>{"addresses"});
    REQUIRE(j["addresses"].size() == 5);
    std::string as_text;
    for (const auto& a : j["addresses"]) {
        CHECK(clitest::keys(a) == std::vector<std::string>{"address", "value", "coins"});
        CHECK(a["coins"].get<std::uint64_t>() >= 1);
        as_text +=
            a["address"].get<std::string>() + " " + std::to_string(a["value"].get<std::int64_t>()) + "\n";
    }
    CHECK(as_text == text.out);
}

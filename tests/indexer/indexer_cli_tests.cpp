// utxo-indexer end to end: the real binary on synthetic chains, Core blk files and a real Core snapshot.
#include <fcntl.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "core/address.h"
#include "core/dir_lock.h"
#include "core/serialize.h"
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

TEST_CASE("kill -9 during build leaves the store as it was") {
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

// Releases end to end with the real utxo-indexer: determinism across sources, restarts and a Core
// snapshot start; manifest commitments equal `stats`; per-shard MuHashes combine to the full set;
// patches turn the previous release into this one byte for byte; bad chain data changes nothing.
#include <fcntl.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <thread>

#include "core/dir_lock.h"
#include "core/manifest.h"
#include "core/muhash.h"
#include "core/patch.h"
#include "core/serialize.h"
#include "core/sha256.h"
#include "core/shard.h"
#include "core/transaction.h"
#include "test_support.h"

using test::q;
using test::run;
namespace fs = std::filesystem;
using namespace utxo::core;

namespace {

// A releases root's files without its writer lock (core/dir_lock.h), whose content is the PID of
// the last writer and so differs between runs.
std::map<std::string, utxo::core::Bytes> release_tree(const std::filesystem::path& root) {
    auto tree = test::file_tree(root);
    tree.erase(utxo::core::kDirLockFile);
    return tree;
}

const std::string indexer = test::bin("utxo-indexer").string();
constexpr int kBlocks = 300, kTxs = 30, kEvery = 50, kShards = 16, kConf = 3;

std::string run_args(const fs::path& source, const fs::path& db, const fs::path& releases, int conf = kConf) {
    return indexer + " run --source blocks:" + q(source) + " --network regtest --db " + q(db) +
           " --releases " + q(releases) + " --release-every " + std::to_string(kEvery) + " --confirmations " +
           std::to_string(conf) + " --shards " + std::to_string(kShards);
}

void write_lines(const fs::path& p, const std::vector<std::string>& lines, std::size_t n) {
    std::ofstream out(p);
    for (std::size_t i = 0; i < n && i < lines.size(); ++i) out << lines[i] << "\n";
}

// DIR/snap.dat: a Core snapshot of the chain's set at height 120, exported by a store built to it.
void write_snapshot_at_120(const fs::path& dir, const std::vector<std::string>& lines) {
    write_lines(dir / "to120.hex", lines, 121);
    REQUIRE(run(indexer + " build --blocks " + q(dir / "to120.hex") + " --network regtest --db " +
                q(dir / "db-x"))
                .exit_code == 0);
    REQUIRE(
        run(indexer + " export-core --db " + q(dir / "db-x") + " --out " + q(dir / "snap.dat")).exit_code ==
        0);
}

struct Chain {
    test::TempDir dir;
    fs::path hex = dir / "chain.hex";
    fs::path blk = dir / "chain.dat";
    Chain() {
        auto r = run(indexer + " synth --out " + q(hex) + " --blocks " + std::to_string(kBlocks) +
                     " --txs-per-block " + std::to_string(kTxs) + " --seed 21");
        REQUIRE(r.exit_code == 0);
        auto lines = test::read_lines(hex);
        test::write_blk_file(blk, lines);
    }
};

Chain& chain() {
    static Chain c;
    return c;
}

fs::path only_release(const fs::path& releases, int height) {
    for (const auto& e : fs::directory_iterator(releases / "regtest"))
        if (e.path().filename().string().starts_with(std::to_string(height) + "-")) return e.path();
    FAIL("no release at height " << height);
    return {};
}

}  // namespace

TEST_CASE("Releases are identical whatever the source, the restarts and the starting point", "[release]") {
    test::TempDir dir;
    const auto& hex = chain().hex;
    // A: one uninterrupted run over the whole chain.
    auto r = run(run_args(chain().blk, dir / "db-a", dir / "rel-a"));
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    auto reference = release_tree(dir / "rel-a");
    REQUIRE(reference.size() > 0);
    // The last final height is 300 - 3 + 1 = 298: releases 50..250, the first without patches.
    CHECK(fs::exists(only_release(dir / "rel-a", 250) / "patches.torrent"));
    CHECK_FALSE(fs::exists(only_release(dir / "rel-a", 50) / "patches"));

    // B: the same chain fed in growing prefixes (a node that syncs), with a restart after each.
    auto lines = test::read_lines(hex);
    for (std::size_t n : std::vector<std::size_t>{40, 120, 205, lines.size()}) {
        test::write_blk_file(dir / "prefix.dat", lines, n);
        auto rb = run(run_args(dir / "prefix.dat", dir / "db-b", dir / "rel-b"));
        INFO(rb.out);
        REQUIRE(rb.exit_code == 0);
    }
    CHECK(release_tree(dir / "rel-b") == reference);

    // C: start from a Core snapshot at height 120 (exported by another store), then follow.
    write_snapshot_at_120(dir.path(), lines);
    REQUIRE(run(indexer + " import-core " + q(dir / "snap.dat") + " --height 120 --db " + q(dir / "db-c"))
                .exit_code == 0);
    auto rc = run(run_args(chain().blk, dir / "db-c", dir / "rel-c"));
    INFO(rc.out);
    REQUIRE(rc.exit_code == 0);
    // It cannot know the set changes before 120, so releases from 200 on (patching from 150) match.
    for (int h : {200, 250}) {
        auto name = only_release(dir / "rel-a", h).filename().string();
        CHECK(release_tree(dir / "rel-c" / "regtest" / name) ==
              release_tree(dir / "rel-a" / "regtest" / name));
    }
}

TEST_CASE("An authority started from a Core snapshot between two releases co-signs the next one",
          "[release][slow-e2e]") {
    test::TempDir dir;
    auto lines = test::read_lines(chain().hex);
    // A: the long-running authority, releases 50..250.
    REQUIRE(run(run_args(chain().blk, dir / "db-a", dir / "rel-a")).exit_code == 0);
    const fs::path a100 = only_release(dir / "rel-a", 100);
    const std::string name150 = only_release(dir / "rel-a", 150).filename().string();
    // A Core snapshot at 120, between the releases at 100 and 150.
    write_snapshot_at_120(dir.path(), lines);
    auto imported = [&](const std::string& name) {
        const fs::path db = dir / name;
        REQUIRE(
            run(indexer + " import-core " + q(dir / "snap.dat") + " --height 120 --db " + q(db)).exit_code ==
            0);
        return db;
    };
    auto same_as_a = [&](const fs::path& releases, std::vector<int> heights) {
        for (int h : heights) {
            CAPTURE(h);
            auto name = only_release(dir / "rel-a", h).filename().string();
            CHECK(release_tree(releases / "regtest" / name) ==
                  release_tree(dir / "rel-a" / "regtest" / name));
        }
    };

    SECTION("given the release at 100, its first release (150) is byte for byte A's, patches included") {
        auto db = imported("db-d");
        auto r = run(run_args(chain().blk, db, dir / "rel-d") + " --previous-release " + q(a100));
        INFO(r.out);
        REQUIRE(r.exit_code == 0);
        CHECK(r.out.find("skipped") == std::string::npos);
        same_as_a(dir / "rel-d", {150, 200, 250});
        // verify-release replays those patches on the release at 100 when it is beside them.
        fs::copy(a100, dir / "rel-d" / "regtest" / a100.filename(), fs::copy_options::recursive);
        auto v = run(indexer + " verify-release " + q(dir / "rel-d" / "regtest" / name150));
        INFO(v.out);
        CHECK(v.exit_code == 0);
        CHECK(v.out.find("ok  patches/: applied to the 16 shards of " + a100.filename().string()) !=
              std::string::npos);
    }
    SECTION("the release at 100 found under its own releases root does the same") {
        auto db = imported("db-e");
        fs::create_directories(dir / "rel-e" / "regtest");
        fs::copy(a100, dir / "rel-e" / "regtest" / a100.filename(), fs::copy_options::recursive);
        auto r = run(run_args(chain().blk, db, dir / "rel-e"));
        INFO(r.out);
        REQUIRE(r.exit_code == 0);
        same_as_a(dir / "rel-e", {100, 150, 200, 250});
    }
    SECTION("the release command takes --previous-release too") {
        auto db = imported("db-f");
        write_lines(dir / "to150.hex", lines, 151);
        REQUIRE(run(indexer + " build --blocks " + q(dir / "to150.hex") + " --network regtest --db " + q(db))
                    .exit_code == 0);
        auto cut = [&](const std::string& extra) {
            return run(indexer + " release --db " + q(db) + " --releases " + q(dir / "rel-f") +
                       " --shards 16 --release-every 50" + extra);
        };
        auto without = cut("");
        CHECK(without.exit_code == 2);
        CHECK(without.out.find("--previous-release") != std::string::npos);
        auto r = cut(" --previous-release " + q(a100));
        INFO(r.out);
        REQUIRE(r.exit_code == 0);
        same_as_a(dir / "rel-f", {150});
    }
    SECTION("without it, the release at 150 is skipped with a warning naming --previous-release") {
        auto db = imported("db-g");
        auto r = run(run_args(chain().blk, db, dir / "rel-g"));
        INFO(r.out);
        REQUIRE(r.exit_code == 0);
        CHECK(r.out.find("cannot cut release 150") != std::string::npos);
        CHECK(r.out.find("--previous-release") != std::string::npos);
        CHECK_FALSE(fs::exists(dir / "rel-g" / "regtest" / name150));
        same_as_a(dir / "rel-g", {200, 250});
    }
    SECTION("a damaged, misplaced or foreign previous release is refused, and nothing is cut") {
        auto db = imported("db-h");
        const fs::path bad = dir / "bad" / a100.filename();
        fs::create_directories(bad.parent_path());
        fs::copy(a100, bad, fs::copy_options::recursive);
        {
            std::fstream f(bad / "shards" / shard_file_name(3),
                           std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(-1, std::ios::end);
            f.put('\x5a');
        }
        auto r = run(run_args(chain().blk, db, dir / "rel-h") + " --previous-release " + q(bad));
        INFO(r.out);
        CHECK(r.exit_code == 2);
        CHECK(r.out.find(shard_file_name(3) + ": sha256 is ") != std::string::npos);
        CHECK_FALSE(fs::exists(dir / "rel-h" / "regtest" / name150));

        // A previous release whose files match its manifest, but one coin's value differs from
        // the set: the coin both hold must be the same coin.
        const fs::path forged = dir / "forged" / a100.filename();
        fs::create_directories(forged.parent_path());
        fs::copy(a100, forged, fs::copy_options::recursive);
        {
            const fs::path shard = forged / "shards" / shard_file_name(5);
            auto reader = ShardReader::open(shard);
            REQUIRE(reader);
            fs::remove(shard.string() + ".new");
            auto writer = ShardWriter::create(shard.string() + ".new", reader->header());
            REQUIRE(writer);
            bool changed = false;
            while (true) {
                auto c = reader->next();
                REQUIRE(c);
                if (!*c) break;
                auto [op, coin] = **c;
                if (!changed) coin.value.sat += 1, changed = true;
                REQUIRE(writer->add(op, coin));
            }
            REQUIRE(writer->finish());
            fs::rename(shard.string() + ".new", shard);
            auto bytes = test::read_file(forged / "manifest.json");
            auto m = decode_manifest(std::string(bytes.begin(), bytes.end()));
            REQUIRE(m);
            auto content = test::read_file(shard);
            m->shards[5].sha256 = sha256(content);
            m->shards[5].bytes = content.size();
            std::ofstream(forged / "manifest.json", std::ios::trunc) << encode_manifest(*m);
        }
        auto differs = run(run_args(chain().blk, db, dir / "rel-h") + " --previous-release " + q(forged));
        CHECK(differs.exit_code == 2);
        CHECK(differs.out.find(shard_file_name(5) + ": coin ") != std::string::npos);
        CHECK(differs.out.find("is not the coin this store holds under that outpoint") != std::string::npos);

        auto wrong_height = run(run_args(chain().blk, db, dir / "rel-h") + " --previous-release " +
                                q(only_release(dir / "rel-a", 50)));
        CHECK(wrong_height.exit_code == 2);
        CHECK(wrong_height.out.find("the release is at height 50; the patches start from height 100") !=
              std::string::npos);

        // The release at 100 of another chain: its block is not this chain's block 100.
        REQUIRE(run(indexer + " synth --out " + q(dir / "other.hex") +
                    " --blocks 110 --txs-per-block 5 --seed 22")
                    .exit_code == 0);
        test::write_blk_file(dir / "other.dat", test::read_lines(dir / "other.hex"));
        REQUIRE(run(run_args(dir / "other.dat", dir / "db-other", dir / "rel-other")).exit_code == 0);
        auto foreign = run(run_args(chain().blk, db, dir / "rel-h") + " --previous-release " +
                           q(only_release(dir / "rel-other", 100)));
        CHECK(foreign.exit_code == 2);
        CHECK(foreign.out.find("but the chain's block at height 100 is") != std::string::npos);
        CHECK_FALSE(fs::exists(dir / "rel-h" / "regtest" / name150));

        // The store waits at 150; a run given the right release cuts it and goes on.
        auto good = run(run_args(chain().blk, db, dir / "rel-h") + " --previous-release " + q(a100));
        INFO(good.out);
        REQUIRE(good.exit_code == 0);
        same_as_a(dir / "rel-h", {150, 200, 250});
    }
}

TEST_CASE("Manifest commitments equal stats, shards combine, patches rebuild the next release", "[release]") {
    test::TempDir dir;
    const auto& hex = chain().hex;
    REQUIRE(run(run_args(chain().blk, dir / "db", dir / "rel")).exit_code == 0);
    auto lines = test::read_lines(hex);
    for (int h : {150, 200}) {
        CAPTURE(h);
        auto rel = only_release(dir / "rel", h);
        CHECK(run(indexer + " verify-release -q " + q(rel)).exit_code == 0);
        auto bytes = test::read_file(rel / "manifest.json");
        auto m = decode_manifest(std::string(bytes.begin(), bytes.end()));
        REQUIRE(m);
        // stats of a store built independently to the same height
        auto db = dir / ("db-" + std::to_string(h));
        write_lines(dir / "prefix.hex", lines, h + 1);
        REQUIRE(run(indexer + " build --blocks " + q(dir / "prefix.hex") + " --network regtest --db " + q(db))
                    .exit_code == 0);
        auto s = nlohmann::json::parse(run(indexer + " stats --json --db " + q(db)).out);
        CHECK(s["height"] == h);
        CHECK(s["block_hash"] == m->block.to_display_hex());
        CHECK(s["coins"] == m->coins);
        CHECK(s["total_amount"] == m->total_amount.sat);
        CHECK(s["hash_serialized_3"] == m->hash_serialized_3.to_display_hex());
        CHECK(s["muhash"] == m->muhash.to_display_hex());
        // per-shard MuHash, recomputed from the files, combine to the full set's
        MuHash3072 all;
        for (std::uint32_t i = 0; i < m->shard_count; ++i) {
            auto reader = ShardReader::open(rel / "shards" / shard_file_name(i));
            REQUIRE(reader);
            MuHash3072 one;
            while (true) {
                auto c = reader->next();
                REQUIRE(c);
                if (!*c) break;
                one.insert_coin((*c)->first, (*c)->second);
            }
            CHECK(one.finalize() == m->shards[i].muhash);
            all *= one;
        }
        CHECK(all.finalize() == m->muhash);
    }
    // Patches of 200 applied to the shards of 150 give the shards of 200, byte for byte.
    auto prev = only_release(dir / "rel", 150), next = only_release(dir / "rel", 200);
    for (std::uint32_t i = 0; i < kShards; ++i) {
        auto patch = read_patch_file(next / "patches" / patch_file_name(i));
        REQUIRE(patch);
        auto out = dir / ("applied-" + std::to_string(i));
        REQUIRE(apply_patch(prev / "shards" / shard_file_name(i), *patch, out));
        CHECK(test::read_file(out) == test::read_file(next / "shards" / shard_file_name(i)));
    }
}

TEST_CASE("kill -9 at any moment, then a restart, gives the releases of an uninterrupted run",
          "[release][slow-e2e]") {
    test::TempDir dir;
    // A chain big enough that a run takes a few seconds.
    auto big = dir / "big.dat";
    REQUIRE(
        run(indexer + " synth --out " + q(big) + " --blocks 1200 --txs-per-block 300 --seed 4").exit_code ==
        0);
    auto args = [&](const std::string& db, const std::string& rel) {
        return std::vector<std::string>{indexer,
                                        "run",
                                        "--source",
                                        "blocks:" + big.string(),
                                        "--network",
                                        "regtest",
                                        "--db",
                                        (dir / db).string(),
                                        "--releases",
                                        (dir / rel).string(),
                                        "--release-every",
                                        "100",
                                        "--confirmations",
                                        "1",
                                        "--shards",
                                        "16"};
    };
    auto join = [](const std::vector<std::string>& a) {
        std::string s;
        for (const auto& x : a) s += "'" + x + "' ";
        return s;
    };
    REQUIRE(run(join(args("db-ref", "rel-ref"))).exit_code == 0);
    int kills = 0;
    for (int delay_ms : {300, 700, 450, 900, 250}) {
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            int null = open("/dev/null", O_WRONLY);
            dup2(null, 1);
            dup2(null, 2);
            auto a = args("db", "rel");
            std::vector<char*> argv;
            for (auto& s : a) argv.push_back(s.data());
            argv.push_back(nullptr);
            execv(argv[0], argv.data());
            _exit(127);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) == 0) {
            kill(pid, SIGKILL);
            ++kills;
        }
        waitpid(pid, &status, 0);
    }
    CHECK(kills >= 2);  // otherwise the test would not have interrupted anything
    auto r = run(join(args("db", "rel")));
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(release_tree(dir / "rel") == release_tree(dir / "rel-ref"));
}

TEST_CASE("A reorganization deeper than K stops with a clear error and changes nothing", "[release]") {
    test::TempDir dir;
    REQUIRE(run(run_args(chain().blk, dir / "db", dir / "rel")).exit_code == 0);
    auto before = run(indexer + " stats --json --db " + q(dir / "db")).out;
    auto releases_before = release_tree(dir / "rel");
    auto other = dir / "other.dat";  // another chain from the same genesis: every block differs
    REQUIRE(
        run(indexer + " synth --out " + q(other) + " --blocks 320 --txs-per-block 5 --seed 99").exit_code ==
        0);
    auto r = run(run_args(other, dir / "db", dir / "rel"));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("reorganization deeper than 3 confirmations") != std::string::npos);
    CHECK(run(indexer + " stats --json --db " + q(dir / "db")).out == before);
    CHECK(release_tree(dir / "rel") == releases_before);
}

TEST_CASE("Bad chain data gives a clear error and leaves store and releases as they were", "[release]") {
    test::TempDir dir;
    auto lines = test::read_lines(chain().hex);
    test::write_blk_file(dir / "prefix.dat", lines, 181);  // 0..180
    REQUIRE(run(run_args(dir / "prefix.dat", dir / "db", dir / "rel", 1)).exit_code == 0);
    auto before = run(indexer + " stats --json --db " + q(dir / "db")).out;
    auto releases_before = release_tree(dir / "rel");

    SECTION("a block that spends a missing coin") {
        auto block = parse_block(*from_hex(lines[181]));
        REQUIRE(block);
        REQUIRE(block->txs.size() > 1);
        block->txs[1].inputs[0].prevout.vout = 999;
        block->txs[1].compute_ids();
        block->header.merkle_root = compute_merkle_root(block->txs);
        auto bad = lines;
        bad[181] = to_hex(serialize_block(*block));
        test::write_blk_file(dir / "bad.dat", bad, 200);
        auto r = run(run_args(dir / "bad.dat", dir / "db", dir / "rel", 1));
        CHECK(r.exit_code == 2);
        CHECK(r.out.find("not in the UTXO set") != std::string::npos);
    }
    SECTION("a malformed block") {
        auto bad = lines;
        bad[183][200] = bad[183][200] == 'a' ? 'b' : 'a';
        test::write_blk_file(dir / "bad.dat", bad, 200);
        auto r = run(run_args(dir / "bad.dat", dir / "db", dir / "rel", 1));
        CHECK(r.exit_code == 2);
    }
    // Blocks before the bad one may have been committed (the run advances block by block), but
    // the store never holds a partial block and no release is changed.
    auto after = nlohmann::json::parse(run(indexer + " stats --json --db " + q(dir / "db")).out);
    CHECK(after["height"].get<int>() <= 182);
    CHECK(after["height"].get<int>() >= 180);
    for (const auto& [path, bytes] : releases_before) CHECK(release_tree(dir / "rel").at(path) == bytes);
    (void)before;
}

// The shard merge (verify-release and export-core): any number of shard files (not only powers of
// two) comes out in (txid raw, vout) order, every coin exactly once, read either way; headers are
// offered for checking as files open; a reader's error names its file.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <random>

#include "core/manifest.h"
#include "core/opcodes.h"
#include "core/shard.h"
#include "core/shard_merge.h"
#include "test_support.h"

using namespace utxo::core;
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kShards = 16;

ShardHeader header_of(std::uint32_t index) {
    ShardHeader h;
    h.network = Network::regtest;
    h.block.raw().fill(0x22);
    h.height = Height{500};
    h.shard_index = index;
    h.shard_count = kShards;
    return h;
}

// Coins of 1 to 3 outputs per txid, so one txid's coins usually land in several shards; every
// fourth txid shares its first 8 bytes with the one before, so the merge's integer key ties.
std::map<std::uint32_t, std::vector<ShardRecord>> random_shards(std::size_t txids, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::map<std::uint32_t, std::vector<ShardRecord>> shards;
    Txid previous;
    for (std::size_t t = 0; t < txids; ++t) {
        Txid txid;
        for (auto& b : txid.raw()) b = static_cast<std::uint8_t>(rng());
        if (t % 4 == 3) std::copy_n(previous.raw().begin(), 8, txid.raw().begin());
        previous = txid;
        const std::uint32_t outputs = 1 + static_cast<std::uint32_t>(rng() % 3);
        for (std::uint32_t vout = 0; vout < outputs; ++vout) {
            Coin c{Height{static_cast<std::uint32_t>(rng() % 500)}, rng() % 2 == 0,
                   Amount{static_cast<std::int64_t>(rng() % 100'000'000)}, Bytes{OP_0, 20}};
            for (int i = 0; i < 20; ++i) c.script.push_back(static_cast<std::uint8_t>(rng()));
            shards[shard_of(c.script, kShards)].emplace_back(OutPoint{txid, vout * 7}, std::move(c));
        }
    }
    for (auto& [i, coins] : shards)
        std::sort(coins.begin(), coins.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return shards;
}

struct Release {
    test::TempDir dir;
    std::map<std::uint32_t, std::vector<ShardRecord>> coins;
    fs::path file(std::uint32_t i) const { return dir / shard_file_name(i); }
};

void write_release(Release& r) {
    r.coins = random_shards(3000, 7);
    for (std::uint32_t i = 0; i < kShards; ++i) {
        auto w = ShardWriter::create(r.file(i), header_of(i));
        REQUIRE(w);
        for (const auto& [o, c] : r.coins[i]) REQUIRE(w->add(o, c));
        REQUIRE(w->finish());
    }
}

std::vector<fs::path> files_of(const Release& r, const std::vector<std::uint32_t>& shards) {
    std::vector<fs::path> out;
    for (auto i : shards) out.push_back(r.file(i));
    return out;
}

}  // namespace

TEST_CASE("The shard merge yields every coin of any shard subset in outpoint order", "[shard][merge]") {
    Release rel;
    write_release(rel);
    std::vector<std::uint32_t> all(kShards);
    for (std::uint32_t i = 0; i < kShards; ++i) all[i] = i;
    for (auto reading : {ShardMerge::Reading::raw, ShardMerge::Reading::checked}) {
        for (std::vector<std::uint32_t> shards :
             {std::vector<std::uint32_t>{5}, {0, 1}, {2, 3, 7}, {0, 4, 6, 9, 11}, all}) {
            const char* how = reading == ShardMerge::Reading::raw ? "raw" : "checked";
            DYNAMIC_SECTION(how << ", " << shards.size() << " shards") {
                auto merge = ShardMerge::open(files_of(rel, shards), reading);
                REQUIRE(merge);
                std::uint64_t want = 0;
                for (auto i : shards) want += rel.coins[i].size();
                std::uint64_t got = 0;
                std::optional<OutPoint> last;
                ShardRecord e;
                while (!merge->empty()) {
                    const ShardRecord next = merge->next();
                    const std::uint32_t file = merge->next_file();
                    REQUIRE(merge->pop(e));
                    CHECK(e == next);
                    CHECK(shard_of(e.second.script, kShards) == shards.at(file));
                    if (last) REQUIRE(*last < e.first);
                    last = e.first;
                    ++got;
                }
                CHECK(got == want);
            }
        }
    }
}

TEST_CASE("The shard merge offers each header in file order and stops at a refusal", "[shard][merge]") {
    Release rel;
    write_release(rel);
    const std::vector<std::uint32_t> shards{3, 8, 12};
    for (auto reading : {ShardMerge::Reading::raw, ShardMerge::Reading::checked}) {
        std::vector<std::uint32_t> seen;
        auto merge = ShardMerge::open(files_of(rel, shards), reading,
                                      [&](std::uint32_t file, const ShardHeader& h) -> Status {
                                          CHECK(h == [&] {
                                              ShardHeader want = header_of(shards[file]);
                                              want.coin_count = rel.coins[shards[file]].size();
                                              return want;
                                          }());
                                          seen.push_back(file);
                                          if (file == 1) return fail(Errc::mismatch, "no thanks");
                                          return {};
                                      });
        REQUIRE_FALSE(merge);
        CHECK(merge.error().code == Errc::mismatch);
        CHECK(merge.error().message == "no thanks");
        CHECK(seen == std::vector<std::uint32_t>{0, 1});
    }
}

TEST_CASE("The shard merge names the file a reader fails on", "[shard][merge]") {
    Release rel;
    write_release(rel);
    auto bytes = test::read_file(rel.file(6));
    bytes.resize(bytes.size() - 3);  // the last coin record cut short
    test::write_file(rel.file(6), bytes);
    for (auto reading : {ShardMerge::Reading::raw, ShardMerge::Reading::checked}) {
        auto merge = ShardMerge::open(files_of(rel, {5, 6}), reading);
        Status st;
        if (merge) {
            ShardRecord e;
            while (st && !merge->empty()) st = merge->pop(e);
        }
        const Error err = merge ? st.error() : merge.error();
        CHECK(err.message.find(rel.file(6).string()) != std::string::npos);
    }
    auto missing = ShardMerge::open(files_of(rel, {5, 99}), ShardMerge::Reading::raw);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message.find(rel.file(99).string()) != std::string::npos);
}

TEST_CASE("check_shard_header names the file and the first field that differs", "[shard][manifest]") {
    Manifest m;
    m.network = Network::regtest;
    m.block.raw().fill(0x22);
    m.height = Height{500};
    m.shard_count = kShards;
    m.shards.resize(kShards);
    m.shards[4].coins = 9;
    ShardHeader h = header_of(4);
    h.coin_count = 9;
    CHECK(check_shard_header(h, m, 4, "shards/00004.shard"));

    auto message = [&](ShardHeader bad, std::uint32_t index = 4) {
        auto st = check_shard_header(bad, m, index, "shards/00004.shard");
        REQUIRE_FALSE(st);
        CHECK(st.error().code == Errc::mismatch);
        return st.error().message;
    };
    ShardHeader net = h;
    net.network = Network::signet;
    CHECK(message(net) == "shards/00004.shard: network is signet, manifest says regtest");
    ShardHeader block = h;
    block.block.raw().fill(0x33);
    CHECK(message(block).starts_with("shards/00004.shard: block hash is 3333"));
    ShardHeader height = h;
    height.height = Height{499};
    CHECK(message(height) == "shards/00004.shard: height is 499, manifest says 500");
    CHECK(message(h, 5) == "shards/00004.shard: shard is 4 of 16, expected 5 of 16");
    ShardHeader coins = h;
    coins.coin_count = 8;
    CHECK(message(coins) == "shards/00004.shard: coins is 8, manifest says 9");
}

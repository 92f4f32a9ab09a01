// The threaded MuHash pipeline gives exactly what direct accumulation gives.
#include <catch2/catch.hpp>

#include "core/shard.h"
#include "indexer/muhash_pipeline.h"

using namespace utxo::core;
using namespace utxo::indexer;

TEST_CASE("MuHashPipeline equals direct MuHash, per accumulator, with inserts and removes") {
    // Routed by the caller (3 accumulators) and by the worker (the script's shard among 8).
    const bool by_script = GENERATE(false, true);
    const std::size_t kAcc = by_script ? 8 : 3;
    std::vector<MuHash3072> direct(kAcc);
    std::vector<std::int64_t> coins(kAcc), amounts(kAcc);
    std::vector<std::uint64_t> elements(kAcc);
    MuHashPipeline pipeline(kAcc);
    std::uint64_t seed = 7;
    auto next = [&] { return seed = seed * 6364136223846793005ull + 1442695040888963407ull; };
    for (int i = 0; i < 20000; ++i) {  // several batches
        OutPoint op;
        for (auto& b : op.txid.raw()) b = std::uint8_t(next() >> 56);
        op.vout = std::uint32_t(next() % 5);
        Coin coin{Height{std::uint32_t(next() % 1000)}, next() % 2 == 0,
                  Amount{std::int64_t(next() % 100000)}, Bytes(1 + next() % 40, std::uint8_t(i))};
        std::size_t a = by_script ? shard_of(coin.script, kAcc) : next() % kAcc;
        std::size_t route = by_script ? MuHashPipeline::kShardOfScript : a;
        ++elements[a];
        if (i % 7 == 3) {
            direct[a].remove_coin(op, coin);
            pipeline.remove_coin(route, op, coin);
            --coins[a];
            amounts[a] -= coin.value.sat;
        } else {
            direct[a].insert_coin(op, coin);
            pipeline.insert_coin(route, op, coin);
            ++coins[a];
            amounts[a] += coin.value.sat;
        }
    }
    auto got = pipeline.finish();
    REQUIRE(got.size() == kAcc);
    for (std::size_t a = 0; a < kAcc; ++a) {
        CHECK(got[a].muhash.finalize() == direct[a].finalize());
        CHECK(got[a].coins == coins[a]);
        CHECK(got[a].amount == amounts[a]);
        CHECK(got[a].elements == elements[a]);
    }
}

TEST_CASE("An unfinished MuHashPipeline shuts down cleanly") {
    MuHashPipeline p(1);
    p.insert_coin(0, OutPoint{}, Coin{Height{1}, false, Amount{1}, Bytes{0x51}});
}

// The threaded MuHash pipeline gives exactly what direct accumulation gives.
#include <catch2/catch.hpp>

#include "core/muhash_pipeline.h"

using namespace utxo::core;

TEST_CASE("MuHashPipeline equals direct MuHash, per accumulator, with inserts and removes") {
    const std::size_t kAcc = 3;
    std::vector<MuHash3072> direct(kAcc);
    MuHashPipeline pipeline(kAcc);
    std::uint64_t seed = 7;
    auto next = [&] { return seed = seed * 6364136223846793005ull + 1442695040888963407ull; };
    for (int i = 0; i < 20000; ++i) {  // several batches
        OutPoint op;
        for (auto& b : op.txid.raw()) b = std::uint8_t(next() >> 56);
        op.vout = std::uint32_t(next() % 5);
        Coin coin{Height{std::uint32_t(next() % 1000)}, next() % 2 == 0, Amount{std::int64_t(next() % 100000)},
                  Bytes(1 + next() % 40, std::uint8_t(i))};
        std::size_t a = next() % kAcc;
        if (i % 7 == 3) {
            direct[a].remove_coin(op, coin);
            pipeline.remove_coin(a, op, coin);
        } else {
            direct[a].insert_coin(op, coin);
            pipeline.insert_coin(a, op, coin);
        }
    }
    auto got = pipeline.finish();
    REQUIRE(got.size() == kAcc);
    for (std::size_t a = 0; a < kAcc; ++a) CHECK(got[a].finalize() == direct[a].finalize());
}

TEST_CASE("An unfinished MuHashPipeline shuts down cleanly") {
    MuHashPipeline p(1);
    p.insert_coin(0, OutPoint{}, Coin{Height{1}, false, Amount{1}, Bytes{0x51}});
}

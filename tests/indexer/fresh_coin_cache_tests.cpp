// The batch's in-memory table of fresh coins: exact contents, key order, large encodings, budget.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>

#include "indexer/fresh_coin_cache.h"

using namespace utxo::core;
using namespace utxo::indexer;

namespace {

CoinKey key_of(std::uint64_t n) {
    CoinKey k{};
    std::uint64_t x = n * 0x9E3779B97F4A7C15ull + 1;  // spread like txids
    for (int i = 0; i < 32; ++i) k[i] = std::uint8_t(x >> (8 * (i % 8))) ^ std::uint8_t(i * 31 + (n >> 3));
    k[35] = std::uint8_t(n % 3);  // a few vouts of the same txid prefix
    return k;
}

Bytes coin_of(std::uint64_t n) { return Bytes(n % 7 == 0 ? 300 : 5 + n % 40, std::uint8_t(n)); }

}  // namespace

TEST_CASE("FreshCoinCache keeps exactly what was put and not taken, in key order") {
    FreshCoinCache cache;
    std::map<CoinKey, Bytes> model;
    for (std::uint64_t n = 0; n < 20000; ++n) {
        REQUIRE(cache.put(key_of(n), coin_of(n)));
        model[key_of(n)] = coin_of(n);
    }
    CHECK_FALSE(cache.put(key_of(5), coin_of(6)));    // a small one already there
    CHECK_FALSE(cache.put(key_of(7), coin_of(8)));    // a large one (300 bytes) already there
    CHECK_FALSE(cache.put(key_of(14), coin_of(14)));  // large over large
    for (std::uint64_t n = 0; n < 20000; n += 3) {
        Bytes out{0xAA};
        REQUIRE(cache.take(key_of(n), out));
        CHECK(out.size() == 1 + coin_of(n).size());
        CHECK(std::equal(out.begin() + 1, out.end(), coin_of(n).begin()));  // appended
        model.erase(key_of(n));
        Bytes again;
        CHECK_FALSE(cache.take(key_of(n), again));
        CHECK_FALSE(cache.contains(key_of(n)));
    }
    REQUIRE(cache.size() == model.size());
    auto sorted = cache.sorted();
    REQUIRE(sorted.size() == model.size());
    auto it = model.begin();
    for (const auto& e : sorted) {
        CHECK(*e.key == it->first);
        CHECK(Bytes(e.coin.begin(), e.coin.end()) == it->second);
        ++it;
    }
    CHECK(cache.memory_bytes() > model.size() * 36);
    cache.clear();
    CHECK(cache.empty());
    CHECK(cache.sorted().empty());
}

TEST_CASE("FreshCoinCache reports its budget exceeded before its table would outgrow it") {
    FreshCoinCache cache;
    CHECK(cache.over_budget(0));
    std::uint64_t n = 0;
    const std::size_t budget = 4 << 20;
    while (!cache.over_budget(budget)) {
        REQUIRE(cache.put(key_of(n), Bytes(20, 1)));
        ++n;
        REQUIRE(n < 1000000);
    }
    // It stopped while the table, doubled, would still have been within reach of the budget.
    CHECK(cache.memory_bytes() <= budget);
    CHECK(n > 10000);
}

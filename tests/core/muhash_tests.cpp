// MuHash3072: the vectors of Bitcoin Core's src/test/crypto_tests.cpp (muhash_tests) and the
// algebra the release format relies on (order-free, removable, combinable, checkpointable).
#include <algorithm>
#include <catch2/catch.hpp>

#include "core/coin.h"
#include "core/muhash.h"

using namespace utxo::core;

namespace {

// Core's FromInt(i): one 32-byte element [i, 0, ..., 0].
Bytes element(std::uint8_t i) {
    Bytes e(32, 0);
    e[0] = i;
    return e;
}

MuHash3072 from_int(std::uint8_t i) {
    MuHash3072 m;
    m.insert(element(i));
    return m;
}

OutPoint outpoint(std::uint8_t tag, std::uint32_t vout) {
    Txid t;
    t.raw()[0] = tag;
    t.raw()[31] = static_cast<std::uint8_t>(tag * 7);
    return OutPoint{t, vout};
}

Coin coin(std::uint32_t n) {
    return Coin{Height{n}, n % 3 == 0, Amount{static_cast<std::int64_t>(n) * 1000},
                Bytes{0x51, static_cast<std::uint8_t>(n)}};
}

}  // namespace

TEST_CASE("MuHash3072 of the empty set") {
    CHECK(MuHash3072().finalize().to_display_hex() ==
          "dd5ad2a105c2d29495f577245c357409002329b9f4d6182c0af3dc2f462555c8");
}

TEST_CASE("MuHash3072 FromInt(0) * FromInt(1) / FromInt(2)") {
    const std::string expected = "10d312b100cbd32ada024a6646e40d3482fcff103668d2625f10002a607d5863";
    SECTION("as inserts and a remove on one accumulator") {
        MuHash3072 m;
        m.insert(element(0));
        m.insert(element(1));
        m.remove(element(2));
        CHECK(m.finalize().to_display_hex() == expected);
    }
    SECTION("as operators on separate accumulators") {
        MuHash3072 m = from_int(0);
        m *= from_int(1);
        m /= from_int(2);
        CHECK(m.finalize().to_display_hex() == expected);
    }
}

TEST_CASE("MuHash3072 finalize fully reduces an overflowing numerator") {
    Bytes state(MuHash3072::kSerializedSize, 0);
    std::fill(state.begin(), state.begin() + 384, 0xff);
    state[384] = 0x01;
    auto m = MuHash3072::deserialize(state);
    REQUIRE(m);
    CHECK(to_hex(m->finalize().raw()) == "3a31e6903aff0de9f62f9a9f7f8b861de76ce2cda09822b90014319ae5dc2271");
}

TEST_CASE("MuHash3072 serialization matches Core's for FromInt(1) * FromInt(2)") {
    MuHash3072 m = from_int(1);
    m *= from_int(2);
    Bytes ser = m.serialize();
    REQUIRE(ser.size() == 768);
    const std::string prefix = "1fa093295ea30a6a3acdc7b3f770fa538eff537528e990e2910e40bbcfd7f6696b1256901";
    CHECK(to_hex(ser).substr(0, prefix.size()) == prefix);
    // The denominator is still one.
    CHECK(ser[384] == 1);
    CHECK(std::all_of(ser.begin() + 385, ser.end(), [](std::uint8_t b) { return b == 0; }));
}

TEST_CASE("MuHash3072 serialize / deserialize round trip keeps the state") {
    MuHash3072 m;
    for (std::uint32_t i = 0; i < 20; ++i) m.insert_coin(outpoint(static_cast<std::uint8_t>(i), i), coin(i));
    m.remove_coin(outpoint(3, 3), coin(3));
    auto back = MuHash3072::deserialize(m.serialize());
    REQUIRE(back);
    CHECK(back->serialize() == m.serialize());
    CHECK(back->finalize() == m.finalize());
    // Continuing from the checkpoint equals continuing the original.
    back->insert(element(9));
    m.insert(element(9));
    CHECK(back->finalize() == m.finalize());
    CHECK(!MuHash3072::deserialize(Bytes(767, 0)));
}

TEST_CASE("MuHash3072 algebra") {
    std::vector<std::pair<OutPoint, Coin>> coins;
    for (std::uint32_t i = 0; i < 50; ++i)
        coins.emplace_back(outpoint(static_cast<std::uint8_t>(i % 13), i), coin(i));

    MuHash3072 forward;
    for (const auto& [op, c] : coins) forward.insert_coin(op, c);

    SECTION("insert order does not matter") {
        MuHash3072 backward;
        for (auto it = coins.rbegin(); it != coins.rend(); ++it) backward.insert_coin(it->first, it->second);
        CHECK(backward.finalize() == forward.finalize());
        CHECK(forward.finalize() != MuHash3072().finalize());
    }
    SECTION("insert then remove gives the empty set") {
        for (const auto& [op, c] : coins) forward.remove_coin(op, c);
        CHECK(forward.finalize() == MuHash3072().finalize());
    }
    SECTION("combining accumulators with *= equals inserting all into one") {
        MuHash3072 a, b;
        for (std::size_t i = 0; i < coins.size(); ++i)
            (i % 2 ? a : b).insert_coin(coins[i].first, coins[i].second);
        a *= b;
        CHECK(a.finalize() == forward.finalize());
    }
    SECTION("/= removes a subset") {
        MuHash3072 first_half, second_half;
        for (std::size_t i = 0; i < coins.size(); ++i)
            (i < 25 ? first_half : second_half).insert_coin(coins[i].first, coins[i].second);
        forward /= first_half;
        CHECK(forward.finalize() == second_half.finalize());
    }
    SECTION("an accumulator divided by itself is empty") {
        forward /= forward;
        CHECK(forward.finalize() == MuHash3072().finalize());
    }
}

TEST_CASE("insert_coin hashes the coin's TxOutSer") {
    OutPoint op = outpoint(1, 2);
    Coin c = coin(7);
    Bytes ser;
    Writer w(ser);
    write_txout_ser(w, op, c);
    MuHash3072 a, b;
    a.insert_coin(op, c);
    b.insert(ser);
    CHECK(a.serialize() == b.serialize());
}

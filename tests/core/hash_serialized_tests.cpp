// hash_serialized_3 (Core's src/kernel/coinstats.cpp): the empty-set value, a one-coin vector
// computed independently, and the order checks.
#include <catch2/catch.hpp>

#include "core/hash_serialized.h"

using namespace utxo::core;

namespace {

OutPoint op(std::uint8_t first_byte, std::uint32_t vout) {
    Txid t;
    t.raw()[0] = first_byte;
    return OutPoint{t, vout};
}

Coin p2pkh_coin() {
    Bytes script = {0x76, 0xa9, 0x14};
    script.insert(script.end(), 20, 0x11);
    script.push_back(0x88);
    script.push_back(0xac);
    return Coin{Height{840000}, false, Amount{50000}, script};
}

}  // namespace

TEST_CASE("hash_serialized_3 of the empty set") {
    HashSerialized3 h;
    CHECK(h.finalize().to_display_hex() ==
          "56944c5d3f98413ef45cf54545538103cc9f298e0575820ad3591376e2e0f65d");
}

TEST_CASE("hash_serialized_3 of the §1.6 one-coin set") {
    HashSerialized3 h;
    REQUIRE(h.add(op(1, 1), p2pkh_coin()));
    CHECK(h.finalize().to_display_hex() ==
          "b1d004c06f6a23fbf704d826f9e047f677008e599c7cf4dca3b6bd47bcdd2d15");
}

TEST_CASE("hash_serialized_3 orders by txid raw bytes then numeric vout") {
    HashSerialized3 h;
    REQUIRE(h.add(op(1, 255), p2pkh_coin()));
    REQUIRE(h.add(op(1, 256), p2pkh_coin()));  // numeric, not VARINT-byte order
    REQUIRE(h.add(op(1, 16512), p2pkh_coin()));
    REQUIRE(h.add(op(2, 0), p2pkh_coin()));

    SECTION("a duplicate is refused") {
        auto r = h.add(op(2, 0), p2pkh_coin());
        REQUIRE(!r);
        CHECK(r.error().code == Errc::invalid);
        CHECK_THAT(r.error().message, Catch::Contains("duplicate"));
    }
    SECTION("a smaller vout of the same txid is refused") {
        auto r = h.add(op(1, 300), p2pkh_coin());
        REQUIRE(!r);
        CHECK_THAT(r.error().message, Catch::Contains("order"));
    }
    SECTION("a smaller txid is refused") { CHECK(!h.add(op(0, 5000), p2pkh_coin())); }
}

TEST_CASE("hash_serialized_3 depends on every field") {
    auto digest = [](const OutPoint& o, const Coin& c) {
        HashSerialized3 h;
        REQUIRE(h.add(o, c));
        return h.finalize();
    };
    Coin base = p2pkh_coin();
    AssumeutxoHash ref = digest(op(1, 1), base);
    Coin cb = base;
    cb.coinbase = true;
    Coin taller = base;
    taller.height = Height{840001};
    Coin richer = base;
    richer.value = Amount{50001};
    CHECK(digest(op(1, 2), base) != ref);
    CHECK(digest(op(1, 1), cb) != ref);
    CHECK(digest(op(1, 1), taller) != ref);
    CHECK(digest(op(1, 1), richer) != ref);
}

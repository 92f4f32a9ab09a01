// The UTXO store's small records round-trip, and their decoders refuse what the encoders never
// write.
#include <catch2/catch.hpp>

#include "core/muhash.h"
#include "indexer/coin_key.h"
#include "indexer/store_records.h"

using namespace utxo;
using namespace utxo::indexer;

TEST_CASE("Coin keys sort like Core's outpoints and decode back", "[store][records]") {
    core::OutPoint a, b;
    a.txid.raw().fill(0x11);
    a.vout = 255;
    b.txid.raw().fill(0x11);
    b.vout = 256;  // numeric order, which a little-endian vout would not keep
    const CoinKey ka = coin_key(a), kb = coin_key(b);
    CHECK(ka < kb);
    CHECK(ka[35] == 0xff);
    CHECK(kb[34] == 0x01);
    CHECK(outpoint_from_key(ka) == a);
    CHECK(outpoint_from_key(kb) == b);
    CHECK(CoinKeyEqual{}(ka, coin_key(a)));
    CHECK(CoinKeyHash{}(ka) != CoinKeyHash{}(kb));
}

TEST_CASE("A stored coin is Core's coin encoding and nothing else", "[store][records]") {
    const core::Coin coin{core::Height{812}, true, core::Amount{5'000'000'000},
                          *core::from_hex("76a914000102030405060708090a0b0c0d0e0f1011121388ac")};
    core::Bytes bytes{0xee, 0xee};
    encode_stored_coin(coin, bytes);
    core::Bytes core_encoding;
    core::Writer w(core_encoding);
    core::write_coin(w, coin);
    CHECK(bytes == core_encoding);

    core::Coin back;
    REQUIRE(read_stored_coin(bytes, back));
    CHECK(back == coin);
    core::OutPoint op;
    op.txid.raw().fill(0xab);
    op.vout = 3;
    REQUIRE(decode_stored_coin(bytes, op, back));

    bytes.push_back(0);
    CHECK_FALSE(read_stored_coin(bytes, back));
    auto st = decode_stored_coin(bytes, op, back);
    REQUIRE_FALSE(st);
    CHECK(st.error().code == core::Errc::invalid);
    CHECK(st.error().message ==
          "the store holds a corrupt record for coin " + op.txid.to_display_hex() + ":3");
    CHECK_FALSE(read_stored_coin(core::ByteView(bytes).first(3), back));
}

TEST_CASE("The tip record and the height key are big-endian", "[store][records]") {
    ChainTip tip{core::Height{0x01020304}, {}};
    tip.hash.raw().fill(0x5a);
    const core::Bytes bytes = encode_tip(tip);
    REQUIRE(bytes.size() == 36);
    CHECK(bytes[0] == 0x01);
    CHECK(bytes[3] == 0x04);
    CHECK(core::Bytes(bytes.begin(), bytes.begin() + 4) == core::Bytes{0x01, 0x02, 0x03, 0x04});
    const auto hk = height_key(core::Height{0x01020304});
    CHECK(core::Bytes(hk.begin(), hk.end()) == core::Bytes(bytes.begin(), bytes.begin() + 4));
    CHECK(decode_tip(bytes) == tip);
    CHECK_FALSE(decode_tip(core::ByteView(bytes).first(35)));
    core::Bytes longer = bytes;
    longer.push_back(0);
    CHECK_FALSE(decode_tip(longer));
}

TEST_CASE("Shard totals round-trip, and a value of another size is refused", "[store][records]") {
    ShardTotals t;
    t.coins = 123456789;
    t.total = core::Amount{-42};  // a change can be negative on the way; the record keeps the sign
    core::OutPoint op;
    op.txid.raw().fill(0x01);
    t.muhash.insert_coin(op, core::Coin{core::Height{1}, false, core::Amount{1}, core::Bytes{0x51}});
    const core::Bytes bytes = encode_shard_totals(t);
    CHECK(bytes.size() == 16 + core::MuHash3072::kSerializedSize);
    auto back = decode_shard_totals(bytes);
    REQUIRE(back);
    CHECK(back->coins == t.coins);
    CHECK(back->total == t.total);
    CHECK(back->muhash.finalize() == t.muhash.finalize());
    CHECK_FALSE(decode_shard_totals(core::ByteView(bytes).first(bytes.size() - 1)));
    const auto sk = shard_key(0x0304);
    CHECK(core::Bytes(sk.begin(), sk.end()) == core::Bytes{0x03, 0x04});
}

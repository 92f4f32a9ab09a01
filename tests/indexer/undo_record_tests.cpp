// The undo record: what UndoRecordWriter writes, decode_undo_record reads back exactly; anything
// cut short or followed by more bytes is refused with one message naming the block.
#include <catch2/catch.hpp>

#include "core/serialize.h"
#include "indexer/undo_record.h"

using namespace utxo;
using namespace utxo::indexer;

namespace {

CoinKey key_of(std::uint8_t fill, std::uint32_t vout) {
    core::OutPoint o;
    o.txid.raw().fill(fill);
    o.vout = vout;
    return coin_key(o);
}

}  // namespace

TEST_CASE("An undo record decodes to what was written", "[store][undo]") {
    core::BlockHash prev;
    for (std::size_t i = 0; i < 32; ++i) prev.raw()[i] = static_cast<std::uint8_t>(i);
    const core::Bytes coin_a{0x01, 0x02, 0x03}, coin_b(300, 0xab);  // a record past one CompactSize byte
    const std::vector<CoinKey> added{key_of(0x10, 0), key_of(0x10, 70000), key_of(0x20, 1)};

    UndoRecordWriter writer;
    writer.removed(key_of(0x05, 2), coin_b);  // left over from an earlier block: clear() drops it
    writer.clear();
    writer.removed(key_of(0x07, 1), coin_a);
    writer.removed(key_of(0x03, 9), coin_b);
    core::Bytes bytes{0xff};  // finish replaces what was there
    writer.finish(prev, added, bytes);

    auto rec = decode_undo_record(bytes, core::Height{42});
    REQUIRE(rec);
    CHECK(rec->prev == prev);
    REQUIRE(rec->removed.size() == 2);
    CHECK(rec->removed[0].first == key_of(0x07, 1));
    CHECK(core::Bytes(rec->removed[0].second.begin(), rec->removed[0].second.end()) == coin_a);
    CHECK(rec->removed[1].first == key_of(0x03, 9));
    CHECK(core::Bytes(rec->removed[1].second.begin(), rec->removed[1].second.end()) == coin_b);
    CHECK(rec->added == added);

    // The layout of docs/formats.md: prev || CompactSize(n) || n x (key || CompactSize(len) || coin)
    // || CompactSize(m) || m x key.
    core::Bytes expected(prev.raw().begin(), prev.raw().end());
    core::Writer w(expected);
    w.compact_size(2);
    w.bytes(key_of(0x07, 1));
    w.var_bytes(coin_a);
    w.bytes(key_of(0x03, 9));
    w.var_bytes(coin_b);
    w.compact_size(3);
    for (const auto& k : added) w.bytes(k);
    CHECK(bytes == expected);

    SECTION("an empty block's record") {
        UndoRecordWriter empty;
        empty.finish(prev, {}, bytes);
        CHECK(bytes.size() == 34);
        auto e = decode_undo_record(bytes, core::Height{7});
        REQUIRE(e);
        CHECK(e->removed.empty());
        CHECK(e->added.empty());
    }
    SECTION("every cut and a trailing byte are refused") {
        for (std::size_t n = 0; n < bytes.size(); ++n) {
            auto cut = decode_undo_record(core::ByteView(bytes).first(n), core::Height{42});
            REQUIRE_FALSE(cut);
            CHECK(cut.error().code == core::Errc::invalid);
            CHECK(cut.error().message == "the undo record of block 42 is corrupt");
        }
        bytes.push_back(0);
        CHECK_FALSE(decode_undo_record(bytes, core::Height{42}));
    }
}

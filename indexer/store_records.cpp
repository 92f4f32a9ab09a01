// The UTXO store's small records: each encoding beside its decoding.
#include "indexer/store_records.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/serialize.h"

namespace utxo::indexer {

using core::Errc;
using core::fail;

std::array<std::uint8_t, 4> height_key(core::Height height) {
    const std::uint32_t h = height.value;
    return {std::uint8_t(h >> 24), std::uint8_t(h >> 16), std::uint8_t(h >> 8), std::uint8_t(h)};
}

void encode_stored_coin(const core::Coin& coin, core::Bytes& out) {
    out.clear();
    core::Writer w(out);
    core::write_coin(w, coin);
}

bool read_stored_coin(core::ByteView record, core::Coin& coin) {
    core::Reader r(record);
    return core::read_coin(r, coin) && r.empty();
}

core::Status decode_stored_coin(core::ByteView record, const core::OutPoint& outpoint, core::Coin& coin) {
    if (!read_stored_coin(record, coin))
        return fail(Errc::invalid, fmt::format("the store holds a corrupt record for coin {}:{}",
                                               outpoint.txid.to_display_hex(), outpoint.vout));
    return {};
}

core::Bytes encode_tip(const ChainTip& tip) {
    const auto hk = height_key(tip.height);
    core::Bytes out(hk.size() + tip.hash.raw().size());
    std::copy(hk.begin(), hk.end(), out.begin());
    std::copy(tip.hash.raw().begin(), tip.hash.raw().end(), out.begin() + hk.size());
    return out;
}

std::optional<ChainTip> decode_tip(core::ByteView t) {
    if (t.size() != 36) return std::nullopt;
    const std::uint32_t height =
        std::uint32_t{t[0]} << 24 | std::uint32_t{t[1]} << 16 | std::uint32_t{t[2]} << 8 | t[3];
    return ChainTip{core::Height{height}, core::BlockHash::from_raw(t.subspan(4, 32))};
}

std::array<std::uint8_t, 2> shard_key(std::uint32_t shard) {
    return {std::uint8_t(shard >> 8), std::uint8_t(shard)};
}

core::Bytes encode_shard_totals(const ShardTotals& t) {
    core::Bytes out;
    core::Writer w(out);
    w.u64(t.coins);
    w.i64(t.total.sat);
    w.bytes(t.muhash.serialize());
    return out;
}

core::Result<ShardTotals> decode_shard_totals(core::ByteView bytes) {
    if (bytes.size() != 16 + core::MuHash3072::kSerializedSize)
        return fail(Errc::invalid, "shard totals: wrong size");
    core::Reader r(bytes);
    ShardTotals t;
    t.coins = *r.u64();
    t.total = core::Amount{*r.i64()};
    UTXO_TRY_ASSIGN(auto m, core::MuHash3072::deserialize(bytes.subspan(16)));
    t.muhash = std::move(m);
    return t;
}

}  // namespace utxo::indexer

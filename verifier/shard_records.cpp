// Coin records of a shard file read in place.
#include "verifier/shard_records.h"

#include "core/coin.h"
#include "core/serialize.h"

namespace utxo::verifier {

using core::Errc;
using core::fail;

core::Result<RawRecord> take_record(core::ByteView data, std::size_t at) {
    if (at > data.size()) return fail(Errc::truncated, "a record starts past the end of the file");
    core::Reader in(data.subspan(at));
    RawRecord r;
    r.offset = at;
    auto txid = in.bytes(32);
    auto vout = in.compact_size(UINT32_MAX);
    r.coin_start = at + in.position();
    auto code = in.varint(UINT32_MAX);
    auto amount = in.varint();
    if (!txid || !vout || !code || !amount) return fail(Errc::truncated, "a coin record is cut short");
    const std::size_t script_start = in.position();
    auto n = in.varint(UINT32_MAX);
    if (!n) return fail(Errc::truncated, "a coin record is cut short");
    // Compressed forms 0-1 carry 20 bytes, 2-5 carry 32, n >= 6 is a raw script of n - 6 bytes.
    const std::size_t len = *n < 2 ? 20 : *n < 6 ? 32 : *n - 6;
    if (!in.bytes(len)) return fail(Errc::truncated, "a coin record is cut short");
    r.compressed = data.subspan(at + script_start, in.position() - script_start);
    r.end = at + in.position();
    return r;
}

core::Result<OwnedCoin> decode_record(core::ByteView data, const RawRecord& r) {
    core::Reader head(data.subspan(r.offset, r.coin_start - r.offset));
    UTXO_TRY_ASSIGN(auto txid, head.hash<core::TxidTag>());
    UTXO_TRY_ASSIGN(auto vout, head.compact_size(UINT32_MAX));
    core::Reader coin_in(data.subspan(r.coin_start, r.end - r.coin_start));
    UTXO_TRY_ASSIGN(auto coin, core::read_coin(coin_in));
    return OwnedCoin{core::OutPoint{txid, static_cast<std::uint32_t>(vout)}, std::move(coin)};
}

}  // namespace utxo::verifier

// Shard rule, shard file header and coin records. The streaming reader and writer live in
// shard_reader.cpp and shard_writer.cpp.
#include "core/shard.h"

#include <fmt/format.h>

#include <cstring>

#include "core/header_fields.h"
#include "core/script.h"
#include "core/serialize.h"
#include "core/sha256.h"

namespace utxo::core {

namespace {

constexpr char kMagic[8] = {'U', 'T', 'X', 'O', 'S', 'H', 'R', 'D'};

}  // namespace

bool valid_shard_count(std::uint32_t count) {
    return count >= 1 && count <= kMaxShardCount && (count & (count - 1)) == 0;
}

// The rule is LE-integer(SHA256d(script)) mod S. Written as N = sum d[i] * 256^i, every term with
// i >= 4 is a multiple of 2^32 and so of S = 2^k (k <= 32): N mod S depends only on d[0..3], and
// on those it is the LE u32 of d[0..3] reduced mod 2^k, i.e. its low k bits: u32 & (S - 1).
std::uint32_t shard_of(ByteView script_pubkey, std::uint32_t shard_count) {
    Hash256 digest = sha256d(script_pubkey);
    const auto& d = digest.raw();
    std::uint32_t low = std::uint32_t{d[0]} | std::uint32_t{d[1]} << 8 | std::uint32_t{d[2]} << 16 |
                        std::uint32_t{d[3]} << 24;
    return low & (shard_count - 1);
}

Bytes encode_shard_header(const ShardHeader& h) {
    Bytes out;
    out.reserve(ShardHeader::kSize);
    Writer w(out);
    w.bytes(as_bytes(std::string_view(kMagic, sizeof kMagic)));
    w.u16(h.version);
    w.bytes(params(h.network).magic);
    w.hash(h.block);
    w.u32(h.height.value);
    w.u32(h.shard_index);
    w.u32(h.shard_count);
    w.u64(h.coin_count);
    return out;
}

Result<ShardHeader> decode_shard_header(ByteView bytes) {
    if (bytes.size() < ShardHeader::kSize)
        return fail(Errc::truncated,
                    fmt::format("shard header is {} bytes; it must be {}", bytes.size(), ShardHeader::kSize));
    if (bytes.size() > ShardHeader::kSize)
        return fail(Errc::invalid,
                    fmt::format("shard header is {} bytes; it must be {}", bytes.size(), ShardHeader::kSize));
    if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
        return fail(Errc::invalid, "not a shard file (bad magic)");
    Reader r(bytes.subspan(sizeof kMagic));
    ShardHeader h;
    UTXO_TRY_ASSIGN(auto version, read_header_version(r, "shard file"));
    h.version = version;
    UTXO_TRY_ASSIGN(auto net, read_header_network(r, "shard file"));
    h.network = net;
    // The length was checked above, so none of these reads can fail.
    h.block = *r.hash<BlockHashTag>();
    h.height = Height{*r.u32()};
    h.shard_index = *r.u32();
    h.shard_count = *r.u32();
    h.coin_count = *r.u64();
    UTXO_TRY(check_shard_slot(h.shard_index, h.shard_count));
    return h;
}

void write_shard_coin(Writer& out, const OutPoint& outpoint, const Coin& coin) {
    out.hash(outpoint.txid);
    out.compact_size(outpoint.vout);
    write_coin(out, coin);
}

void write_shard_coin(Writer& out, const OutPoint& outpoint, ByteView coin_encoding) {
    out.hash(outpoint.txid);
    out.compact_size(outpoint.vout);
    out.bytes(coin_encoding);
}

Status read_shard_coin_raw(Reader& in, OutPoint& outpoint, Coin& coin) {
    UTXO_TRY_ASSIGN(auto txid, in.hash<TxidTag>());
    UTXO_TRY_ASSIGN(auto vout, in.compact_size(UINT32_MAX));
    UTXO_TRY(read_coin(in, coin));
    outpoint = OutPoint{txid, static_cast<std::uint32_t>(vout)};
    return {};
}

// Core's VARINT has one encoding per number and the Reader refuses non-canonical CompactSize, but
// a coin record has other freedoms: a compressible script stored raw, an amount that decodes by
// wrapping around. Re-encoding and comparing closes all of them at once.
Result<std::pair<OutPoint, Coin>> read_shard_coin(Reader& in) {
    const std::size_t record_start = in.position();
    // An empty view still points at the current position of the (contiguous) input.
    const std::uint8_t* record = (*in.bytes(0)).data();
    std::pair<OutPoint, Coin> rec;
    UTXO_TRY(read_shard_coin_raw(in, rec.first, rec.second));
    const std::size_t coin_at = Txid::size + compact_size_length(rec.first.vout);
    const std::size_t coin_size = in.position() - record_start - coin_at;
    thread_local Bytes again;  // one per thread, so the hot path does not allocate
    again.clear();
    Writer w(again);
    write_coin(w, rec.second);
    if (again.size() != coin_size || std::memcmp(again.data(), record + coin_at, coin_size) != 0)
        return fail(Errc::non_canonical,
                    fmt::format("non-canonical coin encoding at byte {}", record_start + coin_at));
    return rec;
}

Status check_shard_coin(const ShardHeader& header, const OutPoint& outpoint, const Coin& coin) {
    if (coin.script.size() > kMaxScriptSize)
        return fail(Errc::too_large, fmt::format("coin {} has a {}-byte script, more than a coin can have",
                                                 describe_outpoint(outpoint), coin.script.size()));
    if (!money_range(coin.value))
        return fail(Errc::invalid,
                    fmt::format("coin {} has a value outside the money range", describe_outpoint(outpoint)));
    if (coin.height > header.height)
        return fail(Errc::invalid,
                    fmt::format("coin {} is from height {}, after the shard's height {}",
                                describe_outpoint(outpoint), coin.height.value, header.height.value));
    std::uint32_t shard = shard_of(coin.script, header.shard_count);
    if (shard != header.shard_index)
        return fail(Errc::mismatch,
                    fmt::format("coin {} belongs to shard {} of {}, not shard {}",
                                describe_outpoint(outpoint), shard, header.shard_count, header.shard_index));
    return {};
}

std::string describe_outpoint(const OutPoint& o) {
    return fmt::format("{}:{}", o.txid.to_display_hex(), o.vout);
}

}  // namespace utxo::core

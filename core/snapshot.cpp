// Snapshot header (SnapshotMetadata, version 2) and chainstate key order.
// The reader and the writer live in snapshot_reader.cpp and snapshot_writer.cpp.
#include "core/snapshot.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "core/serialize.h"

namespace utxo::core {

namespace {

constexpr std::array<std::uint8_t, 5> kMagic = {'u', 't', 'x', 'o', 0xff};
constexpr std::uint16_t kSupportedVersion = 2;

struct VarintBytes {
    std::array<std::uint8_t, 5> data;  // a uint32 never needs more than 5 VARINT bytes
    std::size_t size;
};

VarintBytes varint_bytes(std::uint32_t n) {
    std::array<std::uint8_t, 5> rev;
    std::size_t len = 0;
    std::uint64_t v = n;
    while (true) {
        rev[len] = static_cast<std::uint8_t>((v & 0x7f) | (len ? 0x80 : 0x00));
        ++len;
        if (v <= 0x7f) break;
        v = (v >> 7) - 1;
    }
    VarintBytes out{{}, len};
    for (std::size_t i = 0; i < len; ++i) out.data[i] = rev[len - 1 - i];
    return out;
}

}  // namespace

bool chainstate_key_less(const OutPoint& a, const OutPoint& b) {
    if (a.txid != b.txid) return a.txid < b.txid;
    // Up to 16511 every VARINT is 1 byte (0..127, lead < 0x80) or 2 bytes (lead >= 0x80),
    // so byte order equals numeric order and the encoding can be skipped.
    constexpr std::uint32_t kNumericLimit = 16511;
    if (a.vout <= kNumericLimit && b.vout <= kNumericLimit) return a.vout < b.vout;
    VarintBytes ka = varint_bytes(a.vout);
    VarintBytes kb = varint_bytes(b.vout);
    return std::lexicographical_compare(ka.data.begin(), ka.data.begin() + ka.size, kb.data.begin(),
                                        kb.data.begin() + kb.size);
}

Bytes encode_snapshot_header(const SnapshotHeader& header) {
    Bytes out;
    out.reserve(SnapshotHeader::kSize);
    Writer w(out);
    w.bytes(kMagic);
    w.u16(header.version);
    w.bytes(params(header.network).magic);
    w.hash(header.base_block);
    w.u64(header.coin_count);
    return out;
}

// Messages are those of Core's SnapshotMetadata::Unserialize.
Result<SnapshotHeader> decode_snapshot_header(ByteView bytes) {
    if (bytes.size() < SnapshotHeader::kSize)
        return fail(Errc::truncated,
                    fmt::format("The snapshot is shorter than its {}-byte header.", SnapshotHeader::kSize));
    Reader r(bytes.first(SnapshotHeader::kSize));
    auto magic = *r.bytes(kMagic.size());
    if (!std::equal(magic.begin(), magic.end(), kMagic.begin()))
        return fail(Errc::invalid,
                    "Invalid UTXO set snapshot magic bytes. Please check if this is indeed a snapshot file "
                    "or if you are "
                    "using an outdated snapshot format.");
    SnapshotHeader h;
    h.version = *r.u16();
    if (h.version != kSupportedVersion)
        return fail(
            Errc::invalid,
            fmt::format("Version of snapshot {} does not match any of the supported versions.", h.version));
    NetworkMagic net_magic;
    auto nm = *r.bytes(net_magic.size());
    std::copy(nm.begin(), nm.end(), net_magic.begin());
    auto net = network_from_magic(net_magic);
    if (!net)
        return fail(Errc::invalid,
                    "This snapshot has been created for an unrecognized network. This could be a custom "
                    "signet, a new "
                    "testnet or possibly caused by data corruption.");
    h.network = *net;
    h.base_block = *r.hash<BlockHashTag>();
    h.coin_count = *r.u64();
    return h;
}

}  // namespace utxo::core

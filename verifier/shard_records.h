// Coin records of an installed shard file read in place: their bounds and compressed script
// without decoding the coin (the file's SHA-256 matched the signed manifest at install), and the
// full decode of one record when it is wanted. Shared by the scans and the script index.
#pragma once
#include <cstddef>

#include "core/bytes.h"
#include "core/error.h"
#include "verifier/store.h"

namespace utxo::verifier {

// One record of a shard file: txid ‖ CompactSize vout ‖ coin (docs/formats.md, "Shard file").
struct RawRecord {
    std::size_t offset = 0;      // where the record (its txid) starts in the buffer given
    std::size_t coin_start = 0;  // where its coin starts
    std::size_t end = 0;         // one past its last byte
    core::ByteView compressed;   // its compressed script, the leading VARINT included
};

// The record that starts at `at` in `data` (Errc::truncated when `data` ends inside it).
[[nodiscard]] core::Result<RawRecord> take_record(core::ByteView data, std::size_t at);

// Decodes a record taken from `data`: its outpoint and coin.
[[nodiscard]] core::Result<OwnedCoin> decode_record(core::ByteView data, const RawRecord& r);

// The largest record a shard file may hold: a txid, a CompactSize vout, height and amount VARINTs
// and a compressed script of at most 10,000 bytes (Core's MAX_SCRIPT_SIZE) with its VARINT.
inline constexpr std::size_t kMaxRecordSize = 32 + 9 + 5 + 10 + 3 + 10000;

}  // namespace utxo::verifier

// The UTXO-set record exactly as Bitcoin Core stores it: VARINT(height*2+coinbase),
// VARINT(CompressAmount(value)), compressed script (special forms 0-5, else VARINT(len+6)||script).
#pragma once
#include <cstdint>

#include "core/bytes.h"
#include "core/error.h"
#include "core/serialize.h"
#include "core/types.h"

namespace utxo::core {

struct Coin {
    Height height;
    bool coinbase = false;
    Amount value;
    Bytes script;  // the uncompressed scriptPubKey

    friend bool operator==(const Coin&, const Coin&) = default;
};

std::uint64_t compress_amount(std::uint64_t sat);
std::uint64_t decompress_amount(std::uint64_t compressed);

// Core's ScriptCompression. P2PK with an uncompressed key is only compressed when the key is on
// the curve (checked with libsecp256k1); reading forms 4/5 decompresses the key.
void write_compressed_script(Writer& out, ByteView script);
[[nodiscard]] Result<Bytes> read_compressed_script(Reader& in);
Status read_compressed_script(Reader& in, Bytes& script);  // reuses script's capacity

void write_coin(Writer& out, const Coin& coin);
[[nodiscard]] Result<Coin> read_coin(Reader& in);
// Reads into `coin`, reusing its script's capacity: no allocation per coin in a loop. On failure
// `coin` holds garbage.
[[nodiscard]] Status read_coin(Reader& in, Coin& coin);
// Steps over one coin's encoding without decoding it (no script decompression) and returns its
// bytes: for copying records whose file was checked against a signed manifest already.
[[nodiscard]] Result<ByteView> skip_coin(Reader& in);

// The serialization both hash_serialized_3 and MuHash3072 use per coin ("TxOutSer"):
// txid raw || vout u32 || (height*2+coinbase) u32 || value i64 || CompactSize(len) || script.
void write_txout_ser(Writer& out, const OutPoint& outpoint, const Coin& coin);
// The value and the script of a TxOutSer element, read back from its bytes (for a reader that
// holds only the elements, such as a MuHash worker routing them by script). `element` must be
// one write_txout_ser wrote.
Amount txout_ser_value(ByteView element);
ByteView txout_ser_script(ByteView element);

}  // namespace utxo::core

// The UTXO store's small records, each written and read here and nowhere else (the tables are
// listed in utxo_store_impl.h; the coin key is in coin_key.h, the undo record in undo_record.h).
// Integers in keys are big-endian, so key order is numeric order.
#pragma once
#include <array>
#include <cstdint>
#include <optional>

#include "core/bytes.h"
#include "core/coin.h"
#include "core/error.h"
#include "indexer/utxo_store.h"

namespace utxo::indexer {

// Key of the undo table (and the first 4 bytes of the tip record): a height, u32 big-endian.
std::array<std::uint8_t, 4> height_key(core::Height height);

// A coin in the coins table: Core's coin encoding (core::write_coin), nothing after it, so a
// release copies it into a shard file as it is.
void encode_stored_coin(const core::Coin& coin, core::Bytes& out);  // replaces out's bytes
// Into `coin` (its script buffer reused); false unless `record` is exactly one coin.
[[nodiscard]] bool read_stored_coin(core::ByteView record, core::Coin& coin);
// The same, failing with Errc::invalid "the store holds a corrupt record for coin TXID:VOUT".
[[nodiscard]] core::Status decode_stored_coin(core::ByteView record, const core::OutPoint& outpoint,
                                              core::Coin& coin);

// meta "tip": height u32 big-endian || block hash raw (32). nullopt unless exactly 36 bytes.
core::Bytes encode_tip(const ChainTip& tip);
std::optional<ChainTip> decode_tip(core::ByteView bytes);

// The shards table: key shard index u16 big-endian; value coins u64 || total i64 || MuHash3072
// state (768 bytes), absent for an empty shard. Errc::invalid for a value of another size or a
// bad MuHash state.
std::array<std::uint8_t, 2> shard_key(std::uint32_t shard);
core::Bytes encode_shard_totals(const ShardTotals& totals);
[[nodiscard]] core::Result<ShardTotals> decode_shard_totals(core::ByteView bytes);

}  // namespace utxo::indexer

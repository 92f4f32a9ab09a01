// Private to utxo_store.cpp and utxo_batch.cpp: the store's LMDB handles.
#pragma once
#include "core/utxo_store.h"

namespace utxo::core {

struct UtxoStore::Impl {
    std::filesystem::path dir;
    StoreOptions options;
    lmdb::Env env;
    lmdb::Dbi coins = 0;  // coin key (txid raw || vout BE) -> Core coin encoding
    lmdb::Dbi undo = 0;   // height BE -> undo record (see utxo_batch.cpp)
    lmdb::Dbi meta = 0;   // "format", "network", "tip", "coins", "total", "muhash"
    lmdb::Dbi shards = 0; // shard index BE u16 -> coins u64 || total i64 || MuHash state (768 B)
};

// A coin's record as the store holds it (Core's coin encoding, nothing after it), decoded into
// `coin` (its script buffer reused); the error names the coin.
[[nodiscard]] Status decode_stored_coin(ByteView record, const OutPoint& outpoint, Coin& coin);

// The shards table's records (absent = an empty shard).
Bytes encode_shard_totals(const ShardTotals& totals);
[[nodiscard]] Result<ShardTotals> decode_shard_totals(ByteView bytes);
std::array<std::uint8_t, 2> shard_key(std::uint32_t shard);

}  // namespace utxo::core

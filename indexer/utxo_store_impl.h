// Private to utxo_store.cpp and utxo_batch.cpp: the store's LMDB handles.
#pragma once
#include "indexer/utxo_store.h"

namespace utxo::indexer {

struct UtxoStore::Impl {
    std::filesystem::path dir;
    StoreOptions options;
    core::lmdb::Env env;
    core::lmdb::Dbi coins = 0;  // coin key (txid raw || vout BE) -> Core coin encoding
    core::lmdb::Dbi undo = 0;   // height BE -> undo record (see utxo_batch.cpp)
    core::lmdb::Dbi meta = 0;   // "format", "network", "tip", "coins", "total", "muhash"
    core::lmdb::Dbi shards = 0; // shard index BE u16 -> coins u64 || total i64 || MuHash state (768 B)
};

// A coin's record as the store holds it (Core's coin encoding, nothing after it), decoded into
// `coin` (its script buffer reused); the error names the coin.
[[nodiscard]] core::Status decode_stored_coin(core::ByteView record, const core::OutPoint& outpoint, core::Coin& coin);

// The shards table's records (absent = an empty shard).
core::Bytes encode_shard_totals(const ShardTotals& totals);
[[nodiscard]] core::Result<ShardTotals> decode_shard_totals(core::ByteView bytes);
std::array<std::uint8_t, 2> shard_key(std::uint32_t shard);

}  // namespace utxo::indexer

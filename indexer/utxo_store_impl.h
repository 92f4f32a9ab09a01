// Private to the store's sources (utxo_store.cpp, utxo_batch.cpp, utxo_changes.cpp): its LMDB
// tables and meta keys. The records they hold are encoded and decoded in store_records.h,
// undo_record.h and coin_key.h.
#pragma once
#include <string_view>

#include "core/lmdb.h"
#include "indexer/utxo_store.h"

namespace utxo::indexer {

struct UtxoStore::Impl {
    std::filesystem::path dir;
    StoreOptions options;
    core::lmdb::Env env;
    core::lmdb::Dbi coins = 0;   // coin key (txid raw || vout BE) -> stored coin (Core coin encoding)
    core::lmdb::Dbi undo = 0;    // height BE -> undo record
    core::lmdb::Dbi meta = 0;    // the kMeta* keys below
    core::lmdb::Dbi shards = 0;  // shard index BE u16 -> shard totals
};

// Meta keys: the store's format (u32) and network (its name), the tip (encode_tip), the coin
// count (u64), total amount (i64) and MuHash3072 state of the whole set.
inline constexpr std::string_view kMetaFormat = "format";
inline constexpr std::string_view kMetaNetwork = "network";
inline constexpr std::string_view kMetaTip = "tip";
inline constexpr std::string_view kMetaCoins = "coins";
inline constexpr std::string_view kMetaTotal = "total";
inline constexpr std::string_view kMetaMuhash = "muhash";

}  // namespace utxo::indexer

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
};

}  // namespace utxo::core

// Bitcoin Core's published assumeutxo parameters (m_assumeutxo_data): which snapshot base blocks
// Core accepts, at what height, with what hash_serialized_3. Lets import-core derive the height
// and check the content of a real Core snapshot.
#pragma once
#include <optional>

#include "core/hash.h"
#include "core/network.h"
#include "core/types.h"

namespace utxo::indexer {

struct KnownSnapshot {
    core::Network network;
    core::Height height;
    core::BlockHash block_hash;
    core::AssumeutxoHash hash_serialized_3;
};

std::optional<KnownSnapshot> find_known_snapshot(core::Network net, const core::BlockHash& base);

}  // namespace utxo::indexer

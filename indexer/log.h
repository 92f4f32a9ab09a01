// The indexer's one logger ("indexer"); never null (core/log.h).
#pragma once
#include "core/log.h"

namespace utxo::indexer {

inline spdlog::logger& log() { return core::named_logger("indexer"); }

}  // namespace utxo::indexer

// net's loggers; never null (core/log.h). The DHT node (net/dht.h) logs as "dht".
#pragma once
#include "core/log.h"

namespace utxo::net {

inline spdlog::logger& dht_log() { return core::named_logger("dht"); }

}  // namespace utxo::net

// The trustnet's one logger ("trustnet"); never null (core/log.h).
#pragma once
#include "core/log.h"

namespace utxo::trustnet {

inline spdlog::logger& log() { return core::named_logger("trustnet"); }

}  // namespace utxo::trustnet

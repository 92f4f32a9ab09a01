// The seeder's one logger ("seeder"); never null (core/log.h).
#pragma once
#include "core/log.h"

namespace utxo::seeder {

inline spdlog::logger& log() { return core::named_logger("seeder"); }

}  // namespace utxo::seeder

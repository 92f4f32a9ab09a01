// The verifier's one logger ("verifier"); never null (core/log.h).
#pragma once
#include "core/log.h"

namespace utxo::verifier {

inline spdlog::logger& log() { return core::named_logger("verifier"); }

}  // namespace utxo::verifier

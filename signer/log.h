// The signer's one logger ("signer"); never null (core/log.h).
#pragma once
#include "core/log.h"

namespace utxo::signer {

inline spdlog::logger& log() { return core::named_logger("signer"); }

}  // namespace utxo::signer

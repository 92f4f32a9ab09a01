// The signer's one named logger ("signer"), created on first use.
#pragma once
#include <spdlog/spdlog.h>

namespace utxo::signer {
spdlog::logger& log();
}

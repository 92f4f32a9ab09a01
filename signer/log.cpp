#include "signer/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace utxo::signer {
spdlog::logger& log() {
    static std::shared_ptr<spdlog::logger> logger = [] {
        auto existing = spdlog::get("signer");
        return existing ? existing : spdlog::stderr_color_mt("signer");
    }();
    return *logger;
}
}  // namespace utxo::signer

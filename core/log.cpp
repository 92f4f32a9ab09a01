#include "core/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <mutex>

namespace utxo::core {

spdlog::logger& named_logger(const std::string& name) {
    static std::mutex making;
    std::lock_guard lock(making);
    if (auto existing = spdlog::get(name)) return *existing;
    return *spdlog::stderr_color_mt(name);
}

}  // namespace utxo::core

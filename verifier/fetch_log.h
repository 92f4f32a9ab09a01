// The logger `fetch` writes to: the verifier's own ("verifier") when main.cpp made one, otherwise
// a stderr logger of that name, so fetch code works the same in the binary and in tests.
#pragma once
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace utxo::verifier {

inline std::shared_ptr<spdlog::logger> fetch_log() {
    if (auto existing = spdlog::get("verifier")) return existing;
    try {
        return spdlog::stderr_color_mt("verifier");
    } catch (const spdlog::spdlog_ex&) {  // created meanwhile by another thread
        return spdlog::get("verifier");
    }
}

}  // namespace utxo::verifier

// Rate limit for log lines that peers can trigger (HTTP errors, tracker and peer trouble): at most
// `per_minute` lines a minute per limiter; the next allowed line says how many were dropped.
#pragma once
#include <chrono>
#include <cstdint>
#include <mutex>

namespace utxo::seeder {

class LogLimiter {
public:
    explicit LogLimiter(unsigned per_minute) : per_minute_(per_minute) {}

    // Whether a line may be logged now; `dropped` gets the lines refused since the last one allowed.
    bool allow(std::uint64_t& dropped) {
        std::lock_guard lock(mutex_);
        auto now = std::chrono::steady_clock::now();
        if (now - window_ >= std::chrono::minutes(1)) {
            window_ = now;
            used_ = 0;
        }
        if (used_ >= per_minute_) {
            ++dropped_;
            return false;
        }
        ++used_;
        dropped = dropped_;
        dropped_ = 0;
        return true;
    }

private:
    std::mutex mutex_;
    unsigned per_minute_;
    unsigned used_ = 0;
    std::uint64_t dropped_ = 0;
    std::chrono::steady_clock::time_point window_{};
};

}  // namespace utxo::seeder

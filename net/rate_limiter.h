// An upload budget: bytes per second shared by every connection of a server (the seeder's
// --upload-rate over HTTP).
// Each chunk reserves its bytes on a virtual clock that advances by bytes / rate; the caller waits
// until its reservation starts. Idle time is not saved up, so there are no bursts beyond a chunk.
#pragma once
#include <chrono>
#include <cstdint>
#include <mutex>

namespace utxo::net {

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;
    explicit RateLimiter(std::int64_t bytes_per_second) : rate_(bytes_per_second) {}

    // Reserves `bytes` and returns how long to wait before sending them (zero when unlimited).
    std::chrono::nanoseconds reserve(std::uint64_t bytes, Clock::time_point now = Clock::now()) {
        if (rate_ <= 0) return {};
        std::lock_guard lock(mutex_);
        if (next_free_ < now) next_free_ = now;
        const auto wait = next_free_ - now;
        next_free_ += std::chrono::nanoseconds(
            static_cast<std::int64_t>(static_cast<double>(bytes) * 1e9 / static_cast<double>(rate_)));
        return std::chrono::duration_cast<std::chrono::nanoseconds>(wait);
    }

private:
    const std::int64_t rate_;
    std::mutex mutex_;
    Clock::time_point next_free_{};
};

}  // namespace utxo::net

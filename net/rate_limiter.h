// An upload budget: bytes per second shared by every connection of a server (the seeder's
// --upload-rate over HTTP).
// Each chunk reserves its bytes on a virtual clock that advances by bytes / rate; the caller waits
// until its reservation starts. Idle time is not saved up, so there are no bursts beyond a chunk.
// A reservation whose wait is abandoned (the connection closed, or the wait would outlast the
// write timeout) is given back, so clients that go away do not delay the ones that stay.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace utxo::net {

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;

    // `bytes` of the budget, to be sent once `wait` has passed.
    struct Reservation {
        std::chrono::nanoseconds wait{0};      // zero when unlimited or the budget is free now
        std::chrono::nanoseconds duration{0};  // the budget's time the bytes take
    };

    explicit RateLimiter(std::int64_t bytes_per_second) : rate_(bytes_per_second) {}

    bool unlimited() const { return rate_ <= 0; }
    std::int64_t rate() const { return rate_; }

    // Reserves `bytes` and says how long to wait before sending them.
    Reservation reserve(std::uint64_t bytes, Clock::time_point now = Clock::now()) {
        if (rate_ <= 0) return {};
        std::lock_guard lock(mutex_);
        if (next_free_ < now) next_free_ = now;
        Reservation r;
        r.wait = next_free_ - now;
        r.duration = std::chrono::nanoseconds(
            static_cast<std::int64_t>(static_cast<double>(bytes) * 1e9 / static_cast<double>(rate_)));
        next_free_ += r.duration;
        return r;
    }

    // Gives back a reservation whose bytes were not sent: the budget's clock moves back by its
    // duration, never before `now`. Reservations made after it keep their times, so for a moment
    // the pace may exceed the rate by what was given back; over any longer window it does not.
    void give_back(const Reservation& r, Clock::time_point now = Clock::now()) {
        if (rate_ <= 0 || r.duration <= std::chrono::nanoseconds::zero()) return;
        std::lock_guard lock(mutex_);
        next_free_ = std::max(now, next_free_ - r.duration);
    }

private:
    const std::int64_t rate_;
    std::mutex mutex_;
    Clock::time_point next_free_{};
};

}  // namespace utxo::net

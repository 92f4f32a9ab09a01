// The shared HTTP upload budget: reservations queue up at bytes / rate, idle time is not saved.
#include <catch2/catch.hpp>

#include "net/rate_limiter.h"

using utxo::net::RateLimiter;
using namespace std::chrono_literals;

TEST_CASE("RateLimiter spaces reservations by bytes / rate and saves no idle time", "[net][rate]") {
    const auto t0 = RateLimiter::Clock::now();
    RateLimiter unlimited(0);
    CHECK(unlimited.reserve(1 << 30, t0) == 0ns);

    RateLimiter limiter(1'000'000);  // 1 MB/s: 250,000 bytes take 250 ms
    CHECK(limiter.reserve(250'000, t0) == 0ns);
    CHECK(limiter.reserve(250'000, t0) == 250ms);
    CHECK(limiter.reserve(250'000, t0 + 100ms) == 400ms);  // queued behind the first two
    // Four reservations of 250 kB: the last may start after 750 ms; a caller a second later than
    // the queue's end waits for nothing and gets no credit for the idle time.
    CHECK(limiter.reserve(250'000, t0 + 2s) == 0ns);
    CHECK(limiter.reserve(250'000, t0 + 2s) == 250ms);
}

// The shared HTTP upload budget: reservations queue up at bytes / rate, idle time is not saved,
// and a reservation given back frees its time for the next caller.
#include <catch2/catch.hpp>
#include <vector>

#include "net/rate_limiter.h"

using utxo::net::RateLimiter;
using namespace std::chrono_literals;

TEST_CASE("RateLimiter spaces reservations by bytes / rate and saves no idle time", "[net][rate]") {
    const auto t0 = RateLimiter::Clock::now();
    RateLimiter unlimited(0);
    CHECK(unlimited.reserve(1 << 30, t0).wait == 0ns);

    RateLimiter limiter(1'000'000);  // 1 MB/s: 250,000 bytes take 250 ms
    CHECK(limiter.reserve(250'000, t0).wait == 0ns);
    CHECK(limiter.reserve(250'000, t0).wait == 250ms);
    CHECK(limiter.reserve(250'000, t0 + 100ms).wait == 400ms);  // queued behind the first two
    // Four reservations of 250 kB: the last may start after 750 ms; a caller a second later than
    // the queue's end waits for nothing and gets no credit for the idle time.
    CHECK(limiter.reserve(250'000, t0 + 2s).wait == 0ns);
    CHECK(limiter.reserve(250'000, t0 + 2s).wait == 250ms);
}

TEST_CASE("RateLimiter takes back reservations that were not used", "[net][rate]") {
    const auto t0 = RateLimiter::Clock::now();
    RateLimiter limiter(1'000'000);
    // Fifty clients reserve 250 kB each and go away: without give_back the next one would wait
    // 12.5 s for bytes nobody sends.
    std::vector<RateLimiter::Reservation> abandoned;
    for (int i = 0; i < 50; ++i) abandoned.push_back(limiter.reserve(250'000, t0));
    CHECK(abandoned.back().wait == 12250ms);
    CHECK(abandoned.back().duration == 250ms);
    for (const auto& r : abandoned) limiter.give_back(r, t0 + 10ms);
    CHECK(limiter.reserve(1'000, t0 + 10ms).wait == 0ns);

    // Giving back never moves the clock before now, so no budget is created from the past.
    RateLimiter other(1'000'000);
    auto first = other.reserve(250'000, t0);
    other.give_back(first, t0 + 1s);
    other.give_back(first, t0 + 1s);  // twice by mistake: still not before now
    CHECK(other.reserve(250'000, t0 + 1s).wait == 0ns);
    CHECK(other.reserve(250'000, t0 + 1s).wait == 250ms);
    RateLimiter none(0);
    none.give_back(none.reserve(5, t0), t0);  // unlimited: nothing to give back
    CHECK(none.reserve(5, t0).wait == 0ns);
}

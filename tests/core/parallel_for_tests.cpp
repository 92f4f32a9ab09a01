// core::parallel_for: every job runs once, and the failure reported is the lowest index that ran.
#include <atomic>
#include <catch2/catch.hpp>
#include <vector>

#include "core/parallel_for.h"

using namespace utxo::core;

TEST_CASE("parallel_for runs every index once on several threads", "[parallel]") {
    for (unsigned threads : {1u, 2u, 4u}) {
        for (std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{1000}}) {
            std::vector<std::atomic<int>> runs(count);
            REQUIRE(parallel_for(count, threads, [&](std::size_t i) -> Status {
                ++runs[i];
                return {};
            }));
            for (std::size_t i = 0; i < count; ++i) CHECK(runs[i] == 1);
        }
    }
}

TEST_CASE("parallel_for stops taking jobs after a failure and reports the lowest failing index",
          "[parallel]") {
    std::atomic<std::size_t> ran{0};
    auto s = parallel_for(10'000, 2, [&](std::size_t i) -> Status {
        ++ran;
        if (i == 7 || i == 9) return fail(Errc::invalid, "job " + std::to_string(i));
        return {};
    });
    REQUIRE(!s);
    // Jobs are handed out in index order, so 7 ran and failed before 9 could be the only failure.
    CHECK(s.error().message == "job 7");
    CHECK(ran < 10'000);
}

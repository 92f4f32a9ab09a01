// Running an independent job per index on a few threads, for per-shard work that is bound by one
// core (applying patches, hashing files). Jobs are taken in index order; after the first failure
// no new job starts, and the failure with the lowest index among those that ran is returned, so
// the error a user sees does not depend on timing more than it must.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/error.h"

namespace utxo::core {

// The threads per-shard work uses: the machine's cores, at most `cap`.
inline unsigned worker_threads(unsigned cap = 4) {
    return std::clamp(std::thread::hardware_concurrency(), 1u, cap);
}

// Calls job(i) for every i in [0, count) on up to `threads` threads (the caller's included).
template <class Job>
[[nodiscard]] Status parallel_for(std::size_t count, unsigned threads, Job&& job) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex mutex;
    std::optional<std::pair<std::size_t, Error>> first_error;
    auto work = [&] {
        while (!failed) {
            const std::size_t i = next++;
            if (i >= count) return;
            Status s = job(i);
            if (s) continue;
            std::lock_guard lock(mutex);
            if (!first_error || i < first_error->first) first_error.emplace(i, std::move(s.error()));
            failed = true;
        }
    };
    std::vector<std::thread> helpers;
    const std::size_t extra = std::min<std::size_t>(threads > 0 ? threads - 1 : 0, count > 0 ? count - 1 : 0);
    for (std::size_t t = 0; t < extra; ++t) helpers.emplace_back(work);
    work();
    for (auto& t : helpers) t.join();
    if (first_error) return std::unexpected(std::move(first_error->second));
    return {};
}

}  // namespace utxo::core

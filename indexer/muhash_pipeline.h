// MuHash3072 on a second core. The 3072-bit multiplication per coin is the most expensive step of
// indexing and of cutting a release; this moves it to a worker thread. The caller serializes each
// coin (cheap) into a batch; full batches go to the worker, which folds them into one or more
// accumulators (e.g. one per shard). Results are ready after finish().
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "core/coin.h"
#include "core/muhash.h"

namespace utxo::indexer {

class MuHashPipeline {
public:
    explicit MuHashPipeline(std::size_t accumulators = 1);
    // Routes every coin to accumulator shard_of(script, accumulators) (a power of two), computed on
    // the worker, so the caller pays nothing for the SHA256d of the script.
    static constexpr std::size_t kShardOfScript = SIZE_MAX;
    ~MuHashPipeline();  // stops the worker (results discarded unless finish() was called)
    MuHashPipeline(const MuHashPipeline&) = delete;
    MuHashPipeline& operator=(const MuHashPipeline&) = delete;

    // `accumulator` is an index, or kShardOfScript.
    void insert_coin(std::size_t accumulator, const core::OutPoint& outpoint, const core::Coin& coin);
    void remove_coin(std::size_t accumulator, const core::OutPoint& outpoint, const core::Coin& coin);
    // What one accumulator gathered: the MuHash of the changes, and the net change of coin count
    // and amount (inserted minus removed).
    struct Accumulated {
        core::MuHash3072 muhash;
        std::int64_t coins = 0;
        std::int64_t amount = 0;
        std::uint64_t elements = 0;  // inserted plus removed
    };
    // Waits until every queued element is folded in and returns the accumulators. Call once.
    std::vector<Accumulated> finish();

private:
    struct Batch {
        core::Bytes data;  // records: u32 accumulator | u8 remove | u24 length | element
        std::size_t count = 0;
    };
    void add(std::size_t accumulator, bool remove, const core::OutPoint& outpoint, const core::Coin& coin);
    void hand_over();
    void work();

    std::vector<Accumulated> acc_;
    Batch filling_;
    std::deque<Batch> queue_;
    std::vector<core::Bytes> spare_;  // emptied buffers handed back by the worker, reused by the producer
    std::mutex mutex_;
    std::condition_variable cv_;
    bool closing_ = false;
    std::thread worker_;
};

}  // namespace utxo::indexer

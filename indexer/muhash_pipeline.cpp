#include "indexer/muhash_pipeline.h"

#include <cstring>

#include "core/serialize.h"
#include "core/shard.h"

namespace utxo::indexer {

namespace {
constexpr std::size_t kBatchCoins = 4096;
constexpr std::size_t kMaxQueued = 4;  // bounds memory: the producer waits when the worker lags
constexpr std::uint32_t kRouteByScript = UINT32_MAX;
}  // namespace

MuHashPipeline::MuHashPipeline(std::size_t accumulators) : acc_(accumulators), worker_([this] { work(); }) {}

MuHashPipeline::~MuHashPipeline() {
    {
        std::lock_guard lock(mutex_);
        closing_ = true;
    }
    cv_.notify_all();
    if (worker_.joinable()) worker_.join();
}

void MuHashPipeline::insert_coin(std::size_t a, const core::OutPoint& op, const core::Coin& coin) {
    add(a, false, op, coin);
}
void MuHashPipeline::remove_coin(std::size_t a, const core::OutPoint& op, const core::Coin& coin) {
    add(a, true, op, coin);
}

// Record layout in a batch: u32 accumulator | u8 remove | u24 element length | element.
// Elements are TxOutSer, at most ~10 KB (scripts over 10,000 bytes never enter the set).
void MuHashPipeline::add(std::size_t accumulator, bool remove, const core::OutPoint& op,
                         const core::Coin& coin) {
    core::Bytes& d = filling_.data;
    const std::size_t at = d.size();
    d.resize(at + 8);
    core::Writer w(d);
    core::write_txout_ser(w, op, coin);
    const std::uint32_t a =
        accumulator == kShardOfScript ? kRouteByScript : static_cast<std::uint32_t>(accumulator);
    const std::size_t len = d.size() - at - 8;
    std::memcpy(d.data() + at, &a, 4);
    d[at + 4] = remove ? 1 : 0;
    d[at + 5] = std::uint8_t(len);
    d[at + 6] = std::uint8_t(len >> 8);
    d[at + 7] = std::uint8_t(len >> 16);
    if (++filling_.count == kBatchCoins) hand_over();
}

void MuHashPipeline::hand_over() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return queue_.size() < kMaxQueued; });
    queue_.push_back(std::move(filling_));
    filling_ = Batch{};
    if (!spare_.empty()) {  // a large allocation per batch would be a malloc_consolidate per batch
        filling_.data = std::move(spare_.back());
        spare_.pop_back();
    } else {
        filling_.data.reserve(kBatchCoins * 96);
    }
    lock.unlock();
    cv_.notify_all();
}

void MuHashPipeline::work() {
    while (true) {
        Batch batch;
        {
            std::unique_lock lock(mutex_);
            cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
            if (queue_.empty()) return;  // closing and drained
            batch = std::move(queue_.front());
            queue_.pop_front();
        }
        cv_.notify_all();
        const std::uint8_t* p = batch.data.data();
        const std::uint8_t* end = p + batch.data.size();
        while (p < end) {
            std::uint32_t a;
            std::memcpy(&a, p, 4);
            bool remove = p[4] != 0;
            std::size_t len = p[5] | std::size_t{p[6]} << 8 | std::size_t{p[7]} << 16;
            core::ByteView element(p + 8, len);
            if (a == kRouteByScript)
                a = core::shard_of(core::txout_ser_script(element), static_cast<std::uint32_t>(acc_.size()));
            const std::int64_t amount = core::txout_ser_value(element).sat;
            Accumulated& acc = acc_[a];
            ++acc.elements;
            if (remove) {
                acc.muhash.remove(element);
                --acc.coins;
                acc.amount -= amount;
            } else {
                acc.muhash.insert(element);
                ++acc.coins;
                acc.amount += amount;
            }
            p += 8 + len;
        }
        batch.data.clear();
        std::lock_guard lock(mutex_);
        spare_.push_back(std::move(batch.data));
    }
}

std::vector<MuHashPipeline::Accumulated> MuHashPipeline::finish() {
    if (filling_.count) hand_over();
    {
        std::lock_guard lock(mutex_);
        closing_ = true;
    }
    cv_.notify_all();
    worker_.join();
    return std::move(acc_);
}

}  // namespace utxo::indexer

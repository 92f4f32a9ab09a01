#include "indexer/fresh_coin_cache.h"

#include <algorithm>

namespace utxo::indexer {

FreshCoinCache::FreshCoinCache() { small_.max_load_factor(0.8f); }

bool FreshCoinCache::put(const CoinKey& key, core::ByteView coin) {
    if (coin.size() <= kInline) {
        if (!large_.empty() && large_.contains(key)) return false;
        Small s;
        s.size = static_cast<std::uint8_t>(coin.size());
        std::memcpy(s.bytes.data(), coin.data(), coin.size());
        return small_.emplace(key, s).second;
    } else {
        if (contains(key)) return false;
        large_.emplace(key, core::Bytes(coin.begin(), coin.end()));
        large_bytes_ += coin.size();
    }
    return true;
}

bool FreshCoinCache::take(const CoinKey& key, core::Bytes& out) {
    if (auto it = small_.find(key); it != small_.end()) {
        const Small& v = it->second;
        out.insert(out.end(), v.bytes.begin(), v.bytes.begin() + v.size);
        small_.erase(it);
        return true;
    }
    if (auto it = large_.find(key); it != large_.end()) {
        out.insert(out.end(), it->second.begin(), it->second.end());
        large_bytes_ -= it->second.size();
        large_.erase(it);
        return true;
    }
    return false;
}

std::size_t FreshCoinCache::memory_bytes() const {
    // A slot holds the key, the value and robin hood's distance; a large_ node also the next
    // pointer and malloc's header.
    constexpr std::size_t slot = kSlotBytes;
    constexpr std::size_t large_node =
        (sizeof(void*) + sizeof(std::pair<CoinKey, core::Bytes>) + 8 + 15) / 16 * 16;
    return small_.bucket_count() * slot + large_.size() * large_node + large_.bucket_count() * sizeof(void*) +
           large_bytes_;
}

bool FreshCoinCache::over_budget(std::size_t budget) const {
    const std::size_t now = memory_bytes();
    if (now > budget) return true;
    // Within a block or two of the next growth, count the doubled table (and the old one, which
    // lives until the move is done).
    const auto growth_at = static_cast<std::size_t>(0.75 * static_cast<double>(small_.bucket_count()));
    const std::size_t slots_bytes = small_.bucket_count() * kSlotBytes;
    return small_.size() >= growth_at && now + 2 * slots_bytes > budget;
}

std::vector<FreshCoinCache::Entry> FreshCoinCache::sorted() const {
    // Sorted on the first 8 key bytes held beside the pointer (big-endian, so integer order is
    // byte order), which settles nearly every comparison without touching the table.
    struct Sortable {
        std::uint64_t prefix;
        Entry entry;
    };
    auto prefix_of = [](const CoinKey& k) {
        std::uint64_t p = 0;
        for (int i = 0; i < 8; ++i) p = p << 8 | k[i];
        return p;
    };
    std::vector<Sortable> items;
    items.reserve(size());
    for (const auto& [k, v] : small_)
        items.push_back({prefix_of(k), {&k, core::ByteView(v.bytes.data(), v.size)}});
    for (const auto& [k, v] : large_) items.push_back({prefix_of(k), {&k, core::ByteView(v)}});
    std::sort(items.begin(), items.end(), [](const Sortable& a, const Sortable& b) {
        if (a.prefix != b.prefix) return a.prefix < b.prefix;
        return *a.entry.key < *b.entry.key;
    });
    std::vector<Entry> out;
    out.reserve(items.size());
    for (const auto& i : items) out.push_back(i.entry);
    return out;
}

void FreshCoinCache::clear() {
    small_ = {};
    small_.max_load_factor(0.8f);
    large_ = {};
    large_bytes_ = 0;
}

}  // namespace utxo::indexer

#include "core/fresh_coin_cache.h"

#include <algorithm>

namespace utxo::core {

bool FreshCoinCache::put(const CoinKey& key, ByteView coin) {
    if (contains(key)) return false;
    if (coin.size() <= kInline) {
        Small s;
        s.size = static_cast<std::uint8_t>(coin.size());
        std::memcpy(s.bytes.data(), coin.data(), coin.size());
        small_.emplace(key, s);
    } else {
        large_.emplace(key, Bytes(coin.begin(), coin.end()));
        large_bytes_ += coin.size();
    }
    return true;
}

bool FreshCoinCache::take(const CoinKey& key, Bytes& out) {
    if (auto it = small_.find(key); it != small_.end()) {
        out.insert(out.end(), it->second.bytes.begin(), it->second.bytes.begin() + it->second.size);
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
    // A node holds the next pointer, the key and the value, plus malloc's header, rounded to 16.
    constexpr std::size_t small_node = (sizeof(void*) + sizeof(std::pair<CoinKey, Small>) + 8 + 15) / 16 * 16;
    constexpr std::size_t large_node = (sizeof(void*) + sizeof(std::pair<CoinKey, Bytes>) + 8 + 15) / 16 * 16;
    return small_.size() * small_node + small_.bucket_count() * sizeof(void*) + large_.size() * large_node +
           large_.bucket_count() * sizeof(void*) + large_bytes_;
}

std::vector<FreshCoinCache::Entry> FreshCoinCache::sorted() const {
    std::vector<Entry> out;
    out.reserve(size());
    for (const auto& [k, v] : small_) out.push_back({&k, ByteView(v.bytes.data(), v.size)});
    for (const auto& [k, v] : large_) out.push_back({&k, ByteView(v)});
    std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return *a.key < *b.key; });
    return out;
}

void FreshCoinCache::clear() {
    small_ = {};
    large_ = {};
    large_bytes_ = 0;
}

}  // namespace utxo::core

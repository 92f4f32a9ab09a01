// Coins created inside the open write batch and not yet written to LMDB.
//
// Most coins die young: a coin spent while it is still here never touches the B-tree, and the
// survivors are written in key order at flush, which turns random inserts into one forward walk
// over the tree (appends, when the keys are above everything stored). This is what lets indexing
// run faster than LMDB's own random insert rate. Memory is bounded by the caller, who flushes when
// over_budget() says so.
#pragma once
#include <tsl/robin_map.h>

#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "core/bytes.h"
#include "indexer/coin_key.h"

namespace utxo::indexer {

class FreshCoinCache {
public:
    FreshCoinCache();
    // Adds a coin; false (and nothing changed) if the key is already here.
    bool put(const CoinKey& key, core::ByteView encoded_coin);
    // Removes the coin and appends its encoding to `out`; false if the key is not here.
    bool take(const CoinKey& key, core::Bytes& out);
    bool contains(const CoinKey& key) const { return small_.contains(key) || large_.contains(key); }
    std::size_t size() const { return small_.size() + large_.size(); }
    bool empty() const { return size() == 0; }
    // An estimate of the heap this cache holds (slots, nodes and large encodings).
    std::size_t memory_bytes() const;
    // Whether the cache holds more than `budget` bytes, or will once its table next doubles
    // (which it does when it is 80% full): the caller then writes it out first.
    bool over_budget(std::size_t budget) const;

    struct Entry {
        const CoinKey* key;
        core::ByteView coin;
    };
    // Every coin, ascending by key. The views stay valid until the next change or clear().
    std::vector<Entry> sorted() const;
    void clear();

private:
    // Encodings up to this size (every standard script type with any amount and height) live in
    // the table's own slots, so a lookup costs one cache miss and no allocation; longer ones,
    // rare, go to `large_`.
    static constexpr std::size_t kInline = 47;
    struct Small {
        std::uint8_t size;
        std::array<std::uint8_t, kInline> bytes;
    };
    static constexpr std::size_t kSlotBytes = sizeof(std::pair<CoinKey, Small>) + 4;
    // Open addressing (robin hood): the slot holds key and value; no node allocations.
    tsl::robin_map<CoinKey, Small, CoinKeyHash, CoinKeyEqual> small_;
    std::unordered_map<CoinKey, core::Bytes, CoinKeyHash, CoinKeyEqual> large_;
    std::size_t large_bytes_ = 0;
};

}  // namespace utxo::indexer

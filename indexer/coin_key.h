// The UTXO store's coin key, txid (raw) || vout (big-endian): its byte order is Core's
// hash_serialized_3 order. Hash and equality for the in-memory tables keyed by it.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>

namespace utxo::indexer {

using CoinKey = std::array<std::uint8_t, 36>;

struct CoinKeyHash {
    std::size_t operator()(const CoinKey& k) const noexcept {
        std::uint64_t a;
        std::memcpy(&a, k.data(), 8);  // txids are uniformly random; the vout separates siblings
        return a ^ (std::uint64_t{k[34]} << 8 | k[35]) * 0x9E3779B97F4A7C15ull;
    }
};

struct CoinKeyEqual {
    bool operator()(const CoinKey& a, const CoinKey& b) const noexcept {
        return std::memcmp(a.data(), b.data(), a.size()) == 0;
    }
};

}  // namespace utxo::indexer

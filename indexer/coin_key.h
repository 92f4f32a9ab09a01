// The UTXO store's coin key, txid (raw) || vout (big-endian): its byte order is Core's
// hash_serialized_3 order. Hash and equality for the in-memory tables keyed by it.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>

#include "core/bytes.h"
#include "core/types.h"

namespace utxo::indexer {

using CoinKey = std::array<std::uint8_t, 36>;

inline CoinKey coin_key(const core::OutPoint& outpoint) {
    CoinKey k;
    std::memcpy(k.data(), outpoint.txid.data(), 32);
    k[32] = std::uint8_t(outpoint.vout >> 24);
    k[33] = std::uint8_t(outpoint.vout >> 16);
    k[34] = std::uint8_t(outpoint.vout >> 8);
    k[35] = std::uint8_t(outpoint.vout);
    return k;
}

// `key` must be 36 bytes.
inline core::OutPoint outpoint_from_key(core::ByteView key) {
    core::OutPoint o;
    o.txid = core::Txid::from_raw(key.first(32));
    o.vout =
        std::uint32_t{key[32]} << 24 | std::uint32_t{key[33]} << 16 | std::uint32_t{key[34]} << 8 | key[35];
    return o;
}

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

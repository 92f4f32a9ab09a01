// Small strong types: heights, amounts, outpoints.
#pragma once
#include <compare>
#include <cstdint>

#include "core/hash.h"

namespace utxo::core {

struct Height {
    std::uint32_t value = 0;
    friend auto operator<=>(const Height&, const Height&) = default;
};

// Satoshis. Signed, as in Core's CAmount.
struct Amount {
    std::int64_t sat = 0;
    friend auto operator<=>(const Amount&, const Amount&) = default;
};

inline constexpr std::int64_t kCoin = 100'000'000;
inline constexpr std::int64_t kMaxMoney = 21'000'000 * kCoin;
inline bool money_range(Amount a) { return a.sat >= 0 && a.sat <= kMaxMoney; }

struct OutPoint {
    Txid txid;
    std::uint32_t vout = 0;
    // Core's order for hash_serialized_3: txid raw bytes, then vout numerically.
    friend auto operator<=>(const OutPoint&, const OutPoint&) = default;
};

}  // namespace utxo::core

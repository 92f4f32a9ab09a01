// Small strong types: heights, amounts, outpoints.
#pragma once
#include <compare>
#include <cstdint>
#include <optional>

#include "core/hash.h"

namespace utxo::core {

// A block height. u32, as Core stores a coin's height and a snapshot's base height; written as
// u32 wherever a format holds one, and printed as its plain decimal digits (`value`).
struct Height {
    std::uint32_t value = 0;

    // A height read as a wider number from text or JSON: nullopt above UINT32_MAX, for the
    // parser to refuse as it refuses any other bad number.
    static constexpr std::optional<Height> from_u64(std::uint64_t v) {
        if (v > UINT32_MAX) return std::nullopt;
        return Height{static_cast<std::uint32_t>(v)};
    }
    constexpr Height next() const { return Height{value + 1}; }  // u32 arithmetic
    // The height `blocks` below this one; blocks <= value.
    constexpr Height minus(std::uint32_t blocks) const { return Height{value - blocks}; }

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

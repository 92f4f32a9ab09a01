// 32-byte hashes as distinct types. Bytes are kept in internal ("raw") order, the order
// Bitcoin serializes them; display hex (what RPCs print) is the reverse.
#pragma once
#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"

namespace utxo::core {

template <class Tag>
class BasicHash {
public:
    static constexpr std::size_t size = 32;
    using Array = std::array<std::uint8_t, size>;

    constexpr BasicHash() : bytes_{} {}
    explicit constexpr BasicHash(const Array& raw) : bytes_(raw) {}

    static BasicHash from_raw(ByteView raw) {  // raw.size() must be 32
        BasicHash h;
        std::memcpy(h.bytes_.data(), raw.data(), size);
        return h;
    }
    // Parses 64 hex digits in display order (reversed); nullopt otherwise.
    static std::optional<BasicHash> from_display_hex(std::string_view hex) {
        auto raw = from_hex(hex);
        if (!raw || raw->size() != size) return std::nullopt;
        BasicHash h;
        for (std::size_t i = 0; i < size; ++i) h.bytes_[i] = (*raw)[size - 1 - i];
        return h;
    }
    std::string to_display_hex() const {
        Array rev;
        for (std::size_t i = 0; i < size; ++i) rev[i] = bytes_[size - 1 - i];
        return to_hex(rev);
    }
    std::string to_raw_hex() const { return to_hex(bytes_); }

    const Array& raw() const { return bytes_; }
    Array& raw() { return bytes_; }
    const std::uint8_t* data() const { return bytes_.data(); }
    bool is_zero() const { return bytes_ == Array{}; }

    friend auto operator<=>(const BasicHash&, const BasicHash&) = default;  // raw byte order

private:
    Array bytes_;
};

struct Hash256Tag {};
struct TxidTag {};
struct WtxidTag {};
struct BlockHashTag {};

using Hash256 = BasicHash<Hash256Tag>;  // an untyped SHA-256 or SHA256d digest
using Txid = BasicHash<TxidTag>;
using Wtxid = BasicHash<WtxidTag>;
using BlockHash = BasicHash<BlockHashTag>;

template <class To, class From>
To hash_cast(const BasicHash<From>& h) {
    return To(h.raw());
}

}  // namespace utxo::core

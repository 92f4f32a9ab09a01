#include "core/serialize.h"

#include <fmt/format.h>

namespace utxo::core {

void Writer::compact_size(std::uint64_t n) {
    if (n < 253) {
        u8(static_cast<std::uint8_t>(n));
    } else if (n <= 0xffff) {
        u8(0xfd);
        u16(static_cast<std::uint16_t>(n));
    } else if (n <= 0xffffffff) {
        u8(0xfe);
        u32(static_cast<std::uint32_t>(n));
    } else {
        u8(0xff);
        u64(n);
    }
}

void Writer::varint(std::uint64_t n) {
    std::uint8_t tmp[10];
    int len = 0;
    while (true) {
        tmp[len] = static_cast<std::uint8_t>((n & 0x7f) | (len ? 0x80 : 0x00));
        if (n <= 0x7f) break;
        n = (n >> 7) - 1;
        ++len;
    }
    for (int i = len; i >= 0; --i) u8(tmp[i]);
}

Result<std::uint64_t> Reader::le(int n) {
    if (remaining() < static_cast<std::size_t>(n))
        return fail(Errc::truncated, fmt::format("unexpected end of data at byte {}", pos_));
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= std::uint64_t{data_[pos_ + i]} << (8 * i);
    pos_ += n;
    return v;
}

template <class T>
[[nodiscard]] static Result<T> narrow(Result<std::uint64_t> v) {
    UTXO_TRY(v);
    return static_cast<T>(*v);
}

Result<std::uint8_t> Reader::u8() { return narrow<std::uint8_t>(le(1)); }
Result<std::uint16_t> Reader::u16() { return narrow<std::uint16_t>(le(2)); }
Result<std::uint32_t> Reader::u32() { return narrow<std::uint32_t>(le(4)); }
Result<std::uint64_t> Reader::u64() { return le(8); }
Result<std::int32_t> Reader::i32() { return narrow<std::int32_t>(le(4)); }
Result<std::int64_t> Reader::i64() { return narrow<std::int64_t>(le(8)); }

Result<ByteView> Reader::bytes(std::size_t n) {
    if (remaining() < n)
        return fail(Errc::truncated,
                    fmt::format("unexpected end of data at byte {} (need {} more bytes, have {})", pos_, n,
                                remaining()));
    ByteView out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
}

Result<std::uint64_t> Reader::compact_size(std::uint64_t max) {
    std::size_t start = pos_;
    UTXO_TRY_ASSIGN(auto first, u8());
    std::uint64_t value;
    std::uint64_t minimum;
    if (first < 253) {
        value = first;
        minimum = 0;
    } else {
        int width = first == 0xfd ? 2 : first == 0xfe ? 4 : 8;
        UTXO_TRY_ASSIGN(auto v, le(width));
        value = v;
        minimum = width == 2 ? 253 : width == 4 ? 0x10000 : 0x100000000;
    }
    if (value < minimum)
        return fail(Errc::non_canonical, fmt::format("non-canonical CompactSize at byte {}", start));
    if (value > max)
        return fail(Errc::too_large,
                    fmt::format("CompactSize {} at byte {} exceeds the limit {}", value, start, max));
    return value;
}

Result<std::uint64_t> Reader::varint(std::uint64_t max) {
    std::size_t start = pos_;
    std::uint64_t n = 0;
    while (true) {
        UTXO_TRY_ASSIGN(auto b, u8());
        if (n > (max >> 7))
            return fail(Errc::too_large, fmt::format("VARINT at byte {} is too large", start));
        n = (n << 7) | (b & 0x7f);
        if (b & 0x80) {
            if (n == max) return fail(Errc::too_large, fmt::format("VARINT at byte {} is too large", start));
            ++n;
        } else {
            return n;
        }
    }
}

Result<ByteView> Reader::var_bytes(std::uint64_t max) {
    UTXO_TRY_ASSIGN(auto n, compact_size(max));
    return bytes(static_cast<std::size_t>(n));
}

std::size_t compact_size_length(std::uint64_t n) {
    return n < 253 ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
}

}  // namespace utxo::core

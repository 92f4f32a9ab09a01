// Bitcoin's wire integers: little-endian fixed width, CompactSize (wire sizes) and
// Core's VARINT (MSB base-128 with +1 per continuation byte, used in coin records).
// The two variable encodings are different; never mix them.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>

#include "core/bytes.h"
#include "core/error.h"
#include "core/hash.h"

namespace utxo::core {

// Core refuses CompactSize values above this by default (MAX_SIZE).
inline constexpr std::uint64_t kMaxCompactSize = 0x02000000;

class Writer {
public:
    explicit Writer(Bytes& out) : out_(out) {}
    void u8(std::uint8_t v) { out_.push_back(v); }
    void u16(std::uint16_t v) { put_le(v, 2); }
    void u32(std::uint32_t v) { put_le(v, 4); }
    void u64(std::uint64_t v) { put_le(v, 8); }
    void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
    void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
    void bytes(ByteView b) { out_.insert(out_.end(), b.begin(), b.end()); }
    template <class Tag>
    void hash(const BasicHash<Tag>& h) {
        bytes(h.raw());
    }
    void compact_size(std::uint64_t n);
    void varint(std::uint64_t n);
    void var_bytes(ByteView b) {
        compact_size(b.size());
        bytes(b);
    }  // CompactSize length + bytes
    Bytes& buffer() { return out_; }

private:
    void put_le(std::uint64_t v, int n) {
        for (int i = 0; i < n; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    }
    Bytes& out_;
};

// Reads from a byte span; every read checks bounds. Errors say what was being read.
class Reader {
public:
    explicit Reader(ByteView data) : data_(data) {}
    std::size_t remaining() const { return data_.size() - pos_; }
    std::size_t position() const { return pos_; }
    bool empty() const { return remaining() == 0; }

    [[nodiscard]] Result<std::uint8_t> u8();
    Result<std::uint16_t> u16();
    [[nodiscard]] Result<std::uint32_t> u32();
    Result<std::uint64_t> u64();
    [[nodiscard]] Result<std::int32_t> i32();
    Result<std::int64_t> i64();
    [[nodiscard]] Result<ByteView> bytes(std::size_t n);  // a view into the input, no copy
    template <class Tag>
    [[nodiscard]] Result<BasicHash<Tag>> hash() {
        UTXO_TRY_ASSIGN(auto b, bytes(32));
        return BasicHash<Tag>::from_raw(b);
    }
    // Canonical CompactSize no larger than max (Core's defaults).
    [[nodiscard]] Result<std::uint64_t> compact_size(std::uint64_t max = kMaxCompactSize);
    // Core VARINT that must fit in `max` (UINT32_MAX for heights and script sizes).
    [[nodiscard]] Result<std::uint64_t> varint(std::uint64_t max = UINT64_MAX);
    Result<ByteView> var_bytes(std::uint64_t max = kMaxCompactSize);  // CompactSize + bytes

private:
    [[nodiscard]] Result<std::uint64_t> le(int n);
    ByteView data_;
    std::size_t pos_ = 0;
};

// Encoded sizes, for pre-sizing buffers.
std::size_t compact_size_length(std::uint64_t n);

}  // namespace utxo::core

// Byte buffers and hex. Hex here is always the plain byte order of the buffer;
// hash types (hash.h) decide display (reversed) order.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace utxo::core {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

std::string to_hex(ByteView bytes);
// Lowercase or uppercase hex of even length; nullopt on any other character.
std::optional<Bytes> from_hex(std::string_view hex);
// The same into a buffer of fixed size: true iff `hex` is exactly 2 * out.size() hex digits.
[[nodiscard]] bool hex_to_bytes(std::string_view hex, std::span<std::uint8_t> out);

inline ByteView as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace utxo::core

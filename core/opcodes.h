// The script opcodes this project reads or writes, with Bitcoin Core's names and values
// (src/script/script.h, enum opcodetype). An inline namespace, so core code uses the names
// directly and other parts can say `using namespace core::opcodes;`.
#pragma once
#include <cstdint>

namespace utxo::core {
inline namespace opcodes {

inline constexpr std::uint8_t OP_0 = 0x00;
inline constexpr std::uint8_t OP_PUSHDATA1 = 0x4c;
inline constexpr std::uint8_t OP_PUSHDATA2 = 0x4d;
inline constexpr std::uint8_t OP_PUSHDATA4 = 0x4e;
inline constexpr std::uint8_t OP_1 = 0x51;
inline constexpr std::uint8_t OP_2 = 0x52;
inline constexpr std::uint8_t OP_16 = 0x60;
inline constexpr std::uint8_t OP_RETURN = 0x6a;
inline constexpr std::uint8_t OP_DUP = 0x76;
inline constexpr std::uint8_t OP_EQUAL = 0x87;
inline constexpr std::uint8_t OP_EQUALVERIFY = 0x88;
inline constexpr std::uint8_t OP_HASH160 = 0xa9;
inline constexpr std::uint8_t OP_CHECKSIG = 0xac;
inline constexpr std::uint8_t OP_CHECKMULTISIG = 0xae;

}  // namespace opcodes
}  // namespace utxo::core

// Addresses: base58check (P2PKH, P2SH) and bech32/bech32m (segwit v0 / v1+), per network.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"
#include "core/network.h"

namespace utxo::core {

// The address for an output script, if it has one (P2PKH, P2SH, any witness program).
std::optional<std::string> script_to_address(ByteView script, Network net);
// The output script an address pays to; an error names what is wrong (checksum, network, ...).
[[nodiscard]] Result<Bytes> address_to_script(std::string_view address, Network net);

// Lower-level codecs, exposed for tests and tools.
std::string base58check_encode(ByteView payload);
std::optional<Bytes> base58check_decode(std::string_view text);
// As base58check_decode, with the reason for a failure (bad character, bad checksum, ...).
[[nodiscard]] Result<Bytes> base58check_parse(std::string_view text);

enum class Bech32Variant { bech32, bech32m };
// Empty string when the version is above 16 or the program length is not allowed for it.
std::string segwit_address_encode(std::string_view hrp, int witness_version, ByteView program);
struct SegwitProgram {
    int version;
    Bytes program;
};
std::optional<SegwitProgram> segwit_address_decode(std::string_view hrp, std::string_view address);
// As segwit_address_decode, with the reason for a failure (BIP173/BIP350 rules).
[[nodiscard]] Result<SegwitProgram> segwit_address_parse(std::string_view hrp, std::string_view address);

// Generic bech32/bech32m strings (BIP173 "hrp 1 data checksum"): `values` are the 5-bit data
// values without the checksum; the hrp is returned lowercase. Encoding writes lowercase.
struct Bech32String {
    Bech32Variant variant;
    std::string hrp;
    Bytes values;
};
[[nodiscard]] Result<Bech32String> bech32_decode(std::string_view text);
std::string bech32_encode(Bech32Variant variant, std::string_view hrp, ByteView values);

}  // namespace utxo::core

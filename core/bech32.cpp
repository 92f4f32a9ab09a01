// Bech32 (BIP173) and bech32m (BIP350) strings and segwit addresses.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "core/address.h"

namespace utxo::core {

namespace {

constexpr char kCharset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::size_t kMaxLength = 90;
constexpr std::size_t kChecksumLength = 6;

std::uint32_t variant_constant(Bech32Variant v) { return v == Bech32Variant::bech32 ? 1 : 0x2bc830a3; }

// BIP173's BCH checksum over GF(32).
std::uint32_t polymod(const std::vector<std::uint8_t>& values) {
    static constexpr std::uint32_t kGen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    std::uint32_t chk = 1;
    for (std::uint8_t v : values) {
        const std::uint32_t top = chk >> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ v;
        for (int i = 0; i < 5; ++i)
            if ((top >> i) & 1) chk ^= kGen[i];
    }
    return chk;
}

// The hrp enters the checksum as its high bits, a zero, then its low bits.
std::vector<std::uint8_t> checksum_input(std::string_view hrp, ByteView values) {
    std::vector<std::uint8_t> out;
    out.reserve(hrp.size() * 2 + 1 + values.size() + kChecksumLength);
    for (char c : hrp) out.push_back(static_cast<std::uint8_t>(c) >> 5);
    out.push_back(0);
    for (char c : hrp) out.push_back(static_cast<std::uint8_t>(c) & 31);
    out.insert(out.end(), values.begin(), values.end());
    return out;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

[[nodiscard]] Status check_characters(std::string_view text) {
    bool has_lower = false, has_upper = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 33 || c > 126)
            return fail(Errc::invalid, fmt::format("character {} is outside printable ASCII", i + 1));
        has_lower |= c >= 'a' && c <= 'z';
        has_upper |= c >= 'A' && c <= 'Z';
    }
    if (has_lower && has_upper) return fail(Errc::invalid, "bech32 text mixes upper and lower case");
    return {};
}

// Regroups bits (8 -> 5 to encode, 5 -> 8 to decode). Decoding rejects leftover bits
// beyond 4 or non-zero padding, as BIP173 requires.
std::optional<Bytes> convert_bits(ByteView in, int from, int to, bool pad) {
    Bytes out;
    std::uint32_t acc = 0;
    int bits = 0;
    const std::uint32_t mask = (1u << to) - 1;
    for (std::uint8_t v : in) {
        acc = (acc << from) | v;
        bits += from;
        while (bits >= to) {
            bits -= to;
            out.push_back(static_cast<std::uint8_t>((acc >> bits) & mask));
        }
    }
    if (pad) {
        if (bits) out.push_back(static_cast<std::uint8_t>((acc << (to - bits)) & mask));
    } else if (bits >= from || ((acc << (to - bits)) & mask)) {
        return std::nullopt;
    }
    return out;
}

bool program_length_ok(int version, std::size_t size) {
    if (size < 2 || size > 40) return false;
    return version != 0 || size == 20 || size == 32;
}

}  // namespace

std::string bech32_encode(Bech32Variant variant, std::string_view hrp, ByteView values) {
    std::string lower_hrp;
    for (char c : hrp) lower_hrp.push_back(lower(c));
    auto input = checksum_input(lower_hrp, values);
    input.insert(input.end(), kChecksumLength, 0);
    const std::uint32_t mod = polymod(input) ^ variant_constant(variant);
    std::string out = lower_hrp + '1';
    for (std::uint8_t v : values) out.push_back(kCharset[v & 31]);
    for (std::size_t i = 0; i < kChecksumLength; ++i) out.push_back(kCharset[(mod >> (5 * (5 - i))) & 31]);
    return out;
}

Result<Bech32String> bech32_decode(std::string_view text) {
    if (text.size() > kMaxLength)
        return fail(Errc::too_large,
                    fmt::format("bech32 text is {} characters long, more than {}", text.size(), kMaxLength));
    UTXO_TRY(check_characters(text));
    const std::size_t sep = text.rfind('1');
    if (sep == std::string_view::npos) return fail(Errc::invalid, "bech32 text has no '1' separator");
    if (sep == 0) return fail(Errc::invalid, "bech32 text has an empty human-readable part");
    if (text.size() - sep - 1 < kChecksumLength) return fail(Errc::truncated, "bech32 checksum is too short");

    Bech32String out;
    for (char c : text.substr(0, sep)) out.hrp.push_back(lower(c));
    for (std::size_t i = sep + 1; i < text.size(); ++i) {
        const char* p = std::strchr(kCharset, lower(text[i]));
        if (!p) return fail(Errc::invalid, fmt::format("character {} is not a bech32 data character", i + 1));
        out.values.push_back(static_cast<std::uint8_t>(p - kCharset));
    }
    const std::uint32_t mod = polymod(checksum_input(out.hrp, out.values));
    if (mod == variant_constant(Bech32Variant::bech32)) {
        out.variant = Bech32Variant::bech32;
    } else if (mod == variant_constant(Bech32Variant::bech32m)) {
        out.variant = Bech32Variant::bech32m;
    } else {
        return fail(Errc::mismatch, "bech32 checksum does not match (mistyped address?)");
    }
    out.values.resize(out.values.size() - kChecksumLength);
    return out;
}

std::string segwit_address_encode(std::string_view hrp, int witness_version, ByteView program) {
    if (witness_version < 0 || witness_version > 16 || !program_length_ok(witness_version, program.size()))
        return {};
    Bytes values{static_cast<std::uint8_t>(witness_version)};
    auto five = convert_bits(program, 8, 5, true);
    values.insert(values.end(), five->begin(), five->end());
    return bech32_encode(witness_version == 0 ? Bech32Variant::bech32 : Bech32Variant::bech32m, hrp, values);
}

Result<SegwitProgram> segwit_address_parse(std::string_view hrp, std::string_view address) {
    UTXO_TRY_ASSIGN(auto decoded, bech32_decode(address));
    std::string want;
    for (char c : hrp) want.push_back(lower(c));
    if (decoded.hrp != want)
        return fail(Errc::mismatch,
                    fmt::format("address prefix '{}' is not this network's '{}'", decoded.hrp, want));
    if (decoded.values.empty())
        return fail(Errc::invalid, "the data part is empty, so there is no witness version");
    const int version = decoded.values[0];
    if (version > 16)
        return fail(Errc::invalid, fmt::format("witness version {} does not exist (0 to 16)", version));
    const auto expected = version == 0 ? Bech32Variant::bech32 : Bech32Variant::bech32m;
    if (decoded.variant != expected)
        return fail(Errc::invalid, fmt::format("witness version {} addresses must use {}", version,
                                               version == 0 ? "bech32, not bech32m" : "bech32m, not bech32"));
    auto program = convert_bits(ByteView(decoded.values).subspan(1), 5, 8, false);
    if (!program) return fail(Errc::invalid, "the witness program has invalid padding bits");
    if (!program_length_ok(version, program->size()))
        return fail(Errc::invalid, fmt::format("a {}-byte witness program is not allowed for version {}",
                                               program->size(), version));
    return SegwitProgram{version, std::move(*program)};
}

std::optional<SegwitProgram> segwit_address_decode(std::string_view hrp, std::string_view address) {
    auto r = segwit_address_parse(hrp, address);
    if (!r) return std::nullopt;
    return std::move(*r);
}

}  // namespace utxo::core

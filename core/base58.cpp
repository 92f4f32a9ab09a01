// Base58 and base58check (legacy P2PKH/P2SH addresses).
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "core/address.h"
#include "core/sha256.h"

namespace utxo::core {

namespace {

constexpr char kAlphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
// Base58 conversion is quadratic; nothing we decode (addresses, keys) is anywhere near this.
constexpr std::size_t kMaxDecodeLength = 200;

int digit_value(char c) {
    const char* p = std::strchr(kAlphabet, c);
    return c != '\0' && p ? static_cast<int>(p - kAlphabet) : -1;
}

std::string base58_encode(ByteView data) {
    std::size_t zeros = 0;
    while (zeros < data.size() && data[zeros] == 0) ++zeros;
    // Base-58 digits, least significant first; log(256)/log(58) < 1.37.
    std::vector<std::uint8_t> digits;
    digits.reserve((data.size() - zeros) * 137 / 100 + 1);
    for (std::size_t i = zeros; i < data.size(); ++i) {
        int carry = data[i];
        for (auto& d : digits) {
            carry += 256 * d;
            d = static_cast<std::uint8_t>(carry % 58);
            carry /= 58;
        }
        for (; carry > 0; carry /= 58) digits.push_back(static_cast<std::uint8_t>(carry % 58));
    }
    std::string out(zeros, '1');
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) out.push_back(kAlphabet[*it]);
    return out;
}

[[nodiscard]] Result<Bytes> base58_decode(std::string_view text) {
    if (text.size() > kMaxDecodeLength)
        return fail(Errc::too_large, fmt::format("base58 text is {} characters long, more than {}",
                                                 text.size(), kMaxDecodeLength));
    std::size_t ones = 0;
    while (ones < text.size() && text[ones] == '1') ++ones;
    std::vector<std::uint8_t> bytes;  // base-256, least significant first
    for (std::size_t i = ones; i < text.size(); ++i) {
        int carry = digit_value(text[i]);
        if (carry < 0)
            return fail(Errc::invalid,
                        fmt::format("character {} of the address is not a base58 digit", i + 1));
        for (auto& b : bytes) {
            carry += 58 * b;
            b = static_cast<std::uint8_t>(carry & 0xff);
            carry >>= 8;
        }
        for (; carry > 0; carry >>= 8) bytes.push_back(static_cast<std::uint8_t>(carry & 0xff));
    }
    Bytes out(ones, 0);
    out.insert(out.end(), bytes.rbegin(), bytes.rend());
    return out;
}

std::array<std::uint8_t, 4> checksum(ByteView payload) {
    Hash256 h = sha256d(payload);
    return {h.raw()[0], h.raw()[1], h.raw()[2], h.raw()[3]};
}

}  // namespace

std::string base58check_encode(ByteView payload) {
    Bytes data(payload.begin(), payload.end());
    auto sum = checksum(payload);
    data.insert(data.end(), sum.begin(), sum.end());
    return base58_encode(data);
}

Result<Bytes> base58check_parse(std::string_view text) {
    auto data = base58_decode(text);
    if (!data) return data;
    if (data->size() < 4) return fail(Errc::truncated, "too short to hold a checksum");
    ByteView payload(data->data(), data->size() - 4);
    auto sum = checksum(payload);
    if (!std::equal(sum.begin(), sum.end(), data->end() - 4))
        return fail(Errc::mismatch, "checksum does not match (mistyped address?)");
    data->resize(data->size() - 4);
    return data;
}

std::optional<Bytes> base58check_decode(std::string_view text) {
    auto r = base58check_parse(text);
    if (!r) return std::nullopt;
    return std::move(*r);
}

}  // namespace utxo::core

#include "core/minisign.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/sha256.h"

namespace utxo::core {

namespace {
constexpr std::string_view kUntrusted = "untrusted comment: ";
constexpr std::string_view kTrusted = "trusted comment: ";
constexpr std::size_t kMaxCommentBytes = 8192;  // minisign's limit for a trusted comment
constexpr std::size_t kMaxSignatureFile = 4 * kMaxCommentBytes;

void ensure_sodium() {
    // sodium_init is idempotent and thread-safe; a failure means no usable RNG/CPU features.
    static const bool ok = sodium_init() >= 0;
    if (!ok) std::abort();
}

// Splits into lines; a final "\n" does not start another line; "\r\n" endings are tolerated.
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        auto nl = text.find('\n');
        auto line = text.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return lines;
}

template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> decode_exact(std::string_view text) {
    auto bytes = base64_decode(text);
    if (!bytes || bytes->size() != N) return std::nullopt;
    std::array<std::uint8_t, N> out;
    std::memcpy(out.data(), bytes->data(), N);
    return out;
}

bool ed25519_verify(const std::array<std::uint8_t, 32>& pk, const std::array<std::uint8_t, 64>& sig,
                    ByteView message) {
    ensure_sodium();
    return crypto_sign_verify_detached(sig.data(), message.data(), message.size(), pk.data()) == 0;
}

// " signed_at=<T>", all of `rest`: T in decimal without sign or leading zeros, at most kMaxSignedAt.
std::optional<std::int64_t> parse_signed_at_field(std::string_view rest) {
    constexpr std::string_view kField = " signed_at=";
    if (!rest.starts_with(kField)) return std::nullopt;
    auto digits = rest.substr(kField.size());
    if (digits.empty() || digits.size() > 12 || (digits.size() > 1 && digits[0] == '0')) return std::nullopt;
    std::int64_t t = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        t = t * 10 + (c - '0');  // at most 12 digits: no overflow
    }
    if (t > kMaxSignedAt) return std::nullopt;
    return t;
}

bool is_lower_hex(std::string_view s, std::size_t size) {
    if (s.size() != size) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}
}  // namespace

std::string KeyId::to_hex() const {
    Array reversed;
    for (std::size_t i = 0; i < reversed.size(); ++i) reversed[i] = bytes_[reversed.size() - 1 - i];
    std::string hex = core::to_hex(reversed);
    for (char& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return hex;
}

std::optional<KeyId> KeyId::from_hex(std::string_view hex) {
    auto bytes = core::from_hex(hex);
    if (!bytes || bytes->size() != 8) return std::nullopt;
    Array raw;
    for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = (*bytes)[raw.size() - 1 - i];
    return KeyId(raw);
}

std::string base64_encode(ByteView data) {
    ensure_sodium();
    std::string out(sodium_base64_ENCODED_LEN(data.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), data.data(), data.size(), sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return out;
}

std::optional<Bytes> base64_decode(std::string_view text) {
    ensure_sodium();
    Bytes out(text.size() / 4 * 3 + 3);
    std::size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != text.data() + text.size())
        return std::nullopt;
    out.resize(len);
    return out;
}

std::array<std::uint8_t, 64> blake2b_512(ByteView data) {
    ensure_sodium();
    std::array<std::uint8_t, 64> out;
    crypto_generichash(out.data(), out.size(), data.data(), data.size(), nullptr, 0);
    return out;
}

Result<MinisignPublicKey> parse_public_key_line(std::string_view line) {
    auto raw = decode_exact<42>(line);
    if (!raw) return fail(Errc::invalid, "not a minisign public key (expected base64 of 42 bytes)");
    if ((*raw)[0] != 'E' || (*raw)[1] != 'd')
        return fail(Errc::invalid, "unsupported public key algorithm (expected Ed25519, \"Ed\")");
    MinisignPublicKey key;
    KeyId::Array id;
    std::memcpy(id.data(), raw->data() + 2, 8);
    key.id = KeyId(id);
    std::memcpy(key.key.data(), raw->data() + 10, 32);
    return key;
}

std::string public_key_line(const MinisignPublicKey& key) {
    Bytes raw{'E', 'd'};
    raw.insert(raw.end(), key.id.raw().begin(), key.id.raw().end());
    raw.insert(raw.end(), key.key.begin(), key.key.end());
    return base64_encode(raw);
}

Result<MinisignPublicKey> parse_public_key_file(std::string_view text) {
    if (text.size() > kMaxSignatureFile) return fail(Errc::too_large, "public key file is too large");
    auto lines = split_lines(text);
    if (lines.empty()) return fail(Errc::truncated, "empty public key file");
    if (lines.size() == 1) return parse_public_key_line(lines[0]);
    if (!lines[0].starts_with(kUntrusted))
        return fail(Errc::invalid, "first line is not an \"untrusted comment:\" line");
    if (lines.size() > 2) return fail(Errc::invalid, "unexpected lines after the public key");
    return parse_public_key_line(lines[1]);
}

std::string public_key_file(const MinisignPublicKey& key, std::string_view comment) {
    return fmt::format("{}{}\n{}\n", kUntrusted, comment, public_key_line(key));
}

Result<MinisignSignature> parse_signature_file(std::string_view text) {
    if (text.size() > kMaxSignatureFile) return fail(Errc::too_large, "signature file is too large");
    auto lines = split_lines(text);
    if (lines.empty()) return fail(Errc::truncated, "empty signature file");
    if (!lines[0].starts_with(kUntrusted))
        return fail(Errc::invalid, "first line is not an \"untrusted comment:\" line");
    if (lines.size() < 2) return fail(Errc::truncated, "truncated: no signature line");
    auto raw = decode_exact<74>(lines[1]);
    if (!raw) return fail(Errc::invalid, "signature line is not base64 of 74 bytes");
    MinisignSignature sig;
    if ((*raw)[0] == 'E' && (*raw)[1] == 'D')
        sig.algorithm = SigAlgorithm::prehashed;
    else if ((*raw)[0] == 'E' && (*raw)[1] == 'd')
        sig.algorithm = SigAlgorithm::legacy;
    else
        return fail(Errc::invalid, "unsupported signature algorithm (expected \"ED\" or \"Ed\")");
    KeyId::Array id;
    std::memcpy(id.data(), raw->data() + 2, 8);
    sig.id = KeyId(id);
    std::memcpy(sig.signature.data(), raw->data() + 10, 64);
    sig.untrusted_comment = std::string(lines[0].substr(kUntrusted.size()));
    if (lines.size() < 3) return fail(Errc::truncated, "truncated: no trusted comment line");
    if (!lines[2].starts_with(kTrusted))
        return fail(Errc::invalid, "third line is not a \"trusted comment:\" line");
    sig.trusted_comment = std::string(lines[2].substr(kTrusted.size()));
    if (sig.trusted_comment.size() > kMaxCommentBytes)
        return fail(Errc::too_large, "trusted comment is too long");
    // A signed comment is one line of text: a control byte (a stray carriage return, an escape
    // sequence) would not survive re-encoding and could rewrite the terminal it is printed on. Tabs
    // stay: stock minisign separates its default comment's fields with them.
    if (std::ranges::any_of(sig.trusted_comment, [](char c) {
            return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
        }))
        return fail(Errc::invalid, "trusted comment contains a control character");
    if (lines.size() < 4) return fail(Errc::truncated, "truncated: no global signature line");
    auto global = decode_exact<64>(lines[3]);
    if (!global) return fail(Errc::invalid, "global signature line is not base64 of 64 bytes");
    sig.global_signature = *global;
    if (lines.size() > 4) return fail(Errc::invalid, "unexpected lines after the global signature");
    return sig;
}

std::string signature_file(const MinisignSignature& sig) {
    Bytes raw{'E', static_cast<std::uint8_t>(sig.algorithm == SigAlgorithm::prehashed ? 'D' : 'd')};
    raw.insert(raw.end(), sig.id.raw().begin(), sig.id.raw().end());
    raw.insert(raw.end(), sig.signature.begin(), sig.signature.end());
    return fmt::format("{}{}\n{}\n{}{}\n{}\n", kUntrusted, sig.untrusted_comment, base64_encode(raw),
                       kTrusted, sig.trusted_comment, base64_encode(sig.global_signature));
}

Bytes data_signature_message(SigAlgorithm algorithm, ByteView data) {
    if (algorithm == SigAlgorithm::legacy) return Bytes(data.begin(), data.end());
    auto digest = blake2b_512(data);
    return Bytes(digest.begin(), digest.end());
}

Bytes global_signature_message(const MinisignSignature& sig) {
    Bytes message(sig.signature.begin(), sig.signature.end());
    auto comment = as_bytes(sig.trusted_comment);
    message.insert(message.end(), comment.begin(), comment.end());
    return message;
}

Status verify_signature(const MinisignPublicKey& key, const MinisignSignature& sig, ByteView data,
                        bool require_prehashed) {
    if (sig.id != key.id)
        return fail(Errc::mismatch,
                    fmt::format("signature is by key {}, not by key {}", sig.id.to_hex(), key.id.to_hex()));
    if (require_prehashed && sig.algorithm != SigAlgorithm::prehashed)
        return fail(Errc::invalid, "legacy (non-prehashed) signature refused");
    if (!ed25519_verify(key.key, sig.signature, data_signature_message(sig.algorithm, data)))
        return fail(Errc::invalid, fmt::format("signature does not verify with key {}", key.id.to_hex()));
    if (!ed25519_verify(key.key, sig.global_signature, global_signature_message(sig)))
        return fail(Errc::invalid,
                    fmt::format("trusted comment signature does not verify with key {}", key.id.to_hex()));
    return {};
}

std::string format_trusted_comment(const ReleaseStatement& s) {
    auto text = fmt::format("utxo-torrent network={} height={} block_hash={} manifest_sha256={}",
                            network_name(s.network), s.height.value, s.block_hash.to_display_hex(),
                            s.manifest_sha256.to_hex());
    if (s.signed_at) text += fmt::format(" signed_at={}", *s.signed_at);
    return text;
}

bool valid_signed_at(std::int64_t t) { return t >= 0 && t <= kMaxSignedAt; }

Result<ReleaseStatement> parse_trusted_comment(std::string_view comment) {
    char net[32] = {}, block[65] = {}, digest[65] = {};
    unsigned long long height = 0;
    int consumed = 0;
    std::string text(comment);
    int n = std::sscanf(text.c_str(),
                        "utxo-torrent network=%31[a-z0-9] height=%llu block_hash=%64[0-9a-f] "
                        "manifest_sha256=%64[0-9a-f]%n",
                        net, &height, block, digest, &consumed);
    auto network = parse_network(net);
    auto h = Height::from_u64(height);
    if (n != 4 || !network || !h || !is_lower_hex(block, 64) || !is_lower_hex(digest, 64))
        return fail(Errc::invalid, "trusted comment is not a utxo-torrent release statement");
    ReleaseStatement s{
        *network, *h, *BlockHash::from_display_hex(block), *Sha256Digest::from_hex(digest), {}};
    if (auto rest = std::string_view(text).substr(static_cast<std::size_t>(consumed)); !rest.empty()) {
        s.signed_at = parse_signed_at_field(rest);
        if (!s.signed_at)
            return fail(Errc::invalid, "trusted comment is not a utxo-torrent release statement");
    }
    if (format_trusted_comment(s) != text)  // only the canonical spelling is a statement
        return fail(Errc::non_canonical, "trusted comment is not in canonical form");
    return s;
}

Result<ReleaseStatement> statement_for_manifest(ByteView manifest_bytes) {
    auto json = nlohmann::json::parse(manifest_bytes.begin(), manifest_bytes.end(), nullptr, false);
    if (json.is_discarded() || !json.is_object()) return fail(Errc::invalid, "manifest is not a JSON object");
    auto net = json.find("network");
    auto height = json.find("height");
    auto block = json.find("block_hash");
    if (net == json.end() || !net->is_string())
        return fail(Errc::invalid, "manifest has no \"network\" string");
    auto h = height != json.end() && height->is_number_unsigned()
                 ? Height::from_u64(height->get<std::uint64_t>())
                 : std::nullopt;
    if (!h) return fail(Errc::invalid, "manifest has no non-negative integer \"height\"");
    if (block == json.end() || !block->is_string() || !is_lower_hex(block->get<std::string>(), 64))
        return fail(Errc::invalid, "manifest has no 64-digit lowercase hex \"block_hash\"");
    auto network = parse_network(net->get<std::string>());
    if (!network)
        return fail(Errc::invalid,
                    fmt::format("manifest names unknown network \"{}\"", net->get<std::string>()));
    return ReleaseStatement{*network, *h, *BlockHash::from_display_hex(block->get<std::string>()),
                            sha256(manifest_bytes), std::nullopt};
}

std::string statement_difference(const ReleaseStatement& claimed, const ReleaseStatement& actual) {
    auto says = [](std::string_view field, const auto& claimed_value, const auto& actual_value) {
        return fmt::format("it says {} {} but the manifest has {} {}", field, claimed_value, field,
                           actual_value);
    };
    if (claimed.network != actual.network)
        return says("network", network_name(claimed.network), network_name(actual.network));
    if (claimed.height != actual.height) return says("height", claimed.height.value, actual.height.value);
    if (claimed.block_hash != actual.block_hash)
        return says("block_hash", claimed.block_hash.to_display_hex(), actual.block_hash.to_display_hex());
    if (claimed.manifest_sha256 != actual.manifest_sha256)
        return says("manifest_sha256", claimed.manifest_sha256.to_hex(), actual.manifest_sha256.to_hex());
    return {};
}

bool valid_authority_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '-' && c != '_' && c != '.'))) return false;
    }
    return true;
}

}  // namespace utxo::core

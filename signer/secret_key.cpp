#include "signer/secret_key.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace utxo::signer {

namespace {
constexpr std::size_t kKeyFileBytes = 158;
constexpr std::size_t kSaltOffset = 6, kOpsOffset = 38, kMemOffset = 46, kIdOffset = 54;
constexpr std::size_t kSkOffset = 62, kChkOffset = 126, kSecretPart = 104;  // id | sk | chk
constexpr std::string_view kUntrusted = "untrusted comment: ";
// Far above minisign's default; refuses a file that would make scrypt allocate absurdly.
constexpr std::uint64_t kMaxMemlimit = 4ull << 30, kMaxOpslimit = 1ull << 34;

void store_le64(std::uint8_t* out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint64_t load_le64(const std::uint8_t* in) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = v << 8 | in[i];
    return v;
}

// BLAKE2b-256("Ed" | key_id | sk), written into out (32 bytes).
void key_checksum(const std::uint8_t* blob, std::uint8_t* out) {
    crypto_generichash_state st;
    crypto_generichash_init(&st, nullptr, 0, 32);
    crypto_generichash_update(&st, blob, 2);
    crypto_generichash_update(&st, blob + kIdOffset, 8 + 64);
    crypto_generichash_final(&st, out, 32);
    sodium_memzero(&st, sizeof st);
}

// XORs the secret part with the scrypt stream; false if libsodium refuses the limits.
bool apply_kdf(std::uint8_t* blob, const SecureBuffer& passphrase) {
    SecureBuffer stream(kSecretPart);
    if (crypto_pwhash_scryptsalsa208sha256(
            stream.data(), stream.size(), reinterpret_cast<const char*>(passphrase.data()), passphrase.size(),
            blob + kSaltOffset, load_le64(blob + kOpsOffset),
            static_cast<std::size_t>(load_le64(blob + kMemOffset))) != 0)
        return false;
    for (std::size_t i = 0; i < kSecretPart; ++i) blob[kIdOffset + i] ^= stream.data()[i];
    return true;
}

// The base64 line of the file (line 2), located without copying the secret out of secure memory.
[[nodiscard]] core::Result<std::string_view> key_line(std::string_view text) {
    if (!text.starts_with(kUntrusted))
        return core::fail(core::Errc::invalid,
                          "not a minisign secret key file (no \"untrusted comment:\" line)");
    auto nl = text.find('\n');
    if (nl == std::string_view::npos) return core::fail(core::Errc::truncated, "truncated: no key line");
    auto line = text.substr(nl + 1);
    line = line.substr(0, line.find('\n'));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return core::fail(core::Errc::truncated, "truncated: no key line");
    return line;
}

[[nodiscard]] core::Result<SecureBuffer> decode_blob(std::string_view line) {
    SecureBuffer blob(kKeyFileBytes + 3);
    std::size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(blob.data(), blob.size(), line.data(), line.size(), nullptr, &len, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != line.data() + line.size() || len != kKeyFileBytes)
        return core::fail(core::Errc::truncated, "damaged or truncated key (expected base64 of 158 bytes)");
    blob.truncate(kKeyFileBytes);
    return blob;
}
}  // namespace

KdfCost KdfCost::sensitive() {
    return {crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE,
            crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE};
}
KdfCost KdfCost::interactive() {
    return {crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_INTERACTIVE,
            crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_INTERACTIVE};
}

SecretKey SecretKey::generate() {
    if (sodium_init() < 0) throw std::bad_alloc();
    core::KeyId::Array id;
    randombytes_buf(id.data(), id.size());
    SecureBuffer sk(crypto_sign_SECRETKEYBYTES);
    std::uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_keypair(pk, sk.data());  // sk = seed | pk
    return SecretKey(core::KeyId(id), std::move(sk));
}

core::MinisignPublicKey SecretKey::public_key() const {
    core::MinisignPublicKey pk;
    pk.id = id_;
    std::memcpy(pk.key.data(), sk_.data() + 32, 32);
    return pk;
}

SecureBuffer encode_secret_key_file(const SecretKey& key, const SecureBuffer* passphrase, KdfCost cost,
                                    std::string_view comment) {
    SecureBuffer blob(kKeyFileBytes);
    std::uint8_t* b = blob.data();
    b[0] = 'E', b[1] = 'd', b[4] = 'B', b[5] = '2';
    std::memcpy(b + kIdOffset, key.id().raw().data(), 8);
    std::memcpy(b + kSkOffset, key.secret().data(), 64);
    key_checksum(b, b + kChkOffset);
    if (passphrase != nullptr) {
        b[2] = 'S', b[3] = 'c';
        randombytes_buf(b + kSaltOffset, 32);
        store_le64(b + kOpsOffset, cost.opslimit);
        store_le64(b + kMemOffset, cost.memlimit);
        if (!apply_kdf(b, *passphrase)) throw std::bad_alloc();  // only out of memory can fail here
    }
    std::string head = fmt::format("{}{}\n", kUntrusted, comment);
    std::size_t b64 = sodium_base64_ENCODED_LEN(kKeyFileBytes, sodium_base64_VARIANT_ORIGINAL);
    SecureBuffer text(head.size() + b64);
    std::memcpy(text.data(), head.data(), head.size());
    sodium_bin2base64(reinterpret_cast<char*>(text.data() + head.size()), b64, b, kKeyFileBytes,
                      sodium_base64_VARIANT_ORIGINAL);
    text.data()[head.size() + b64 - 1] = '\n';  // replaces the terminating NUL
    return text;
}

core::Result<SecretKey> decode_secret_key_file(core::ByteView bytes, const PassphraseSource& get_passphrase) {
    std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    UTXO_TRY_ASSIGN(auto line, key_line(text));
    UTXO_TRY_ASSIGN(auto blob, decode_blob(line));
    std::uint8_t* b = blob.data();
    if (b[0] != 'E' || b[1] != 'd')
        return core::fail(core::Errc::invalid, "unsupported key algorithm (expected \"Ed\")");
    if (b[4] != 'B' || b[5] != '2')
        return core::fail(core::Errc::invalid, "unsupported checksum algorithm (expected \"B2\")");
    bool encrypted = b[2] == 'S' && b[3] == 'c';
    if (!encrypted && (b[2] != 0 || b[3] != 0))
        return core::fail(core::Errc::invalid, "unsupported key derivation (expected scrypt \"Sc\" or none)");
    if (encrypted) {
        if (load_le64(b + kOpsOffset) > kMaxOpslimit || load_le64(b + kMemOffset) > kMaxMemlimit)
            return core::fail(core::Errc::too_large, "scrypt limits in the key are beyond any sane value");
        UTXO_TRY_ASSIGN(auto pass, get_passphrase());
        if (!apply_kdf(b, pass)) return core::fail(core::Errc::invalid, "scrypt refused the key's limits");
    }
    std::uint8_t chk[32];
    key_checksum(b, chk);
    static constexpr std::uint8_t kNone[32] = {};
    // minisign 0.11 writes an all-zero checksum for unencrypted (-W) keys; the seed/pk check
    // below still catches damage to those.
    bool chk_ok = crypto_verify_32(chk, b + kChkOffset) == 0 ||
                  (!encrypted && crypto_verify_32(kNone, b + kChkOffset) == 0);
    if (!chk_ok) {
        if (encrypted) return core::fail(core::Errc::mismatch, "wrong passphrase for this key");
        return core::fail(core::Errc::invalid, "corrupted key (checksum does not match)");
    }
    SecureBuffer derived(crypto_sign_SECRETKEYBYTES);
    std::uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_seed_keypair(pk, derived.data(), b + kSkOffset);
    if (sodium_memcmp(pk, b + kSkOffset + 32, 32) != 0)
        return core::fail(core::Errc::invalid, "corrupted key (public half does not match the secret seed)");
    core::KeyId::Array id;
    std::memcpy(id.data(), b + kIdOffset, 8);
    return SecretKey(core::KeyId(id), std::move(derived));
}

core::MinisignSignature sign_data(const SecretKey& key, core::ByteView data, std::string trusted_comment,
                                  std::string untrusted_comment) {
    core::MinisignSignature sig;
    sig.algorithm = core::SigAlgorithm::prehashed;
    sig.id = key.id();
    sig.trusted_comment = std::move(trusted_comment);
    sig.untrusted_comment = std::move(untrusted_comment);
    auto message = core::data_signature_message(sig.algorithm, data);
    crypto_sign_detached(sig.signature.data(), nullptr, message.data(), message.size(), key.secret().data());
    auto global = core::global_signature_message(sig);
    crypto_sign_detached(sig.global_signature.data(), nullptr, global.data(), global.size(),
                         key.secret().data());
    return sig;
}

}  // namespace utxo::signer

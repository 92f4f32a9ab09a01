// minisign-compatible public keys and signatures: parse, encode and verify. Verify-only on
// purpose: the verifier links this and must carry no signing code (secret keys live in signer/).
// Formats (minisign's own, as its README and src/minisign.c define them; docs/signer.md): all blobs
// are standard base64.
//   public key file:  "untrusted comment: ..." \n base64("Ed" | key_id(8) | ed25519_pk(32)) \n
//   signature file:   "untrusted comment: ..." \n base64(alg(2) | key_id(8) | sig(64)) \n
//                     "trusted comment: ..."   \n base64(Ed25519(sig | trusted_comment)) \n
// alg "ED" signs BLAKE2b-512(file) (prehashed, what we emit); "Ed" signs the file (legacy).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/network.h"
#include "core/types.h"

namespace utxo::core {

// minisign's random 8-byte key number. Printed as minisign prints it: the bytes read as a
// little-endian u64, as 16 uppercase hex digits (so the hex is the byte-reversed id).
class KeyId {
public:
    using Array = std::array<std::uint8_t, 8>;
    KeyId() : bytes_{} {}
    explicit KeyId(const Array& raw) : bytes_(raw) {}
    const Array& raw() const { return bytes_; }
    std::string to_hex() const;
    static std::optional<KeyId> from_hex(std::string_view hex);  // inverse of to_hex, any case
    friend auto operator<=>(const KeyId&, const KeyId&) = default;

private:
    Array bytes_;
};

struct MinisignPublicKey {
    KeyId id;
    std::array<std::uint8_t, 32> key{};  // raw Ed25519 public key
    friend bool operator==(const MinisignPublicKey&, const MinisignPublicKey&) = default;
};

enum class SigAlgorithm { prehashed, legacy };  // "ED", "Ed"

struct MinisignSignature {
    SigAlgorithm algorithm = SigAlgorithm::prehashed;
    KeyId id;
    std::array<std::uint8_t, 64> signature{};
    std::string untrusted_comment;  // without the "untrusted comment: " prefix
    std::string trusted_comment;    // without the "trusted comment: " prefix
    std::array<std::uint8_t, 64> global_signature{};
};

// Standard base64 (libsodium's ORIGINAL variant, with padding).
std::string base64_encode(ByteView data);
std::optional<Bytes> base64_decode(std::string_view text);

// BLAKE2b-512 of data, unkeyed: what a prehashed ("ED") signature signs.
std::array<std::uint8_t, 64> blake2b_512(ByteView data);

// The base64 line minisign prints for a key (and accepts with -P).
[[nodiscard]] Result<MinisignPublicKey> parse_public_key_line(std::string_view base64_line);
std::string public_key_line(const MinisignPublicKey& key);
// A public key file: an "untrusted comment:" line, then the key line. A lone key line is
// also accepted, so a person can paste what minisign prints.
[[nodiscard]] Result<MinisignPublicKey> parse_public_key_file(std::string_view text);
std::string public_key_file(const MinisignPublicKey& key, std::string_view comment);

// Errors name what is wrong ("truncated: no trusted comment line", ...); callers prefix the
// file name. Comments must be single printable lines.
[[nodiscard]] Result<MinisignSignature> parse_signature_file(std::string_view text);
std::string signature_file(const MinisignSignature& sig);

// What Ed25519 signs for a data signature: BLAKE2b-512(data) for "ED", data itself for "Ed".
Bytes data_signature_message(SigAlgorithm algorithm, ByteView data);
// What the global signature signs: sig(64) | trusted comment bytes.
Bytes global_signature_message(const MinisignSignature& sig);

// minisign -V order: key id, data signature, global signature. Errc::mismatch for a key id
// of another key, Errc::invalid for a signature that does not verify. require_prehashed
// refuses legacy "Ed" signatures (minisign -H).
[[nodiscard]] Status verify_signature(const MinisignPublicKey& key, const MinisignSignature& sig,
                                      ByteView data, bool require_prehashed = true);

// --- utxo-torrent's trusted comment -----------------------------------------------------
// A signature's trusted comment states what the authority signed, so metadata is covered:
//   utxo-torrent network=<net> height=<H> block_hash=<64 hex> manifest_sha256=<64 hex>[ signed_at=<T>]
// T is when the authority signed, in unix seconds (decimal, no sign, no leading zeros, at most
// kMaxSignedAt). Signatures made before the field existed have none: their time is unknown.
inline constexpr std::int64_t kMaxSignedAt = 253402300799;  // 9999-12-31T23:59:59Z

struct ReleaseStatement {
    Network network = Network::regtest;
    Height height;
    BlockHash block_hash;          // written in display hex, lowercase
    Sha256Digest manifest_sha256;  // of the manifest file bytes; written in lowercase hex
    // When it was signed; not part of the release. The manifest carries no time, so
    // statement_for_manifest leaves it unset.
    std::optional<std::int64_t> signed_at = std::nullopt;
    // The same release: network, height, block hash and manifest digest. signed_at is left out on
    // purpose, so a signed statement equals its manifest's whenever it was signed.
    friend bool operator==(const ReleaseStatement& a, const ReleaseStatement& b) {
        return a.network == b.network && a.height == b.height && a.block_hash == b.block_hash &&
               a.manifest_sha256 == b.manifest_sha256;
    }
};

// The canonical comment; " signed_at=<T>" is appended when signed_at is set (which must then be
// 0 to kMaxSignedAt, valid_signed_at, or the comment will not parse back).
std::string format_trusted_comment(const ReleaseStatement& statement);
// Only the canonical spelling, with or without the trailing signed_at field; anything else extra
// is refused.
[[nodiscard]] Result<ReleaseStatement> parse_trusted_comment(std::string_view comment);
// Reads "network", "height" and "block_hash" from manifest.json and hashes its bytes; signed_at
// is unset.
[[nodiscard]] Result<ReleaseStatement> statement_for_manifest(ByteView manifest_bytes);
// The first field where a signed statement and the actual manifest differ, as a phrase
// ("it says height 199 but the manifest is height 200"); empty if they are equal. signed_at is
// not compared.
std::string statement_difference(const ReleaseStatement& claimed, const ReleaseStatement& actual);
// 0 <= t <= kMaxSignedAt: a signing time a trusted comment can carry.
bool valid_signed_at(std::int64_t t);

// An authority's name, as in `utxo-signer keygen --name` and trustnet lines: 1-64 characters,
// letters and digits, with '-', '_' and '.' allowed after the first.
bool valid_authority_name(std::string_view name);

}  // namespace utxo::core

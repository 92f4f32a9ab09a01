// minisign secret keys: generate, encode/decode the key file (scrypt-encrypted or not), sign.
// Layout of the 158 decoded bytes (docs/signer.md):
//   "Ed" | kdf ("Sc" or 00 00) | "B2" | salt(32) | opslimit u64le | memlimit u64le |
//   key_id(8) | ed25519 sk(64 = seed | pk) | BLAKE2b-256("Ed" | key_id | sk)(32)
// When encrypted, the last 104 bytes are XORed with scrypt(passphrase, salt, opslimit, memlimit).
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "core/error.h"
#include "core/minisign.h"
#include "signer/secure_buffer.h"

namespace utxo::signer {

struct KdfCost {
    std::uint64_t opslimit;
    std::uint64_t memlimit;
    static KdfCost sensitive();    // minisign's default (libsodium "sensitive": 1 GiB)
    static KdfCost interactive();  // for tests only: minisign reads the limits from the file
};

class SecretKey {
public:
    SecretKey(core::KeyId id, SecureBuffer sk) : id_(id), sk_(std::move(sk)) {}
    static SecretKey generate();  // random key id, fresh Ed25519 key pair
    const core::KeyId& id() const { return id_; }
    core::MinisignPublicKey public_key() const;
    const SecureBuffer& secret() const { return sk_; }  // 64 bytes: seed | pk

private:
    core::KeyId id_;
    SecureBuffer sk_;
};

// The whole key file (two lines). passphrase == nullptr writes an unencrypted key.
SecureBuffer encode_secret_key_file(const SecretKey& key, const SecureBuffer* passphrase, KdfCost cost,
                                    std::string_view comment);

// get_passphrase is called only for an encrypted key. Errors: Errc::truncated/invalid for a
// damaged file, Errc::mismatch "wrong passphrase for this key", Errc::too_large for absurd
// scrypt limits.
using PassphraseSource = std::function<core::Result<SecureBuffer>()>;
[[nodiscard]] core::Result<SecretKey> decode_secret_key_file(core::ByteView text,
                                                             const PassphraseSource& get_passphrase);

// A prehashed ("ED") minisign signature with its global signature over sig | trusted comment.
core::MinisignSignature sign_data(const SecretKey& key, core::ByteView data, std::string trusted_comment,
                                  std::string untrusted_comment);

}  // namespace utxo::signer

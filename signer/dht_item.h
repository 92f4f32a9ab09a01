// The signer's side of the DHT pointer (core/dht_pointer.h, docs/signer.md): the BEP 44 item's
// seq and its Ed25519 signature, made with the authority's minisign key. Verifying is core's.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/dht_pointer.h"
#include "core/error.h"
#include "core/minisign.h"
#include "signer/secret_key.h"

namespace utxo::signer {

// The seq of a new item of `key` for `release_dir`: the largest of `now` (unix seconds: the signing
// time of the signature the item carries) and s + 1
// for the seq s of every manifest.json.<KEYID>.dht of this key and salt that verifies, in every
// directory beside release_dir (its siblings in the network directory, release_dir itself
// included). So a re-signed or a later release always gets a seq above every item the authority
// published before, even if the clock went back. Files that do not decode or verify are skipped
// with a warning. Errc::io when the network directory cannot be listed; Errc::too_large when a
// seq is already the largest int64.
[[nodiscard]] core::Result<std::int64_t> next_dht_seq(const std::filesystem::path& release_dir,
                                                      const SecretKey& key, std::string_view salt,
                                                      std::int64_t now);

// Checks an item file (its bytes) against a release verify_release has already checked: the item
// is of `key`, verifies, has the salt of the manifest's network, and its pointer carries exactly
// `signature_text` (the .minisig beside it) and the manifest's torrents. The seq on success; a
// refusal (Errc::rejected) naming what is wrong otherwise.
[[nodiscard]] core::Result<std::int64_t> check_dht_item(std::string_view item_file,
                                                        const core::MinisignPublicKey& key,
                                                        std::string_view manifest_bytes,
                                                        std::string_view signature_text);

// The item, signed over core::dht_signing_buffer with libsodium's crypto_sign_detached.
core::DhtItem sign_dht_item(const SecretKey& key, std::string salt, std::int64_t seq, std::string value);

}  // namespace utxo::signer

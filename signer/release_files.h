// The inputs of the signer's commands (sign.cpp, pointer.cpp), read and checked the one way they
// all share: the manifest, its statement, the secret key and a signature beside the manifest.
// Failures are one sentence "FILE: what"; Errc::rejected for a negative verdict.
#pragma once
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/minisign.h"
#include "signer/secret_key.h"

namespace utxo::signer {

inline constexpr std::size_t kMaxManifest = 64u << 20;  // a 1024-shard manifest is well under 1 MiB
inline constexpr std::size_t kMaxKeyFile = 4096;
inline constexpr std::size_t kMaxSignatureFile = 65536;

// "FILE: what", with the code of the error it comes from.
std::unexpected<core::Error> failure(core::Errc code, const std::filesystem::path& file,
                                     std::string_view what);
// "FILE: what" as a negative verdict (Errc::rejected).
std::unexpected<core::Error> refusal(const std::filesystem::path& file, std::string_view what);

// The whole file, at most `max` bytes; its failure names the file.
[[nodiscard]] core::Result<std::string> read_file(const std::filesystem::path& path, std::size_t max);

// The secret key file, decrypted with the passphrase of `passphrase_file` or the terminal prompt.
// A key file group or others can access is refused unless `allow_open_key` (signer/files.h).
[[nodiscard]] core::Result<SecretKey> load_secret_key(
    const std::filesystem::path& key_file, const std::optional<std::filesystem::path>& passphrase_file,
    bool allow_open_key);

// The statement the manifest makes about itself; a manifest without one is refused (it cannot be
// signed).
[[nodiscard]] core::Result<core::ReleaseStatement> statement_of(const std::filesystem::path& path,
                                                                std::string_view manifest);

// A release's signature by one key, checked.
struct CheckedSignature {
    std::filesystem::path file;  // DIR/manifest.json.<KEYID>.minisig
    std::string text;            // its bytes
    core::MinisignSignature signature;
    std::optional<std::int64_t> signed_at;  // its trusted comment's; nullopt without one
};
// Checks DIR/manifest.json.<KEYID>.minisig of `key` over `manifest` (the bytes of DIR/manifest.json):
// it exists, is a good signature of this key, and its trusted comment is the statement of exactly
// this manifest. Every failure is a refusal naming the .minisig (a missing or unreadable one too),
// except a manifest that states no release, refused naming manifest.json as `sign` refuses it.
[[nodiscard]] core::Result<CheckedSignature> check_release_signature(const core::MinisignPublicKey& key,
                                                                     const std::filesystem::path& release_dir,
                                                                     std::string_view manifest);

}  // namespace utxo::signer

// The three signer commands as library calls. main.cpp only parses options, calls these and
// maps the outcome to an exit code.
#pragma once
#include <expected>
#include <filesystem>
#include <optional>
#include <string>

#include "signer/secret_key.h"

namespace utxo::signer {

// Exit codes (as minisign): 1 a negative verdict (refusal to sign, bad or missing signature),
// 2 usage or I/O trouble (unreadable files, wrong passphrase, damaged key).
struct Failure {
    int exit_code;
    std::string message;  // one sentence naming the file and what was wrong
};
template <class T>
using Outcome = std::expected<T, Failure>;

struct KeygenOptions {
    std::filesystem::path secret_key_file;  // --out
    std::filesystem::path public_key_file;  // --pub
    std::string name;                       // --name; defaults to the --out file's stem
    bool unencrypted = false;               // --unencrypted
    std::optional<std::filesystem::path> passphrase_file;
    KdfCost cost = KdfCost::sensitive();    // hidden --scrypt-cost interactive, for tests
    bool force = false;                     // overwrite existing key files
};
struct KeygenResult {
    core::MinisignPublicKey public_key;
    std::string name;
};
[[nodiscard]] Outcome<KeygenResult> keygen(const KeygenOptions& options);

struct SignOptions {
    std::filesystem::path secret_key_file;  // --key
    std::filesystem::path release_dir;      // --release: holds the manifest.json to sign
    std::filesystem::path own_dir;          // --own: this authority's indexer output for the block
    std::optional<std::filesystem::path> passphrase_file;
};
struct SignResult {
    std::filesystem::path signature_file;
    std::string trusted_comment;
};
[[nodiscard]] Outcome<SignResult> sign_release(const SignOptions& options);

struct VerifyResult {
    std::filesystem::path signature_file;
    std::string trusted_comment;
};
// Checks the signature of one authority (its public key file) over DIR/manifest.json,
// including that the trusted comment describes exactly that manifest.
[[nodiscard]] Outcome<VerifyResult> verify_release(const std::filesystem::path& public_key_file,
                                     const std::filesystem::path& release_dir);

// "manifest.json.<KEYID>.minisig": one file per authority beside the manifest.
std::string signature_file_name(const core::KeyId& id);

}  // namespace utxo::signer

// The signer commands as library calls: an options struct in, a summary out. main.cpp only
// parses options, calls these, prints the summary and maps a failure to an exit code.
//
// Failures are core::Error whose message is one sentence naming the file and what was wrong.
// Errc::rejected is a negative verdict (a refusal to sign, a bad or missing signature); every other
// code is usage or I/O trouble (unreadable files, wrong passphrase, damaged key).
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "signer/secret_key.h"

namespace utxo::signer {

struct KeygenOptions {
    std::filesystem::path secret_key_file;  // --out
    std::filesystem::path public_key_file;  // --pub
    std::string name;                       // --name; defaults to the --out file's stem
    bool unencrypted = false;               // --unencrypted
    std::optional<std::filesystem::path> passphrase_file;
    KdfCost cost = KdfCost::sensitive();  // hidden --scrypt-cost interactive, for tests
    bool force = false;                   // overwrite existing key files
};
struct KeygenResult {
    core::MinisignPublicKey public_key;
    std::string name;
};
[[nodiscard]] core::Result<KeygenResult> keygen(const KeygenOptions& options);

struct SignOptions {
    std::filesystem::path secret_key_file;  // --key
    std::filesystem::path release_dir;      // --release: holds the manifest.json to sign
    std::filesystem::path own_dir;          // --own: this authority's indexer output for the block
    std::optional<std::filesystem::path> passphrase_file;
    bool allow_open_key = false;  // --allow-open-key: sign with a key file group or others can access
    std::vector<std::string> dht_seeders;  // --dht-seeder URL (repeatable): seeder URLs in the DHT pointer
    // --signed-at UNIX: the signing time the trusted comment states (signed_at=); default now. For
    // reproducible signing and tests. Errc::usage outside 0..core::kMaxSignedAt.
    std::optional<std::int64_t> signed_at;
};
struct SignResult {
    std::filesystem::path signature_file;
    std::string trusted_comment;
    // manifest.json.<KEYID>.dht and its seq; absent when manifest.json is not a whole release
    // manifest (core::decode_manifest refuses it), which has no torrents for a pointer to name.
    std::optional<std::filesystem::path> dht_item_file;
    std::optional<std::int64_t> dht_seq;
};
// Signs DIR/manifest.json, with the trusted comment its statement signed at options.signed_at (or
// now), and writes, atomically, DIR/manifest.json.<KEYID>.minisig and the BEP 44 item
// DIR/manifest.json.<KEYID>.dht (signer/dht_item.h; docs/signer.md), whose seq is at least that
// signing time. A pointer that would not fit BEP 44's 1000 bytes fails the command
// (Errc::too_large) before either file is written.
[[nodiscard]] core::Result<SignResult> sign_release(const SignOptions& options);

struct VerifyOptions {
    std::filesystem::path public_key_file;  // --pub: the authority's public key file
    std::filesystem::path release_dir;      // --release: holds manifest.json and its signatures
};
struct VerifyResult {
    std::filesystem::path signature_file;
    std::string trusted_comment;
    std::optional<std::filesystem::path> dht_item_file;  // checked when present
    std::optional<std::int64_t> dht_seq;
    std::optional<std::int64_t> signed_at;  // the trusted comment's signed_at; nullopt without one
};
// Checks the signature of one authority (its public key file) over DIR/manifest.json,
// including that the trusted comment describes exactly that manifest. A DHT item file of that key
// beside it, when present, must verify with the key and point at exactly this manifest with this
// very signature file.
[[nodiscard]] core::Result<VerifyResult> verify_release(const VerifyOptions& options);

struct StatementOptions {
    std::filesystem::path release_dir;      // --release: holds the manifest.json to be signed
    std::optional<std::int64_t> signed_at;  // --signed-at UNIX, as for sign; default now
};
struct StatementResult {
    core::ReleaseStatement statement;  // signed_at set
    std::string trusted_comment;       // what `sign` puts in the signature's trusted comment at that time
};
// The statement `sign` would sign for DIR/manifest.json, read and checked as `sign` reads it (an
// unreadable manifest is trouble, one that states no release is a refusal), without any key: for
// signing offline with stock minisign -t.
[[nodiscard]] core::Result<StatementResult> release_statement(const StatementOptions& options);

struct PointerOptions {
    std::filesystem::path secret_key_file;  // --key
    std::filesystem::path release_dir;      // --release: holds manifest.json and this key's .minisig
    std::optional<std::filesystem::path> passphrase_file;
    bool allow_open_key = false;           // --allow-open-key, as for sign
    std::vector<std::string> dht_seeders;  // --dht-seeder URL (repeatable), as for sign
};
struct PointerResult {
    std::filesystem::path signature_file;  // the .minisig the pointer carries
    std::string trusted_comment;
    std::filesystem::path dht_item_file;
    std::int64_t dht_seq = 0;
};
// Writes, atomically, DIR/manifest.json.<KEYID>.dht for a signature already beside the manifest
// (made offline by stock minisign, or by sign): the item sign would write with it, same seq rule
// (at least the signature's signed_at; now when it carries none), same seeders and size rules. The .minisig
// must be this key's good signature over DIR/manifest.json with the statement of exactly that manifest (as
// verify checks it), and the manifest a whole release (core::decode_manifest); otherwise a refusal naming the
// file, and nothing is written. The .minisig itself is never rewritten.
[[nodiscard]] core::Result<PointerResult> write_release_pointer(const PointerOptions& options);

// "manifest.json.<KEYID>.minisig": one file per authority beside the manifest.
std::string signature_file_name(const core::KeyId& id);

}  // namespace utxo::signer

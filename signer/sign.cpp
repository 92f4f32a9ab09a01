// utxo-signer sign, statement and verify: an authority signs only the manifest its own indexer
// produced.
#include <fmt/format.h>

#include "core/dht_pointer.h"
#include "core/manifest.h"
#include "core/release_age.h"
#include "signer/commands.h"
#include "signer/dht_item.h"
#include "signer/dht_item_file.h"
#include "signer/files.h"
#include "signer/log.h"
#include "signer/manifest_diff.h"
#include "signer/release_files.h"

namespace utxo::signer {

using core::Errc;

namespace {
// The DHT item file to write beside the signature: the pointer at this release with the signature
// file's bytes, signed with a seq above the key's earlier items. nullopt for a manifest that is not
// a whole release (no torrents to point at).
[[nodiscard]] core::Result<std::optional<DhtItemFile>> dht_item_file(const SignOptions& o,
                                                                     const SecretKey& key,
                                                                     std::string_view manifest_bytes,
                                                                     const std::string& signature_text,
                                                                     std::int64_t signed_at) {
    auto manifest = core::decode_manifest(manifest_bytes);
    if (!manifest) {
        log().warn("{}: no DHT item written: not a release manifest ({})",
                   (o.release_dir / "manifest.json").string(), manifest.error().message);
        return std::nullopt;
    }
    UTXO_TRY_ASSIGN(auto file,
                    make_dht_item_file(key, {o.release_dir, o.secret_key_file, manifest_bytes, *manifest,
                                             signature_text, o.dht_seeders, signed_at}));
    return file;
}

// --signed-at, when given, is a time a trusted comment can state: checked before anything is read.
[[nodiscard]] core::Status check_signed_at(const std::optional<std::int64_t>& signed_at) {
    if (signed_at && !core::valid_signed_at(*signed_at))
        return core::fail(Errc::usage, fmt::format("--signed-at {} is not a unix time from 0 to {}",
                                                   *signed_at, core::kMaxSignedAt));
    return {};
}
}  // namespace

std::string signature_file_name(const core::KeyId& id) {
    return fmt::format("manifest.json.{}.minisig", id.to_hex());
}

core::Result<SignResult> sign_release(const SignOptions& o) {
    UTXO_TRY(check_signed_at(o.signed_at));
    auto release_path = o.release_dir / "manifest.json";
    auto own_path = o.own_dir / "manifest.json";
    UTXO_TRY_ASSIGN(auto theirs, read_file(release_path, kMaxManifest));
    UTXO_TRY_ASSIGN(auto ours, read_file(own_path, kMaxManifest));
    if (auto diff = first_difference(ours, theirs))
        return refusal(release_path, fmt::format("not signed: differs from your own manifest {} at {}",
                                                 own_path.string(), *diff));
    UTXO_TRY_ASSIGN(auto statement, statement_of(release_path, theirs));
    UTXO_TRY_ASSIGN(auto key, load_secret_key(o.secret_key_file, o.passphrase_file, o.allow_open_key));
    // Taken after the passphrase prompt, which may wait for a person: the time of signing.
    statement.signed_at = o.signed_at.value_or(core::unix_now());

    auto sig = sign_data(key, core::as_bytes(theirs), core::format_trusted_comment(statement),
                         fmt::format("signature from utxo-torrent authority key {}", key.id().to_hex()));
    // A signature we cannot verify ourselves must never be published.
    if (auto check = core::verify_signature(key.public_key(), sig, core::as_bytes(theirs)); !check)
        return failure(Errc::invalid, o.secret_key_file, "the key produced a signature that does not verify");
    auto sig_path = o.release_dir / signature_file_name(key.id());
    auto text = core::signature_file(sig);
    // Made before anything is written, so a pointer that does not fit leaves the directory as it was.
    UTXO_TRY_ASSIGN(auto dht, dht_item_file(o, key, theirs, text, *statement.signed_at));
    if (auto w = write_file_atomically(sig_path, core::as_bytes(text), 0644); !w)
        return failure(w.error().code, sig_path, w.error().message);
    SignResult result{sig_path, sig.trusted_comment, std::nullopt, std::nullopt};
    if (dht) {
        UTXO_TRY(write_dht_item_file(*dht));
        result.dht_item_file = dht->path;
        result.dht_seq = dht->seq;
    }
    log().info("signed {} at height {} with key {}{}", release_path.string(), statement.height.value,
               key.id().to_hex(), dht ? fmt::format(", DHT item seq {}", dht->seq) : std::string());
    return result;
}

core::Result<StatementResult> release_statement(const StatementOptions& o) {
    UTXO_TRY(check_signed_at(o.signed_at));
    auto path = o.release_dir / "manifest.json";
    UTXO_TRY_ASSIGN(auto manifest, read_file(path, kMaxManifest));
    UTXO_TRY_ASSIGN(auto statement, statement_of(path, manifest));
    statement.signed_at = o.signed_at.value_or(core::unix_now());
    return StatementResult{statement, core::format_trusted_comment(statement)};
}

core::Result<VerifyResult> verify_release(const VerifyOptions& o) {
    UTXO_TRY_ASSIGN(auto pub_text, read_file(o.public_key_file, kMaxKeyFile));
    auto pub = core::parse_public_key_file(pub_text);
    if (!pub) return failure(pub.error().code, o.public_key_file, pub.error().message);
    UTXO_TRY_ASSIGN(auto manifest, read_file(o.release_dir / "manifest.json", kMaxManifest));
    UTXO_TRY_ASSIGN(auto sig, check_release_signature(*pub, o.release_dir, manifest));
    VerifyResult result{sig.file, sig.signature.trusted_comment, std::nullopt, std::nullopt, sig.signed_at};
    // The DHT item beside it, when there is one, must be this very signature's pointer.
    auto dht_path = o.release_dir / core::dht_item_file_name(pub->id.to_hex());
    if (std::filesystem::exists(dht_path)) {
        auto item_text = read_file(dht_path, 4096);
        if (!item_text) return core::fail(Errc::rejected, std::move(item_text.error().message));
        auto seq = check_dht_item(*item_text, *pub, manifest, sig.text);
        if (!seq) return refusal(dht_path, seq.error().message);
        result.dht_item_file = dht_path;
        result.dht_seq = *seq;
    }
    return result;
}

}  // namespace utxo::signer

// utxo-signer sign and verify: an authority signs only the manifest its own indexer produced.
#include <fmt/format.h>

#include "signer/commands.h"
#include "signer/files.h"
#include "signer/log.h"
#include "signer/manifest_diff.h"
#include "signer/passphrase.h"

namespace utxo::signer {

using core::Errc;

namespace {
constexpr std::size_t kMaxManifest = 64u << 20;  // a 1024-shard manifest is well under 1 MiB
constexpr std::size_t kMaxKeyFile = 4096;

// "FILE: what", with the code of the error it comes from.
std::unexpected<core::Error> failure(Errc code, const std::filesystem::path& file, std::string_view what) {
    return core::fail(code, fmt::format("{}: {}", file.string(), what));
}
// "FILE: what" as a negative verdict.
std::unexpected<core::Error> refusal(const std::filesystem::path& file, std::string_view what) {
    return failure(Errc::rejected, file, what);
}

[[nodiscard]] core::Result<std::string> read_file(const std::filesystem::path& path, std::size_t max) {
    auto content = read_small_file(path, max);
    if (!content) return failure(content.error().code, path, content.error().message);
    return std::move(*content);
}

[[nodiscard]] core::Result<SecretKey> load_secret_key(const SignOptions& o) {
    auto text = read_secret_file(o.secret_key_file, kMaxKeyFile,
                                 o.allow_open_key ? OpenFile::allow : OpenFile::refuse);
    if (!text) return failure(text.error().code, o.secret_key_file, text.error().message);
    auto key = decode_secret_key_file(text->view(), [&] {
        return obtain_passphrase(o.passphrase_file,
                                 fmt::format("Passphrase for {}: ", o.secret_key_file.string()), false);
    });
    if (!key) return failure(key.error().code, o.secret_key_file, key.error().message);
    return std::move(*key);
}

// The statement the manifest makes about itself; a manifest without one cannot be signed.
[[nodiscard]] core::Result<core::ReleaseStatement> statement_of(const std::filesystem::path& path,
                                                                std::string_view manifest) {
    auto statement = core::statement_for_manifest(core::as_bytes(manifest));
    if (!statement) return refusal(path, statement.error().message);
    return *statement;
}
}  // namespace

std::string signature_file_name(const core::KeyId& id) {
    return fmt::format("manifest.json.{}.minisig", id.to_hex());
}

core::Result<SignResult> sign_release(const SignOptions& o) {
    auto release_path = o.release_dir / "manifest.json";
    auto own_path = o.own_dir / "manifest.json";
    UTXO_TRY_ASSIGN(auto theirs, read_file(release_path, kMaxManifest));
    UTXO_TRY_ASSIGN(auto ours, read_file(own_path, kMaxManifest));
    if (auto diff = first_difference(ours, theirs))
        return refusal(release_path, fmt::format("not signed: differs from your own manifest {} at {}",
                                                 own_path.string(), *diff));
    UTXO_TRY_ASSIGN(auto statement, statement_of(release_path, theirs));
    UTXO_TRY_ASSIGN(auto key, load_secret_key(o));

    auto sig = sign_data(key, core::as_bytes(theirs), core::format_trusted_comment(statement),
                         fmt::format("signature from utxo-torrent authority key {}", key.id().to_hex()));
    // A signature we cannot verify ourselves must never be published.
    if (auto check = core::verify_signature(key.public_key(), sig, core::as_bytes(theirs)); !check)
        return failure(Errc::invalid, o.secret_key_file, "the key produced a signature that does not verify");
    auto sig_path = o.release_dir / signature_file_name(key.id());
    auto text = core::signature_file(sig);
    if (auto w = write_file_atomically(sig_path, core::as_bytes(text), 0644); !w)
        return failure(w.error().code, sig_path, w.error().message);
    log().info("signed {} at height {} with key {}", release_path.string(), statement.height.value,
               key.id().to_hex());
    return SignResult{sig_path, sig.trusted_comment};
}

core::Result<StatementResult> release_statement(const StatementOptions& o) {
    auto path = o.release_dir / "manifest.json";
    UTXO_TRY_ASSIGN(auto manifest, read_file(path, kMaxManifest));
    UTXO_TRY_ASSIGN(auto statement, statement_of(path, manifest));
    return StatementResult{statement, core::format_trusted_comment(statement)};
}

core::Result<VerifyResult> verify_release(const VerifyOptions& o) {
    UTXO_TRY_ASSIGN(auto pub_text, read_file(o.public_key_file, kMaxKeyFile));
    auto pub = core::parse_public_key_file(pub_text);
    if (!pub) return failure(pub.error().code, o.public_key_file, pub.error().message);
    auto manifest_path = o.release_dir / "manifest.json";
    UTXO_TRY_ASSIGN(auto manifest, read_file(manifest_path, kMaxManifest));
    auto sig_path = o.release_dir / signature_file_name(pub->id);
    if (!std::filesystem::exists(sig_path))
        return refusal(sig_path,
                       fmt::format("no signature by key {} (file does not exist)", pub->id.to_hex()));
    // A signature file that cannot be read is a missing signature, not trouble.
    auto sig_text = read_file(sig_path, 65536);
    if (!sig_text) return core::fail(Errc::rejected, std::move(sig_text.error().message));
    auto sig = core::parse_signature_file(*sig_text);
    if (!sig) return refusal(sig_path, sig.error().message);
    if (auto ok = core::verify_signature(*pub, *sig, core::as_bytes(manifest)); !ok)
        return refusal(sig_path, ok.error().message);
    UTXO_TRY_ASSIGN(auto actual, statement_of(manifest_path, manifest));
    auto claimed = core::parse_trusted_comment(sig->trusted_comment);
    if (!claimed) return refusal(sig_path, claimed.error().message);
    if (auto diff = core::statement_difference(*claimed, actual); !diff.empty())
        return refusal(sig_path, "trusted comment does not match manifest.json: " + diff);
    return VerifyResult{sig_path, sig->trusted_comment};
}

}  // namespace utxo::signer

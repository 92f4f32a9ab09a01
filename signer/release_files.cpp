// The signer's inputs read and checked: the functions sign, statement, verify and pointer share.
#include "signer/release_files.h"

#include <fmt/format.h>

#include "core/bytes.h"
#include "signer/commands.h"
#include "signer/files.h"
#include "signer/passphrase.h"

namespace utxo::signer {

using core::Errc;

std::unexpected<core::Error> failure(Errc code, const std::filesystem::path& file, std::string_view what) {
    return core::fail(code, fmt::format("{}: {}", file.string(), what));
}

std::unexpected<core::Error> refusal(const std::filesystem::path& file, std::string_view what) {
    return failure(Errc::rejected, file, what);
}

core::Result<std::string> read_file(const std::filesystem::path& path, std::size_t max) {
    auto content = read_small_file(path, max);
    if (!content) return failure(content.error().code, path, content.error().message);
    return std::move(*content);
}

core::Result<SecretKey> load_secret_key(const std::filesystem::path& key_file,
                                        const std::optional<std::filesystem::path>& passphrase_file,
                                        bool allow_open_key) {
    auto text = read_secret_file(key_file, kMaxKeyFile, allow_open_key ? OpenFile::allow : OpenFile::refuse);
    if (!text) return failure(text.error().code, key_file, text.error().message);
    auto key = decode_secret_key_file(text->view(), [&] {
        return obtain_passphrase(passphrase_file, fmt::format("Passphrase for {}: ", key_file.string()),
                                 false);
    });
    if (!key) return failure(key.error().code, key_file, key.error().message);
    return std::move(*key);
}

core::Result<core::ReleaseStatement> statement_of(const std::filesystem::path& path,
                                                  std::string_view manifest) {
    auto statement = core::statement_for_manifest(core::as_bytes(manifest));
    if (!statement) return refusal(path, statement.error().message);
    return *statement;
}

core::Result<CheckedSignature> check_release_signature(const core::MinisignPublicKey& key,
                                                       const std::filesystem::path& release_dir,
                                                       std::string_view manifest) {
    auto sig_path = release_dir / signature_file_name(key.id);
    if (!std::filesystem::exists(sig_path))
        return refusal(sig_path,
                       fmt::format("no signature by key {} (file does not exist)", key.id.to_hex()));
    // A signature file that cannot be read is a missing signature, not trouble.
    auto sig_text = read_file(sig_path, kMaxSignatureFile);
    if (!sig_text) return core::fail(Errc::rejected, std::move(sig_text.error().message));
    auto sig = core::parse_signature_file(*sig_text);
    if (!sig) return refusal(sig_path, sig.error().message);
    if (auto ok = core::verify_signature(key, *sig, core::as_bytes(manifest)); !ok)
        return refusal(sig_path, ok.error().message);
    UTXO_TRY_ASSIGN(auto actual, statement_of(release_dir / "manifest.json", manifest));
    auto claimed = core::parse_trusted_comment(sig->trusted_comment);
    if (!claimed) return refusal(sig_path, claimed.error().message);
    if (auto diff = core::statement_difference(*claimed, actual); !diff.empty())
        return refusal(sig_path, "trusted comment does not match manifest.json: " + diff);
    return CheckedSignature{sig_path, std::move(*sig_text), std::move(*sig), claimed->signed_at};
}

}  // namespace utxo::signer

// utxo-signer sign and verify: an authority signs only the manifest its own indexer produced.
#include <fmt/format.h>

#include <chrono>

#include "core/dht_pointer.h"
#include "core/manifest.h"
#include "core/manifest_torrent.h"
#include "core/sha256.h"
#include "signer/commands.h"
#include "signer/dht_item.h"
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

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The DHT item file to write beside the signature: the pointer at this release with the signature
// file's bytes, signed with a seq above the key's earlier items. nullopt for a manifest that is not
// a whole release (no torrents to point at).
struct DhtItemFile {
    std::filesystem::path path;
    std::int64_t seq = 0;
    std::string bytes;
};
[[nodiscard]] core::Result<std::optional<DhtItemFile>> dht_item_file(const SignOptions& o,
                                                                     const SecretKey& key,
                                                                     std::string_view manifest_bytes,
                                                                     const std::string& signature_text) {
    const auto manifest_path = o.release_dir / "manifest.json";
    auto path = o.release_dir / core::dht_item_file_name(key.id().to_hex());
    auto manifest = core::decode_manifest(manifest_bytes);
    if (!manifest) {
        log().warn("{}: no DHT item written: not a release manifest ({})", manifest_path.string(),
                   manifest.error().message);
        return std::nullopt;
    }
    core::DhtPointer pointer;
    pointer.network = manifest->network;
    pointer.height = manifest->height;
    pointer.block_hash = manifest->block;
    pointer.manifest_sha256 = core::sha256(core::as_bytes(manifest_bytes));
    pointer.shards = manifest->shards_infohash;
    pointer.patches = manifest->patches_infohash;
    pointer.manifest_torrent = core::manifest_torrent_infohash(manifest_bytes);
    pointer.signature = signature_text;
    pointer.seeders = o.dht_seeders;
    if (o.dht_seeders.size() > core::kMaxDhtSeederUrls)
        return core::fail(Errc::usage,
                          fmt::format("--dht-seeder given {} times; a DHT pointer carries at most {}",
                                      o.dht_seeders.size(), core::kMaxDhtSeederUrls));
    auto value = core::encode_pointer_value(pointer);
    if (!value && value.error().code == Errc::too_large)
        return failure(Errc::too_large, path,
                       fmt::format("{} (the signature file and {} --dht-seeder URLs); nothing written",
                                   value.error().message, o.dht_seeders.size()));
    if (!value && value.error().code == Errc::invalid)
        return core::fail(Errc::usage, "--dht-seeder: " + value.error().message);
    if (!value) return failure(value.error().code, path, value.error().message);
    const auto salt = core::dht_salt(manifest->network);
    UTXO_TRY_ASSIGN(auto seq, next_dht_seq(o.release_dir, key, salt, unix_now()));
    auto item = sign_dht_item(key, salt, seq, std::move(*value));
    // An item we cannot verify ourselves must never be published.
    if (!core::verify_dht_item(item))
        return failure(Errc::invalid, o.secret_key_file, "the key produced a DHT item that does not verify");
    auto bytes = core::encode_item_file(item);
    if (!bytes) return failure(bytes.error().code, path, bytes.error().message);
    return DhtItemFile{path, seq, std::move(*bytes)};
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
    // Made before anything is written, so a pointer that does not fit leaves the directory as it was.
    UTXO_TRY_ASSIGN(auto dht, dht_item_file(o, key, theirs, text));
    if (auto w = write_file_atomically(sig_path, core::as_bytes(text), 0644); !w)
        return failure(w.error().code, sig_path, w.error().message);
    SignResult result{sig_path, sig.trusted_comment, std::nullopt, std::nullopt};
    if (dht) {
        if (auto w = write_file_atomically(dht->path, core::as_bytes(dht->bytes), 0644); !w)
            return failure(w.error().code, dht->path, w.error().message);
        result.dht_item_file = dht->path;
        result.dht_seq = dht->seq;
    }
    log().info("signed {} at height {} with key {}{}", release_path.string(), statement.height.value,
               key.id().to_hex(), dht ? fmt::format(", DHT item seq {}", dht->seq) : std::string());
    return result;
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
    VerifyResult result{sig_path, sig->trusted_comment, std::nullopt, std::nullopt};
    // The DHT item beside it, when there is one, must be this very signature's pointer.
    auto dht_path = o.release_dir / core::dht_item_file_name(pub->id.to_hex());
    if (std::filesystem::exists(dht_path)) {
        auto item_text = read_file(dht_path, 4096);
        if (!item_text) return core::fail(Errc::rejected, std::move(item_text.error().message));
        auto seq = check_dht_item(*item_text, *pub, manifest, *sig_text);
        if (!seq) return refusal(dht_path, seq.error().message);
        result.dht_item_file = dht_path;
        result.dht_seq = *seq;
    }
    return result;
}

}  // namespace utxo::signer

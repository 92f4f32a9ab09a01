// The item file of a release's DHT pointer, made and written (signer/dht_item_file.h).
#include "signer/dht_item_file.h"

#include <fmt/format.h>

#include "core/dht_pointer.h"
#include "core/manifest_torrent.h"
#include "core/sha256.h"
#include "signer/dht_item.h"
#include "signer/files.h"
#include "signer/release_files.h"

namespace utxo::signer {

using core::Errc;

core::Result<DhtItemFile> make_dht_item_file(const SecretKey& key, const DhtItemInput& in) {
    auto path = in.release_dir / core::dht_item_file_name(key.id().to_hex());
    const auto& manifest = in.manifest;
    core::DhtPointer pointer;
    pointer.network = manifest.network;
    pointer.height = manifest.height;
    pointer.block_hash = manifest.block;
    pointer.manifest_sha256 = core::sha256(core::as_bytes(in.manifest_bytes));
    pointer.shards = manifest.shards_infohash;
    pointer.patches = manifest.patches_infohash;
    pointer.manifest_torrent = core::manifest_torrent_infohash(in.manifest_bytes);
    pointer.signature = std::string(in.signature_text);
    pointer.seeders = in.dht_seeders;
    if (in.dht_seeders.size() > core::kMaxDhtSeederUrls)
        return core::fail(Errc::usage,
                          fmt::format("--dht-seeder given {} times; a DHT pointer carries at most {}",
                                      in.dht_seeders.size(), core::kMaxDhtSeederUrls));
    auto value = core::encode_pointer_value(pointer);
    if (!value && value.error().code == Errc::too_large)
        return failure(Errc::too_large, path,
                       fmt::format("{} (the signature file and {} --dht-seeder URLs); nothing written",
                                   value.error().message, in.dht_seeders.size()));
    if (!value && value.error().code == Errc::invalid)
        return core::fail(Errc::usage, "--dht-seeder: " + value.error().message);
    if (!value) return failure(value.error().code, path, value.error().message);
    const auto salt = core::dht_salt(manifest.network);
    UTXO_TRY_ASSIGN(auto seq, next_dht_seq(in.release_dir, key, salt, in.signed_at));
    auto item = sign_dht_item(key, salt, seq, std::move(*value));
    // An item we cannot verify ourselves must never be published.
    if (!core::verify_dht_item(item))
        return failure(Errc::invalid, in.key_file, "the key produced a DHT item that does not verify");
    auto bytes = core::encode_item_file(item);
    if (!bytes) return failure(bytes.error().code, path, bytes.error().message);
    return DhtItemFile{path, seq, std::move(*bytes)};
}

core::Status write_dht_item_file(const DhtItemFile& file) {
    if (auto w = write_file_atomically(file.path, core::as_bytes(file.bytes), 0644); !w)
        return failure(w.error().code, file.path, w.error().message);
    return {};
}

}  // namespace utxo::signer

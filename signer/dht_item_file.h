// The DHT item file of a signed release (manifest.json.<KEYID>.dht, docs/signer.md): the
// authority's pointer at the release, carrying its .minisig byte for byte, signed with the next
// seq. Made by `sign` beside the signature it writes and by `pointer` beside one made offline.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/manifest.h"
#include "signer/secret_key.h"

namespace utxo::signer {

struct DhtItemFile {
    std::filesystem::path path;  // DIR/manifest.json.<KEYID>.dht
    std::int64_t seq = 0;
    std::string bytes;  // the file's content (core::encode_item_file)
};

// What the item is made of: the release directory, its manifest (bytes and decoded), the
// signature file's bytes, the --dht-seeder URLs and the smallest seq (the signing time).
struct DhtItemInput {
    std::filesystem::path release_dir;
    std::filesystem::path key_file;  // only to name it if the key misbehaves
    std::string_view manifest_bytes;
    const core::Manifest& manifest;
    std::string_view signature_text;
    const std::vector<std::string>& dht_seeders;
    // The signature's signed_at, unix seconds: the seq is at least this (next_dht_seq's `now`).
    std::int64_t signed_at = 0;
};

// The item file, not yet written: its seq by next_dht_seq (signer/dht_item.h). More than
// core::kMaxDhtSeederUrls seeders or a seeder URL the pointer refuses is Errc::usage; a pointer
// over BEP 44's 1000 bytes Errc::too_large naming the .dht file ("...; nothing written").
[[nodiscard]] core::Result<DhtItemFile> make_dht_item_file(const SecretKey& key, const DhtItemInput& in);

// Writes it atomically, mode 0644; a failure names the file.
[[nodiscard]] core::Status write_dht_item_file(const DhtItemFile& file);

}  // namespace utxo::signer

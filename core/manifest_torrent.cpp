// The manifest torrent (core/manifest_torrent.h): the bencoded bytes and the infohash, SHA-1 on
// OpenSSL's EVP interface.
#include "core/manifest_torrent.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>

#include "core/bencode.h"

namespace utxo::core {

namespace {

using bencode::Dict;
using bencode::Value;

// SHA-1, 20 bytes. EVP_Digest fails only without memory or without SHA-1 in libcrypto; the zero
// hash left then matches no torrent, so a client refuses it rather than trusting it.
std::string sha1(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE] = {};
    unsigned int size = 0;
    (void)EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha1(), nullptr);
    return std::string(reinterpret_cast<const char*>(digest), 20);
}

Value info_dict(std::string_view manifest) {
    std::string pieces;
    for (std::size_t offset = 0; offset < manifest.size(); offset += kManifestTorrentPieceSize)
        pieces += sha1(manifest.substr(offset, kManifestTorrentPieceSize));
    return Value(Dict{{"length", Value(static_cast<std::int64_t>(manifest.size()))},
                      {"name", Value("manifest.json")},
                      {"piece length", Value(static_cast<std::int64_t>(kManifestTorrentPieceSize))},
                      {"pieces", Value(std::move(pieces))}});
}

}  // namespace

std::string manifest_torrent(std::string_view manifest_bytes) {
    return bencode::encode(Value(Dict{{"info", info_dict(manifest_bytes)}}));
}

InfoHash manifest_torrent_infohash(std::string_view manifest_bytes) {
    auto digest = sha1(bencode::encode(info_dict(manifest_bytes)));
    InfoHash out;
    std::copy_n(digest.begin(), std::min(digest.size(), InfoHash::size), out.bytes().begin());
    return out;
}

}  // namespace utxo::core

// An authority's release pointer in the BitTorrent DHT (BEP 44 mutable item; docs/formats.md,
// "DHT release pointer"). One item per authority and network: its public key is the authority's
// minisign Ed25519 key, its salt names the project, the pointer format and the network, and its
// value says which release the authority signed last, with that signature, so a client can rebuild
// the authority's .minisig byte for byte and run the unchanged agreement rule.
//
// Verify-only here (the verifier links core): signing the item is the signer's (signer/), with the
// authority's secret key. Anyone can store or re-put an item signed once, so items are made
// offline and published by seeders and clients without the key.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/network.h"
#include "core/types.h"

namespace utxo::core {

inline constexpr std::size_t kMaxDhtValueBytes = 1000;  // BEP 44: a bencoded v of at most 1000 bytes
inline constexpr std::size_t kMaxDhtSeederUrls = 8;

// "utxo-torrent/1/<network name>": project, pointer format version, network (BEP 44 salt <= 64 bytes).
std::string dht_salt(Network network);

// What the value says. v is a bencoded dictionary with one-letter keys (core/dht_pointer.cpp,
// docs/formats.md "DHT release pointer"): b block hash (32 raw bytes, internal order), g the
// signature file, h height, m manifest SHA-256, n network name, p patches infohash (absent without
// patches), s shards infohash, t manifest torrent infohash, u seeder URLs (absent when none).
struct DhtPointer {
    Network network = Network::regtest;
    Height height;
    BlockHash block_hash;
    Sha256Digest manifest_sha256;      // of manifest.json's bytes
    InfoHash shards;                   // torrents.shards of the manifest
    std::optional<InfoHash> patches;   // torrents.patches, when the release has patches
    InfoHash manifest_torrent;         // core/manifest_torrent.h: the torrent carrying manifest.json
    std::string signature;             // the authority's manifest.json.<KEYID>.minisig, byte for byte
    std::vector<std::string> seeders;  // optional seeder base URLs (http(s)://...), at most kMaxDhtSeederUrls
    friend bool operator==(const DhtPointer&, const DhtPointer&) = default;
};

// The bencoded v. Errc::too_large when it would exceed kMaxDhtValueBytes (nothing is sent then) or
// there are more than kMaxDhtSeederUrls seeders; Errc::invalid for a seeder URL that is not
// http:// or https:// in printable ASCII without spaces, or a signature file that does not parse;
// Errc::mismatch when its trusted comment states another release than the fields (what encode
// writes, decode accepts). A realistic mainnet pointer is about 665 bytes without seeders.
[[nodiscard]] Result<std::string> encode_pointer_value(const DhtPointer& pointer);
// Bounded (<= kMaxDhtValueBytes, a dictionary holding one list: depth 2, at most 32 values);
// refuses anything not exactly as encode_pointer_value writes it (encode(decode(v)) == v): unknown
// or missing keys, wrong sizes, an empty u, a network alias, a height beyond u32, the URLs
// encode refuses, a signature file that does not parse, and (Errc::mismatch) a trusted comment
// whose network, height, block hash or manifest SHA-256 differ from the pointer's fields.
[[nodiscard]] Result<DhtPointer> decode_pointer_value(std::string_view value);

// A signed BEP 44 mutable item, as stored beside a release (manifest.json.<KEYID>.dht) and as put.
struct DhtItem {
    std::array<std::uint8_t, 32> public_key{};  // Ed25519: the authority's minisign key
    std::string salt;
    std::int64_t seq = 0;  // max(unix time at signing, previous item's seq + 1): it also dates the pointer
    std::string value;     // the bencoded v (encode_pointer_value)
    std::array<std::uint8_t, 64> signature{};
    friend bool operator==(const DhtItem&, const DhtItem&) = default;
};

// What BEP 44 signs: "4:salt<len>:<salt>" (only when the salt is not empty) "3:seqi<seq>e1:v" <value>.
Bytes dht_signing_buffer(std::string_view salt, std::int64_t seq, std::string_view value);
// Ed25519 over dht_signing_buffer (libsodium), verify only.
bool verify_dht_item(const DhtItem& item);

// The item file: bencoded {"k": 32 bytes, "salt": ..., "seq": int, "sig": 64 bytes, "v": <value as
// a bencoded value, not a string>} (the fields of a BEP 44 put). decode checks the shape and
// bounds (at most kMaxDhtValueBytes + 400 bytes, v at most kMaxDhtValueBytes, salt at most 64
// bytes, seq not negative, no other keys), not the signature and not what v says.
[[nodiscard]] Result<std::string> encode_item_file(const DhtItem& item);
[[nodiscard]] Result<DhtItem> decode_item_file(std::string_view bytes);

// "manifest.json.<KEYID>.dht", beside "manifest.json.<KEYID>.minisig".
std::string dht_item_file_name(const std::string& key_id_hex);

}  // namespace utxo::core

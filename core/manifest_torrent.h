// The manifest torrent: a small v1 torrent that carries one release's manifest.json, built from the
// manifest bytes alone so that every authority, seeder and client makes the very same bytes and
// joins one swarm (docs/formats.md, "Manifest torrent"). A DHT pointer names its infohash; a client
// that has nothing but the DHT gets manifest.json through it (metadata from peers, BEP 9).
//
//   d4:infod6:lengthi<N>e4:name13:manifest.json12:piece lengthi16384e6:pieces<20 x P>:<SHA-1s>ee
//
// N is the manifest's size in bytes, P = ceil(N / 16384) pieces of 16 KiB, the last one shorter.
// The piece length is fixed (a 65536-shard manifest of about 13 MB is still only ~800 pieces), so
// nothing but the manifest bytes decides the torrent. No announce, no creation date, no url-list:
// nothing but the info dictionary; trackers and web seeds go into magnets or a .torrent's outer
// dictionary, which do not change the infohash.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "core/hash.h"

namespace utxo::core {

inline constexpr char kManifestTorrentFile[] = "manifest.torrent";  // its name beside manifest.json
inline constexpr std::size_t kManifestTorrentPieceSize = 16384;

std::string manifest_torrent(std::string_view manifest_bytes);
InfoHash manifest_torrent_infohash(std::string_view manifest_bytes);  // SHA-1 of the info dictionary

}  // namespace utxo::core

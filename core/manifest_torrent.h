// The manifest torrent: a small v1 torrent that carries one release's manifest.json, built from the
// manifest bytes alone so that every authority, seeder and client makes the very same bytes and
// joins one swarm (docs/formats.md, "Manifest torrent"). A DHT pointer names its infohash; a client
// that has nothing but the DHT gets manifest.json through it (metadata from peers, BEP 9).
//
//   d4:infod6:lengthi<N>e4:name13:manifest.json12:piece lengthi<P>e6:pieces<20 x pieces>:<SHA-1s>ee
//
// No announce, no creation date, no url-list: nothing but the info dictionary. P is 16 KiB for a
// manifest up to 16 MiB of pieces... (see formats.md for the exact rule).
#pragma once
#include <string>
#include <string_view>

#include "core/hash.h"

namespace utxo::core {

inline constexpr char kManifestTorrentFile[] = "manifest.torrent";  // its name beside manifest.json

std::string manifest_torrent(std::string_view manifest_bytes);
InfoHash manifest_torrent_infohash(std::string_view manifest_bytes);  // SHA-1 of the info dictionary

}  // namespace utxo::core

// BitTorrent v1 .torrent files for releases, built with libtorrent but from piece hashes we computed
// ourselves (PieceHasher), so file bytes are hashed once for both manifest and torrent.
//
// The output is deterministic: v1 only (Debian 12's aria2 and Transmission cannot use hybrid
// torrents), no creator, no creation date, no mtime, no pad files, no trackers and no web seeds
// (the seeder adds those outside the info dictionary). Identical files give identical bytes and
// the same infohash on every machine. All libtorrent headers stay inside torrent_maker.cpp.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "indexer/piece_hasher.h"
#include "net/torrent_file.h"

namespace utxo::indexer {

// name: the torrent's root directory ("shards", "patches"); every file path starts with "name/".
// files in torrent order, none empty; piece_hashes: one per piece, as PieceHasher::finish() gives.
// Fails (usage) when the sizes and the number of pieces disagree or a path is outside `name`.
[[nodiscard]] core::Result<core::Bytes> make_torrent(std::string_view name,
                                                     const std::vector<TorrentFile>& files,
                                                     std::uint32_t piece_size,
                                                     const std::vector<Sha1Digest>& piece_hashes);

// The same torrent, but hashed by libtorrent's own set_piece_hashes from the files under `root`
// (root / file.path). Slower; it exists to cross-check our hashing.
[[nodiscard]] core::Result<core::Bytes> make_torrent_libtorrent_hashed(const std::filesystem::path& root,
                                                                       std::string_view name,
                                                                       const std::vector<TorrentFile>& files,
                                                                       std::uint32_t piece_size);

using net::TorrentContents;

// A release torrent read back (net::read_torrent, with bounds for our own torrents of a large set).
// Fails (invalid) when it cannot be parsed or has no v1 piece hashes.
[[nodiscard]] core::Result<TorrentContents> read_torrent(core::ByteView torrent);
// v1 infohash (SHA-1 of the bencoded info dictionary).
[[nodiscard]] core::Result<core::InfoHash> torrent_infohash(core::ByteView torrent);

}  // namespace utxo::indexer

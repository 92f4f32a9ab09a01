// Reading .torrent files (BEP 3; BEP 52's v2 fields are only detected): the infohash, the file
// list and the piece hashes, in one place for the indexer, the seeder and the verifier. libtorrent
// parses; its headers stay in torrent_file.cpp.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "core/hash.h"

namespace utxo::net {

using core::Sha1Digest;

// A file of a torrent: its path inside the torrent, starting with the torrent's name
// ("shards/00017.shard"), '/' separators.
struct TorrentFile {
    std::string path;
    std::uint64_t size = 0;
    friend bool operator==(const TorrentFile&, const TorrentFile&) = default;
};

// Bounds on the bytes of a .torrent, checked before or while they are decoded, before anything is
// built from them. The defaults are libtorrent's own (load_torrent_limits).
struct TorrentLimits {
    std::size_t max_bytes = 10'000'000;
    int max_pieces = 0x200000;
    int max_decode_tokens = 3'000'000;
    int max_decode_depth = 100;
};

// What a .torrent file says.
struct TorrentContents {
    core::InfoHash infohash;  // v1: SHA-1 of the bencoded info dictionary
    std::string name;         // the root directory ("shards", "patches")
    std::uint32_t piece_size = 0;
    std::vector<TorrentFile> files;  // torrent order
    std::vector<Sha1Digest> pieces;  // the v1 piece hashes; empty without them (!has_v1)
    bool has_v1 = false;             // v1 piece hashes present
    bool has_v2 = false;             // a v2 or hybrid torrent (BEP 52)
};

// Errc::invalid when the bytes are not a torrent within `limits`; the message is the parser's
// reason ("invalid bencoding", ...), for the caller to put into its sentence.
[[nodiscard]] core::Result<TorrentContents> read_torrent(std::string_view torrent,
                                                         const TorrentLimits& limits = {});
[[nodiscard]] core::Result<TorrentContents> read_torrent(core::ByteView torrent,
                                                         const TorrentLimits& limits = {});

// The v1 infohash of a .torrent (errors as read_torrent).
[[nodiscard]] core::Result<core::InfoHash> torrent_infohash(std::string_view torrent,
                                                            const TorrentLimits& limits = {});

}  // namespace utxo::net

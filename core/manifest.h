// manifest.json: what a release is, in canonical JSON (sorted keys, no spaces, integers,
// lowercase hex, one trailing newline). The signed bytes are exactly the file bytes, so
// encode(decode(bytes)) == bytes is required of any manifest accepted.
//
// {"block_hash":HEX,"format":1,
//  "full_set":{"coins":N,"hash_serialized_3":HEX,"muhash":HEX,"total_amount":N},
//  "height":N,"network":NAME,
//  "patches":null | {"files":[{"bytes":N,"sha256":HEX},...],"from_block_hash":HEX,"from_height":N},
//  "piece_size":N,
//  "shard_count":N,"shard_rule":"sha256d-le-mod",
//  "shards":[{"bytes":N,"coins":N,"muhash":HEX,"sha256":HEX},...],
//  "torrents":{"patches":HEX|null,"shards":HEX}}
// Hashes in display hex for block hashes and the commitments (as Core prints them: BasicHash),
// plain digest hex for file sha256 and torrent infohashes (v1, 40 hex digits: Digest). The
// structs hold them typed: decode parses each once, encode prints it (core/hash.h).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/hash.h"
#include "core/network.h"
#include "core/types.h"

namespace utxo::core {

inline constexpr char kShardRule[] = "sha256d-le-mod";

struct ShardHeader;  // core/shard.h

struct FileEntry {
    std::uint64_t bytes = 0;
    Sha256Digest sha256;  // SHA256(file)
    friend bool operator==(const FileEntry&, const FileEntry&) = default;
};

struct ShardEntry {
    std::uint64_t coins = 0;
    std::uint64_t bytes = 0;
    Sha256Digest sha256;
    MuHashDigest muhash;  // the shard's own MuHash3072 digest
    friend bool operator==(const ShardEntry&, const ShardEntry&) = default;
};

struct PatchSet {
    BlockHash from_block;
    Height from_height;
    std::vector<FileEntry> files;  // one per shard, index order
    friend bool operator==(const PatchSet&, const PatchSet&) = default;
};

struct Manifest {
    std::uint32_t format = 1;
    Network network = Network::mainnet;
    Height height;
    BlockHash block;
    std::uint32_t shard_count = 0;
    std::uint32_t piece_size = 0;  // torrent piece size in bytes
    std::vector<ShardEntry> shards;
    std::uint64_t coins = 0;
    Amount total_amount;
    AssumeutxoHash hash_serialized_3;
    MuHashDigest muhash;
    std::optional<PatchSet> patches;
    InfoHash shards_infohash;
    std::optional<InfoHash> patches_infohash;  // when there are patches
    friend bool operator==(const Manifest&, const Manifest&) = default;
};

std::string encode_manifest(const Manifest& m);  // canonical bytes, trailing newline
// Refuses anything non-canonical: after checking each field's presence, JSON type and form
// (integers only, hex of the exact length, lowercase) it re-encodes and requires the same bytes,
// so spaces, key order, duplicate keys, escapes and extra newlines fail ("manifest is not
// canonical (...)"). Also refused: format != 1, an unknown network, shard_rule != kShardRule,
// shard_count not a power of two <= kMaxShardCount or != shards.size() (or != patches.files.size()),
// shard coin counts not summing to full_set.coins, total_amount outside the money range,
// patches and torrents.patches not both null or both present, patches.from_height >= height,
// piece_size 0.
[[nodiscard]] Result<Manifest> decode_manifest(std::string_view bytes);

// Release directory name: "<height>-<block hash display hex>"; shard and patch file names.
std::string release_dir_name(Height height, const BlockHash& block);
std::string shard_file_name(std::uint32_t index);  // "00042.shard" (5 digits)
std::string patch_file_name(std::uint32_t index);  // "00042.patch"

// A shard file's header against the manifest, for the file meant to be shard `index`: network,
// block hash, height, position (index of shard_count) and coin count, in that order. The first
// difference is Errc::mismatch naming `file` and the field, e.g. "shards/00017.shard: coins is 12,
// manifest says 13". `index` must be below m.shard_count.
[[nodiscard]] Status check_shard_header(const ShardHeader& header, const Manifest& m, std::uint32_t index,
                                        std::string_view file);

}  // namespace utxo::core

// Patch file: how one shard changed from a previous release to this one. Coins created and spent
// inside the interval do not appear.
//
//   magic "UTXOPTCH" (8) || version u16 = 1 || network magic (4)
//   || from block hash raw (32) || from height u32 || to block hash raw (32) || to height u32
//   || shard index u32 || shard count u32                                      (= 94-byte header)
//   || spent count u64 || spent x ( txid raw (32) || CompactSize(vout) )         ascending
//   || created count u64 || created x ( txid raw (32) || CompactSize(vout) || Coin )  ascending
//   nothing after.
#pragma once
#include <filesystem>
#include <vector>

#include "core/coin.h"
#include "core/error.h"
#include "core/network.h"
#include "core/shard.h"

namespace utxo::core {

struct PatchHeader {
    static constexpr std::size_t kSize = 94;  // 8+2+4+32+4+32+4+4+4 (the first draft said 90)
    std::uint16_t version = 1;
    Network network = Network::mainnet;
    BlockHash from_block;
    Height from_height;
    BlockHash to_block;
    Height to_height;
    std::uint32_t shard_index = 0;
    std::uint32_t shard_count = kDefaultShardCount;
    friend bool operator==(const PatchHeader&, const PatchHeader&) = default;
};

struct Patch {
    PatchHeader header;
    std::vector<OutPoint> spent;                     // ascending
    std::vector<std::pair<OutPoint, Coin>> created;  // ascending
};

Bytes encode_patch(const Patch& patch);  // checks nothing; callers sort
[[nodiscard]] Result<Patch> decode_patch(
    ByteView bytes);  // every canonical check (order, counts, shard of created coins)
Result<Patch> read_patch_file(const std::filesystem::path& path);

// The rules decode_patch enforces, for a Patch built in memory: version 1, from_height <
// to_height, a valid shard count and index, both lists strictly ascending, no outpoint in both,
// every created coin passing check_shard_coin for the to-side header. Messages name the outpoint.
[[nodiscard]] Status check_patch(const Patch& patch);
// The header of the shard after the patch (to block and height; coin_count 0).
ShardHeader shard_header_after(const PatchHeader& header);

// Applies a patch to a shard file, writing the new shard file (streaming merge). Fails if a spent
// coin is missing, a created coin already exists, or the headers do not chain
// (shard's network/block/height == patch's network/from; index and count equal), or the patch
// fails check_patch. The new file is written through ShardWriter, so it appears only when
// complete and an existing new_shard is never replaced. A caller that only hashes the result
// (verify-release) passes caller_syncs to skip the fsync.
[[nodiscard]] Status apply_patch(
    const std::filesystem::path& old_shard, const Patch& patch, const std::filesystem::path& new_shard,
    ShardWriter::Durability durability = ShardWriter::Durability::sync_each_file);

// The same merge for an old shard file whose SHA-256 was checked against a signed manifest and a
// result that will be checked the same way (a client moving forward, verify-release replaying
// patches): the old records are copied as they are, without decoding, re-encoding or the
// per-coin checks (script in its shard, canonical encoding), several times faster. The patch
// itself is checked as by apply_patch; a spent coin missing or a created one present is still
// refused, and anything else wrong in the old file shows up in the result's SHA-256.
[[nodiscard]] Status apply_patch_unchecked(
    const std::filesystem::path& old_shard, const Patch& patch, const std::filesystem::path& new_shard,
    ShardWriter::Durability durability = ShardWriter::Durability::sync_each_file);

}  // namespace utxo::core

// What the patch chain and follow tests compute about chain_world()'s releases: manifests, the
// bytes of the torrent pieces a set of files needs, and a wallet's script in a given shard.
#pragma once
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "core/manifest.h"
#include "core/shard.h"
#include "fetch_world.h"

namespace fetch_world {

inline utxo::core::Manifest manifest_at(int height) {
    auto bytes = test::read_file(release_dir(chain_world().releases("alice"), height) / "manifest.json");
    auto m = utxo::core::decode_manifest(std::string(bytes.begin(), bytes.end()));
    REQUIRE(m);
    return *m;
}

// Bytes of the torrent pieces that overlap these files: what BitTorrent must download for them.
inline std::uint64_t covered(const std::vector<std::uint64_t>& sizes,
                             const std::vector<std::uint32_t>& wanted, std::uint64_t piece) {
    std::uint64_t total = 0, offset = 0;
    for (auto s : sizes) total += s;
    std::set<std::uint64_t> pieces;
    for (std::uint32_t i = 0; i < sizes.size(); offset += sizes[i], ++i)
        if (sizes[i] > 0 && std::find(wanted.begin(), wanted.end(), i) != wanted.end())
            for (auto p = offset / piece; p <= (offset + sizes[i] - 1) / piece; ++p) pieces.insert(p);
    std::uint64_t bytes = 0;
    for (auto p : pieces) bytes += std::min(piece, total - p * piece);
    return bytes;
}

inline std::uint64_t wanted_patch_bytes(int height, const std::vector<std::uint32_t>& shards) {
    auto m = manifest_at(height);
    std::vector<std::uint64_t> sizes;
    for (const auto& f : m.patches->files) sizes.push_back(f.bytes);
    return covered(sizes, shards, m.piece_size);
}

inline std::uint64_t wanted_shard_bytes(int height, const std::vector<std::uint32_t>& shards) {
    auto m = manifest_at(height);
    std::vector<std::uint64_t> sizes;
    for (const auto& f : m.shards) sizes.push_back(f.bytes);
    return covered(sizes, shards, m.piece_size);
}

// The script of the first coin in shard i at `height`, in hex: a wallet whose coins are there.
inline std::string script_in_shard(int height, std::uint32_t i) {
    auto rel = release_dir(chain_world().releases("alice"), height);
    auto reader = utxo::core::ShardReader::open(rel / "shards" / utxo::core::shard_file_name(i));
    REQUIRE(reader);
    auto c = reader->next();
    REQUIRE(c);
    REQUIRE(*c);
    return utxo::core::to_hex((*c)->second.script);
}

}  // namespace fetch_world

// manifest.json encoding and the release's file names. Canonical form comes from nlohmann::json
// itself: its default object is a std::map, so keys come out sorted, and dump() without an
// indent writes no spaces. Decoding (with every refusal) is in manifest_decode.cpp.
#include "core/manifest.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/shard.h"

namespace utxo::core {

namespace {

using nlohmann::json;

json file_entry(const FileEntry& f) {
    json j = json::object();
    j["bytes"] = f.bytes;
    j["sha256"] = f.sha256.to_hex();
    return j;
}

json shard_entry(const ShardEntry& s) {
    json j = json::object();
    j["bytes"] = s.bytes;
    j["coins"] = s.coins;
    j["muhash"] = s.muhash.to_display_hex();
    j["sha256"] = s.sha256.to_hex();
    return j;
}

json patch_set(const std::optional<PatchSet>& p) {
    if (!p) return nullptr;
    json files = json::array();
    for (const auto& f : p->files) files.push_back(file_entry(f));
    json j = json::object();
    j["files"] = std::move(files);
    j["from_block_hash"] = p->from_block.to_display_hex();
    j["from_height"] = p->from_height.value;
    return j;
}

}  // namespace

std::string encode_manifest(const Manifest& m) {
    json full = json::object();
    full["coins"] = m.coins;
    full["hash_serialized_3"] = m.hash_serialized_3.to_display_hex();
    full["muhash"] = m.muhash.to_display_hex();
    full["total_amount"] = m.total_amount.sat;
    json shards = json::array();
    for (const auto& s : m.shards) shards.push_back(shard_entry(s));
    json torrents = json::object();
    torrents["patches"] = m.patches_infohash ? json(m.patches_infohash->to_hex()) : json(nullptr);
    torrents["shards"] = m.shards_infohash.to_hex();

    json j = json::object();
    j["block_hash"] = m.block.to_display_hex();
    j["format"] = m.format;
    j["full_set"] = std::move(full);
    j["height"] = m.height.value;
    j["network"] = std::string(network_name(m.network));
    j["patches"] = patch_set(m.patches);
    j["piece_size"] = m.piece_size;
    j["shard_count"] = m.shard_count;
    j["shard_rule"] = kShardRule;
    j["shards"] = std::move(shards);
    j["torrents"] = std::move(torrents);
    // `replace` instead of throwing on a string that is not UTF-8: such a manifest then fails
    // decode's hex checks rather than escaping an exception from here.
    return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string release_dir_name(Height height, const BlockHash& block) {
    return fmt::format("{}-{}", height.value, block.to_display_hex());
}

std::string shard_file_name(std::uint32_t index) { return fmt::format("{:05}.shard", index); }
std::string patch_file_name(std::uint32_t index) { return fmt::format("{:05}.patch", index); }

namespace {

template <class... A>
std::unexpected<Error> header_differs(std::string_view file, fmt::format_string<A...> what, A&&... args) {
    return fail(Errc::mismatch, fmt::format("{}: {}", file, fmt::format(what, std::forward<A>(args)...)));
}

}  // namespace

Status check_shard_header(const ShardHeader& h, const Manifest& m, std::uint32_t index,
                          std::string_view file) {
    if (h.network != m.network)
        return header_differs(file, "network is {}, manifest says {}", network_name(h.network),
                              network_name(m.network));
    if (h.block != m.block)
        return header_differs(file, "block hash is {}, manifest says {}", h.block.to_display_hex(),
                              m.block.to_display_hex());
    if (h.height != m.height)
        return header_differs(file, "height is {}, manifest says {}", h.height.value, m.height.value);
    if (h.shard_index != index || h.shard_count != m.shard_count)
        return header_differs(file, "shard is {} of {}, expected {} of {}", h.shard_index, h.shard_count,
                              index, m.shard_count);
    if (h.coin_count != m.shards[index].coins)
        return header_differs(file, "coins is {}, manifest says {}", h.coin_count, m.shards[index].coins);
    return {};
}

}  // namespace utxo::core

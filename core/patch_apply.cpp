// Applying a patch: one streaming merge of the old shard file (sorted) with the patch's two sorted
// lists, straight into a ShardWriter. Memory is the patch plus the reader's and writer's buffers,
// whatever the shard's size; the writer's tmp-and-rename leaves nothing behind on failure.
#include <fmt/format.h>

#include "core/patch.h"

namespace utxo::core {

namespace {

[[nodiscard]] Status check_chain(const ShardHeader& old, const PatchHeader& p) {
    if (old.network != p.network)
        return fail(Errc::mismatch, fmt::format("the shard is for {} but the patch is for {}",
                                                network_name(old.network), network_name(p.network)));
    if (old.shard_index != p.shard_index || old.shard_count != p.shard_count)
        return fail(Errc::mismatch,
                    fmt::format("the shard is {} of {} but the patch is for shard {} of {}", old.shard_index,
                                old.shard_count, p.shard_index, p.shard_count));
    if (old.block != p.from_block || old.height != p.from_height)
        return fail(Errc::mismatch,
                    fmt::format("the shard is at block {} (height {}) but the patch starts from block {} "
                                "(height {})",
                                old.block.to_display_hex(), old.height.value, p.from_block.to_display_hex(),
                                p.from_height.value));
    return {};
}

// The merge state: positions in the two lists.
struct Merge {
    const Patch& patch;
    ShardWriter& out;
    std::size_t spent = 0;
    std::size_t created = 0;

    // Writes the created coins that sort before `limit` (all of them without a limit).
    [[nodiscard]] Status created_before(const OutPoint* limit) {
        const auto& list = patch.created;
        while (created < list.size() && (!limit || list[created].first < *limit)) {
            UTXO_TRY(out.add(list[created].first, list[created].second));
            ++created;
        }
        return {};
    }

    [[nodiscard]] Status old_coin(const OutPoint& o, const Coin& c) {
        UTXO_TRY(created_before(&o));
        if (created < patch.created.size() && patch.created[created].first == o)
            return fail(Errc::mismatch,
                        fmt::format("created coin {} already exists in the old shard", describe_outpoint(o)));
        if (spent < patch.spent.size() && patch.spent[spent] < o) return missing();
        if (spent < patch.spent.size() && patch.spent[spent] == o) {
            ++spent;
            return {};
        }
        return out.add(o, c);
    }

    [[nodiscard]] Status missing() const {
        return fail(Errc::not_found, fmt::format("spent coin {} is not in the old shard",
                                                 describe_outpoint(patch.spent[spent])));
    }
};

}  // namespace

Status apply_patch(const std::filesystem::path& old_shard, const Patch& patch,
                   const std::filesystem::path& new_shard, ShardWriter::Durability durability) {
    UTXO_TRY(check_patch(patch));
    UTXO_TRY_ASSIGN(auto reader, ShardReader::open(old_shard));
    UTXO_TRY(check_chain(reader.header(), patch.header));
    UTXO_TRY_ASSIGN(auto writer,
                    ShardWriter::create(new_shard, shard_header_after(patch.header), durability));
    Merge m{patch, writer};
    while (true) {
        UTXO_TRY_ASSIGN(auto next, reader.next());
        if (!next) break;
        UTXO_TRY(m.old_coin((next)->first, (next)->second));
    }
    if (m.spent < patch.spent.size()) return m.missing();
    UTXO_TRY(m.created_before(nullptr));
    return writer.finish();
}

}  // namespace utxo::core

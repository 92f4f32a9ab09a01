// Applying a patch: one streaming merge of the old shard file (sorted) with the patch's two sorted
// lists, straight into a ShardWriter. Memory is the patch plus the reader's and writer's buffers,
// whatever the shard's size; the writer's tmp-and-rename leaves nothing behind on failure.
#include <fmt/format.h>

#include "core/buffered_file.h"
#include "core/patch.h"

namespace utxo::core {

namespace {

// The unchecked merge reads the old file in chunks of this size.
constexpr std::size_t kUncheckedReadBuffer = 1 << 20;

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

    // An old coin: dropped when the patch spends it, otherwise written by `keep` (from the coin,
    // or from its record as it is).
    template <class Keep>
    [[nodiscard]] Status old_coin(const OutPoint& o, Keep&& keep) {
        UTXO_TRY(created_before(&o));
        if (created < patch.created.size() && patch.created[created].first == o)
            return fail(Errc::mismatch,
                        fmt::format("created coin {} already exists in the old shard", describe_outpoint(o)));
        if (spent < patch.spent.size() && patch.spent[spent] < o) return missing();
        if (spent < patch.spent.size() && patch.spent[spent] == o) {
            ++spent;
            return {};
        }
        return keep();
    }

    [[nodiscard]] Status finish() {
        if (spent < patch.spent.size()) return missing();
        UTXO_TRY(created_before(nullptr));
        return out.finish();
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
        const auto& [outpoint, coin] = *next;
        UTXO_TRY(m.old_coin(outpoint, [&] { return writer.add(outpoint, coin); }));
    }
    return m.finish();
}

namespace {

// One old record: its outpoint and its coin's bytes as they are (a view into the read buffer).
struct OldRecord {
    OutPoint outpoint;
    ByteView coin;
};

[[nodiscard]] Result<OldRecord> read_old_record(Reader& in) {
    OldRecord r;
    UTXO_TRY_ASSIGN(r.outpoint.txid, in.hash<TxidTag>());
    UTXO_TRY_ASSIGN(auto vout, in.compact_size(UINT32_MAX));
    r.outpoint.vout = static_cast<std::uint32_t>(vout);
    UTXO_TRY_ASSIGN(r.coin, skip_coin(in));
    return r;
}

}  // namespace

Status apply_patch_unchecked(const std::filesystem::path& old_shard, const Patch& patch,
                             const std::filesystem::path& new_shard, ShardWriter::Durability durability) {
    UTXO_TRY(check_patch(patch));
    UTXO_TRY_ASSIGN(auto reader, ChunkedFileReader::open(old_shard, kUncheckedReadBuffer, IoWording::ours));
    auto in_file = [&](const Error& e) {
        return fail(e.code, fmt::format("{}: {}", old_shard.string(), e.message));
    };
    auto header = reader.parse([](Reader& r) -> Result<ShardHeader> {
        UTXO_TRY_ASSIGN(auto bytes, r.bytes(ShardHeader::kSize));
        return decode_shard_header(bytes);
    });
    if (!header) return in_file(header.error());
    UTXO_TRY(check_chain(*header, patch.header));
    UTXO_TRY_ASSIGN(auto writer,
                    ShardWriter::create(new_shard, shard_header_after(patch.header), durability));
    Merge m{patch, writer};
    for (std::uint64_t n = 0; n < header->coin_count; ++n) {
        auto rec = reader.parse(read_old_record);
        if (!rec) return in_file(rec.error());
        UTXO_TRY(m.old_coin(rec->outpoint, [&] { return writer.add_encoded(rec->outpoint, rec->coin); }));
    }
    UTXO_TRY_ASSIGN(bool at_end, reader.at_end());
    if (!at_end) return in_file(Error{Errc::invalid, "bytes follow the last coin"});
    return m.finish();
}

}  // namespace utxo::core

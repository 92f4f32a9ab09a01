// Patch files: encoding, decoding with every canonical check, and the rules a patch obeys.
// Applying a patch to a shard file is in patch_apply.cpp.
#include "core/patch.h"

#include <fmt/format.h>

#include <cstring>
#include <iterator>

#include "core/file_io.h"
#include "core/header_fields.h"
#include "core/serialize.h"

namespace utxo::core {

namespace {

constexpr char kMagic[8] = {'U', 'T', 'X', 'O', 'P', 'T', 'C', 'H'};
// A patch holds the changes of a few thousand blocks to one shard, megabytes at most; a file
// near this is damage, and the limit keeps read_patch_file from reading whatever it is given.
constexpr std::size_t kMaxPatchFile = std::size_t{1} << 30;

[[nodiscard]] Result<PatchHeader> read_header(Reader& r) {
    auto magic = r.bytes(sizeof kMagic);
    if (!magic) return fail(Errc::truncated, "patch file is shorter than its header");
    if (std::memcmp(magic->data(), kMagic, sizeof kMagic) != 0)
        return fail(Errc::invalid, "not a patch file (bad magic)");
    if (r.remaining() < PatchHeader::kSize - sizeof kMagic)
        return fail(Errc::truncated, "patch file is shorter than its header");
    PatchHeader h;
    UTXO_TRY_ASSIGN(auto version, read_header_version(r, "patch file"));
    h.version = version;
    UTXO_TRY_ASSIGN(auto net, read_header_network(r, "patch file"));
    h.network = net;
    h.from_block = *r.hash<BlockHashTag>();
    h.from_height = Height{*r.u32()};
    h.to_block = *r.hash<BlockHashTag>();
    h.to_height = Height{*r.u32()};
    h.shard_index = *r.u32();
    h.shard_count = *r.u32();
    return h;
}

[[nodiscard]] Status check_header(const PatchHeader& h) {
    if (h.version != 1)
        return fail(Errc::invalid, fmt::format("patch version {} is not supported (only 1)", h.version));
    if (!(h.from_height < h.to_height))
        return fail(Errc::invalid, fmt::format("patch goes from height {} to height {}; it must go forward",
                                               h.from_height.value, h.to_height.value));
    return check_shard_slot(h.shard_index, h.shard_count);
}

// A count read from the file, bounded by what the remaining bytes could hold, so a damaged
// count cannot make us reserve gigabytes.
[[nodiscard]] Result<std::uint64_t> read_count(Reader& r, std::size_t min_record, const char* what) {
    auto n = r.u64();
    if (!n) return fail(Errc::truncated, fmt::format("patch file ends before its {} count", what));
    if (*n > r.remaining() / min_record)
        return fail(Errc::truncated,
                    fmt::format("patch file announces {} {} coins but is too short for them", *n, what));
    return *n;
}

[[nodiscard]] Status read_spent(Reader& r, std::vector<OutPoint>& spent) {
    UTXO_TRY_ASSIGN(auto n, read_count(r, 33, "spent"));
    spent.reserve(n);
    for (std::uint64_t i = 0; i < n; ++i) {
        auto txid = r.hash<TxidTag>();
        if (!txid)
            return fail(Errc::truncated, fmt::format("spent outpoint {}: {}", i, txid.error().message));
        auto vout = r.compact_size(UINT32_MAX);
        if (!vout)
            return fail(vout.error().code, fmt::format("spent outpoint {}: {}", i, vout.error().message));
        spent.push_back(OutPoint{*txid, static_cast<std::uint32_t>(*vout)});
    }
    return {};
}

[[nodiscard]] Status read_created(Reader& r, std::vector<std::pair<OutPoint, Coin>>& created) {
    UTXO_TRY_ASSIGN(auto n, read_count(r, 36, "created"));
    created.reserve(n);
    for (std::uint64_t i = 0; i < n; ++i) {
        auto rec = read_shard_coin(r);
        if (!rec) return fail(rec.error().code, fmt::format("created coin {}: {}", i, rec.error().message));
        created.push_back(std::move(*rec));
    }
    return {};
}

template <class T, class Key>
[[nodiscard]] Status check_ascending(const std::vector<T>& items, Key key, const char* what) {
    for (std::size_t i = 1; i < items.size(); ++i) {
        if (!(key(items[i - 1]) < key(items[i])))
            return fail(
                Errc::non_canonical,
                fmt::format("{} outpoint {} does not come after {} (the list must be strictly ascending)",
                            what, describe_outpoint(key(items[i])), describe_outpoint(key(items[i - 1]))));
    }
    return {};
}

// Both lists are sorted, so one merge pass finds any outpoint in both.
[[nodiscard]] Status check_disjoint(const Patch& p) {
    std::size_t i = 0, j = 0;
    while (i < p.spent.size() && j < p.created.size()) {
        if (p.spent[i] < p.created[j].first)
            ++i;
        else if (p.created[j].first < p.spent[i])
            ++j;
        else
            return fail(Errc::invalid,
                        fmt::format("outpoint {} is both spent and created", describe_outpoint(p.spent[i])));
    }
    return {};
}

}  // namespace

Bytes encode_patch(const Patch& patch) {
    const PatchHeader& h = patch.header;
    // Starting from the magic rather than appending it to an empty vector avoids a GCC 12
    // -Wstringop-overflow false positive.
    Bytes out(std::begin(kMagic), std::end(kMagic));
    out.reserve(PatchHeader::kSize + 16 + patch.spent.size() * 36 + patch.created.size() * 64);  // a guess
    Writer w(out);
    w.u16(h.version);
    w.bytes(params(h.network).magic);
    w.hash(h.from_block);
    w.u32(h.from_height.value);
    w.hash(h.to_block);
    w.u32(h.to_height.value);
    w.u32(h.shard_index);
    w.u32(h.shard_count);
    w.u64(patch.spent.size());
    for (const auto& o : patch.spent) {
        w.hash(o.txid);
        w.compact_size(o.vout);
    }
    w.u64(patch.created.size());
    for (const auto& [o, c] : patch.created) write_shard_coin(w, o, c);
    return out;
}

ShardHeader shard_header_after(const PatchHeader& h) {
    ShardHeader s;
    s.network = h.network;
    s.block = h.to_block;
    s.height = h.to_height;
    s.shard_index = h.shard_index;
    s.shard_count = h.shard_count;
    return s;
}

Status check_patch(const Patch& p) {
    UTXO_TRY(check_header(p.header));
    if (auto st = check_ascending(
            p.spent, [](const OutPoint& o) { return o; }, "spent");
        !st)
        return st;
    auto created_key = [](const std::pair<OutPoint, Coin>& c) { return c.first; };
    UTXO_TRY(check_ascending(p.created, created_key, "created"));
    UTXO_TRY(check_disjoint(p));
    ShardHeader to = shard_header_after(p.header);  // created coins must fit the new shard
    for (const auto& [o, c] : p.created) {
        UTXO_TRY(check_shard_coin(to, o, c));
    }
    return {};
}

Result<Patch> decode_patch(ByteView bytes) {
    Reader r(bytes);
    Patch p;
    UTXO_TRY_ASSIGN(auto h, read_header(r));
    p.header = h;
    UTXO_TRY(check_header(p.header));
    UTXO_TRY(read_spent(r, p.spent));
    UTXO_TRY(read_created(r, p.created));
    if (!r.empty())
        return fail(Errc::invalid, fmt::format("{} bytes follow the last created coin", r.remaining()));
    UTXO_TRY(check_patch(p));
    return p;
}

[[nodiscard]] Result<Patch> read_patch_file(const std::filesystem::path& path) {
    UTXO_TRY_ASSIGN(auto data, read_small_file(path, kMaxPatchFile));
    auto p = decode_patch(as_bytes(data));
    if (!p) return fail(p.error().code, fmt::format("{}: {}", path.string(), p.error().message));
    return p;
}

}  // namespace utxo::core

#include "indexer/previous_release.h"

#include <fmt/format.h>

#include <fstream>

#include "core/buffered_file.h"
#include "core/file_io.h"
#include "core/patch.h"
#include "core/shard.h"
#include "core/shard_merge.h"

namespace utxo::indexer {

namespace fs = std::filesystem;
using core::Errc;
using core::fail;
using core::Result;
using core::Status;

namespace {

// A 65,536-shard manifest is about 13 MiB; anything past this is refused before it is read.
constexpr std::size_t kMaxManifest = 64u << 20;

template <class... A>
std::unexpected<core::Error> wrong(const fs::path& where, fmt::format_string<A...> f, A&&... args) {
    return fail(Errc::mismatch,
                fmt::format("{}: {}", where.string(), fmt::format(f, std::forward<A>(args)...)));
}

[[nodiscard]] Result<PreviousRelease> load(const fs::path& dir, core::Network network, core::Height from,
                                           std::uint32_t shard_count) {
    const fs::path file = dir / "manifest.json";
    auto text = core::read_small_file(file, kMaxManifest);
    if (!text) return fail(text.error().code, fmt::format("{}: {}", file.string(), text.error().message));
    auto m = core::decode_manifest(*text);
    if (!m) return fail(m.error().code, fmt::format("{}: {}", file.string(), m.error().message));
    if (m->network != network)
        return wrong(file, "the release is for {}, this store for {}", core::network_name(m->network),
                     core::network_name(network));
    if (m->height != from)
        return wrong(file, "the release is at height {}; the patches start from height {}", m->height.value,
                     from.value);
    if (m->shard_count != shard_count)
        return wrong(file, "the release has {} shards, this one {}", m->shard_count, shard_count);
    fs::path norm = dir.lexically_normal();
    if (!norm.has_filename()) norm = norm.parent_path();
    if (norm.filename() != core::release_dir_name(m->height, m->block))
        return wrong(dir, "the directory is not named {}, as its manifest says",
                     core::release_dir_name(m->height, m->block));
    return PreviousRelease{dir, std::move(*m)};
}

// The previous release's shard file `i`: size and SHA-256 as its manifest states.
[[nodiscard]] Status check_file(const PreviousRelease& prev, std::uint32_t i, const fs::path& path) {
    auto got = core::digest_file(path);
    if (!got) return fail(got.error().code, fmt::format("{}: {}", path.string(), got.error().message));
    const core::ShardEntry& want = prev.manifest.shards[i];
    if (got->bytes != want.bytes)
        return wrong(path, "the file is {} bytes, its manifest says {}", got->bytes, want.bytes);
    if (got->sha256 != want.sha256)
        return wrong(path, "sha256 is {}, its manifest says {}", got->sha256.to_hex(), want.sha256.to_hex());
    return {};
}

// One shard's patch: a merge of the old file (checked) and the new one by outpoint.
[[nodiscard]] Result<core::Patch> diff_shard(const PreviousRelease& prev, std::uint32_t i,
                                             const fs::path& new_shards, const core::PatchHeader& header) {
    const fs::path old_path = prev.dir / "shards" / core::shard_file_name(i);
    UTXO_TRY(check_file(prev, i, old_path));
    UTXO_TRY_ASSIGN(auto old_reader, core::RawShardReader::open(old_path));
    UTXO_TRY(core::check_shard_header(old_reader.header(), prev.manifest, i, old_path.string()));
    UTXO_TRY_ASSIGN(auto new_reader, core::RawShardReader::open(new_shards / core::shard_file_name(i)));

    core::Patch patch;
    patch.header = header;
    core::ShardRecord a, b, last;
    std::uint64_t old_coins = 0;
    auto next_old = [&]() -> Result<bool> {
        UTXO_TRY_ASSIGN(bool more, old_reader.next(a));
        if (!more) return false;
        if (old_coins > 0 && !(last.first < a.first))
            return wrong(old_path, "coin {} is not after {}: not in outpoint order",
                         core::describe_outpoint(a.first), core::describe_outpoint(last.first));
        last.first = a.first;
        ++old_coins;
        return true;
    };
    UTXO_TRY_ASSIGN(bool has_a, next_old());
    UTXO_TRY_ASSIGN(bool has_b, new_reader.next(b));
    while (has_a || has_b) {
        if (has_a && (!has_b || a.first < b.first)) {
            patch.spent.push_back(a.first);
            UTXO_TRY_ASSIGN(has_a, next_old());
        } else if (!has_a || b.first < a.first) {
            patch.created.emplace_back(b.first, b.second);
            UTXO_TRY_ASSIGN(has_b, new_reader.next(b));
        } else {
            if (a.second != b.second)
                return wrong(old_path, "coin {} is not the coin this store holds under that outpoint",
                             core::describe_outpoint(a.first));
            UTXO_TRY_ASSIGN(has_a, next_old());
            UTXO_TRY_ASSIGN(has_b, new_reader.next(b));
        }
    }
    if (old_coins != prev.manifest.shards[i].coins)
        return wrong(old_path, "holds {} coins, its manifest says {}", old_coins,
                     prev.manifest.shards[i].coins);
    UTXO_TRY(core::check_patch(patch));
    return patch;
}

[[nodiscard]] Status write_bytes(const fs::path& path, core::ByteView bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) return fail(Errc::io, fmt::format("{}: write failed", path.string()));
    return {};
}

}  // namespace

Result<std::optional<PreviousRelease>> find_previous_release(const fs::path& releases, const fs::path& given,
                                                             core::Network network, core::Height from,
                                                             std::uint32_t shard_count) {
    if (!given.empty()) {
        std::error_code ec;
        if (!fs::is_directory(given, ec))
            return fail(Errc::not_found, fmt::format("{}: no release directory here", given.string()));
        UTXO_TRY_ASSIGN(auto prev, load(given, network, from, shard_count));
        return std::optional<PreviousRelease>(std::move(prev));
    }
    const fs::path net_dir = releases / std::string(core::network_name(network));
    const std::string prefix = std::to_string(from.value) + "-";
    std::optional<fs::path> found;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(net_dir, ec)) {
        const std::string name = e.path().filename().string();
        if (!name.starts_with(prefix) || !fs::exists(e.path() / "manifest.json", ec)) continue;
        if (found)
            return fail(Errc::usage,
                        fmt::format("{}: two releases at height {} ({} and {}); give one with "
                                    "--previous-release",
                                    net_dir.string(), from.value, found->filename().string(), name));
        found = e.path();
    }
    if (!found) return std::optional<PreviousRelease>{};
    UTXO_TRY_ASSIGN(auto prev, load(*found, network, from, shard_count));
    return std::optional<PreviousRelease>(std::move(prev));
}

Result<core::PatchSet> write_patches_from_release(const PreviousRelease& prev, const fs::path& new_shards,
                                                  const fs::path& out_dir, const core::BlockHash& to_block,
                                                  core::Height to_height) {
    const core::Manifest& m = prev.manifest;
    for (std::uint32_t i = 0; i < m.shard_count; ++i) {
        const core::PatchHeader header{1,        m.network, m.block, m.height,
                                       to_block, to_height, i,       m.shard_count};
        UTXO_TRY_ASSIGN(auto patch, diff_shard(prev, i, new_shards, header));
        UTXO_TRY(write_bytes(out_dir / core::patch_file_name(i), core::encode_patch(patch)));
    }
    return core::PatchSet{m.block, m.height, {}};
}

}  // namespace utxo::indexer

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <future>

#include "core/hash_serialized.h"
#include "core/muhash.h"
#include "core/patch.h"
#include "core/progress_line.h"
#include "core/shard.h"
#include "indexer/log.h"
#include "indexer/muhash_pipeline.h"
#include "indexer/previous_release.h"
#include "indexer/release.h"
#include "indexer/torrent_maker.h"

namespace utxo::indexer {

namespace fs = std::filesystem;
using core::Errc;
using core::fail;

std::filesystem::path release_path(const fs::path& releases, core::Network net, core::Height height,
                                   const core::BlockHash& block) {
    return releases / std::string(core::network_name(net)) / core::release_dir_name(height, block);
}

namespace {

struct SetSummary {
    std::vector<core::ShardEntry> shards;
    std::uint64_t coins = 0;
    core::Amount total;
    core::AssumeutxoHash hash_serialized_3;
    core::MuHash3072 muhash;
};

// The per-shard totals of a release with `shard_count` shards, from the store's own (kept per
// kStoreShardCount shards as blocks are applied): release shard s gathers store shards i with
// i mod shard_count == s, since both are the low bits of the same digest. nullopt when the
// release has more shards than the store keeps.
[[nodiscard]] core::Result<std::optional<std::vector<ShardTotals>>> totals_from_store(
    UtxoStore& store, std::uint32_t shard_count) {
    if (shard_count > kStoreShardCount) return std::optional<std::vector<ShardTotals>>{};
    UTXO_TRY_ASSIGN(auto kept, store.shard_totals());
    std::vector<ShardTotals> out(shard_count);
    for (std::uint32_t i = 0; i < kStoreShardCount; ++i) {
        ShardTotals& t = out[i % shard_count];
        t.coins += (kept)[i].coins;
        t.total.sat += (kept)[i].total.sat;
        t.muhash *= (kept)[i].muhash;
    }
    return std::optional<std::vector<ShardTotals>>(std::move(out));
}

// One pass over the store in key order: every coin's record is copied as it is into its shard
// file, and the coin goes into hash_serialized_3 for the whole set. The per-shard MuHashes come
// from the store; only a release with more shards than the store keeps computes them here.
[[nodiscard]] core::Result<SetSummary> write_shards(UtxoStore& store, const StoreState& st,
                                                    const fs::path& dir, std::uint32_t shard_count) {
    auto kept = totals_from_store(store, shard_count);
    UTXO_TRY(kept);
    std::vector<core::ShardWriter> writers;
    writers.reserve(shard_count);
    for (std::uint32_t i = 0; i < shard_count; ++i) {
        core::ShardHeader h{1, st.network, st.tip->hash, st.tip->height, i, shard_count, 0};
        auto w = core::ShardWriter::create(dir / core::shard_file_name(i), h,
                                           core::ShardWriter::Durability::caller_syncs);  // one syncfs later
        UTXO_TRY(w);
        writers.push_back(std::move(*w));
    }
    SetSummary sum;
    sum.shards.resize(shard_count);
    std::vector<core::Amount> amounts(shard_count);
    std::optional<MuHashPipeline> pipeline;  // per-shard MuHash on the second core, if needed
    if (!*kept) pipeline.emplace(shard_count);
    core::HashSerialized3 hash3;
    core::ProgressLine progress(fmt::format("cutting release {}", st.tip->height.value), "coins");
    auto walked = store.for_each_coin_record(
        [&](const core::OutPoint& op, const core::Coin& coin, core::ByteView record) -> core::Result<bool> {
            if ((sum.coins & 0xFFFF) == 0) progress.update(sum.coins, st.coins);
            const std::uint32_t s = core::shard_of(coin.script, shard_count);
            UTXO_TRY(writers[s].add_encoded(op, record));
            UTXO_TRY(hash3.add(op, coin));
            if (pipeline) pipeline->insert_coin(s, op, coin);
            ++sum.shards[s].coins;
            amounts[s].sat += coin.value.sat;
            ++sum.coins;
            sum.total.sat += coin.value.sat;
            return true;
        });
    UTXO_TRY(walked);
    progress.erase();
    for (auto& w : writers) UTXO_TRY(w.finish());
    std::vector<core::MuHash3072> muhash(shard_count);
    if (pipeline) {
        auto acc = pipeline->finish();
        for (std::uint32_t i = 0; i < shard_count; ++i) muhash[i] = std::move(acc[i].muhash);
    } else {
        for (std::uint32_t i = 0; i < shard_count; ++i) {
            const ShardTotals& t = (**kept)[i];
            if (t.coins != sum.shards[i].coins || t.total != amounts[i])
                return fail(Errc::mismatch,
                            fmt::format("{}: the store is inconsistent: shard {} holds {} coins of "
                                        "{} sat, its recorded totals say {} coins of {} sat",
                                        store.directory().string(), i, sum.shards[i].coins, amounts[i].sat,
                                        t.coins, t.total.sat));
            muhash[i] = t.muhash;
        }
    }
    for (std::uint32_t i = 0; i < shard_count; ++i) {
        sum.shards[i].muhash = muhash[i].finalize();
        sum.muhash *= muhash[i];
    }
    sum.hash_serialized_3 = hash3.finalize();
    return sum;
}

[[nodiscard]] core::Result<core::PatchSet> write_patches(const StoreState& st, IntervalChanges* changes,
                                                         const fs::path& dir, std::uint32_t shard_count,
                                                         core::Height from) {
    std::vector<core::Patch> patches(shard_count);
    for (std::uint32_t i = 0; i < shard_count; ++i)
        patches[i].header = core::PatchHeader{
            1, st.network, changes->from_block, from, st.tip->hash, st.tip->height, i, shard_count};
    for (const auto& [op, coin] : changes->spent)
        patches[core::shard_of(coin.script, shard_count)].spent.push_back(op);
    for (auto& [op, coin] : changes->created)
        patches[core::shard_of(coin.script, shard_count)].created.emplace_back(op, std::move(coin));
    for (std::uint32_t i = 0; i < shard_count; ++i) {
        core::Bytes bytes = core::encode_patch(patches[i]);
        std::ofstream out(dir / core::patch_file_name(i), std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        if (!out)
            return fail(Errc::io, fmt::format("{}: write failed", (dir / core::patch_file_name(i)).string()));
    }
    return core::PatchSet{changes->from_block, from, {}};
}

[[nodiscard]] core::Status write_file(const fs::path& path, core::ByteView bytes);

// The patches part of a release: the changes since height `from` (from the store's undo records),
// one patch file per shard, their hashes and patches.torrent.
struct PatchesPart {
    core::PatchSet set;
    core::InfoHash infohash;
};
[[nodiscard]] core::Result<PatchesPart> make_patches(UtxoStore& store, const StoreState& st,
                                                     const fs::path& tmp, std::uint32_t shard_count,
                                                     core::Height from) {
    UTXO_TRY_ASSIGN(auto changes, store.changes_since(from));
    std::error_code ec;
    fs::create_directories(tmp / "patches", ec);
    if (ec)
        return fail(Errc::io, fmt::format("{}: cannot create: {}", (tmp / "patches").string(), ec.message()));
    UTXO_TRY_ASSIGN(auto patches, write_patches(st, &changes, tmp / "patches", shard_count, from));
    UTXO_TRY_ASSIGN(auto hashed, hash_release_part(tmp, "patches", shard_count));
    patches.files = std::move(hashed.files);
    UTXO_TRY(write_file(tmp / "patches.torrent", hashed.torrent));
    return PatchesPart{std::move(patches), hashed.infohash};
}

// The patches part from the previous release's files (indexer/previous_release.h).
[[nodiscard]] core::Result<PatchesPart> patches_from_release(const PreviousRelease& previous,
                                                             const StoreState& st, const fs::path& tmp,
                                                             std::uint32_t shard_count) {
    std::error_code ec;
    fs::create_directories(tmp / "patches", ec);
    if (ec)
        return fail(Errc::io, fmt::format("{}: cannot create: {}", (tmp / "patches").string(), ec.message()));
    UTXO_TRY_ASSIGN(auto patches, write_patches_from_release(previous, tmp / "shards", tmp / "patches",
                                                             st.tip->hash, st.tip->height));
    UTXO_TRY_ASSIGN(auto hashed, hash_release_part(tmp, "patches", shard_count));
    patches.files = std::move(hashed.files);
    UTXO_TRY(write_file(tmp / "patches.torrent", hashed.torrent));
    return PatchesPart{std::move(patches), hashed.infohash};
}

// The previous release to compute patches from, when the store lacks the undo data, checked
// against the chain when the options can tell its block at that height.
[[nodiscard]] core::Result<std::optional<PreviousRelease>> previous_release_for(const ReleaseOptions& options,
                                                                                const StoreState& st,
                                                                                core::Height from) {
    UTXO_TRY_ASSIGN(auto prev, find_previous_release(options.releases, options.previous_release, st.network,
                                                     from, options.shard_count));
    if (!prev || !options.block_hash_at) return prev;
    auto chain = options.block_hash_at(from);
    if (!chain && chain.error().code != Errc::not_found) return std::unexpected(chain.error());
    if (!chain) {
        log().info("{}: its block cannot be checked against the chain source ({})", prev->dir.string(),
                   chain.error().message);
    } else if (*chain != prev->manifest.block) {
        return fail(Errc::mismatch,
                    fmt::format("{}: the release is of block {}, but the chain's block at height {} is {}",
                                prev->dir.string(), prev->manifest.block.to_display_hex(), from.value,
                                chain->to_display_hex()));
    }
    return prev;
}

[[nodiscard]] core::Status write_file(const fs::path& path, core::ByteView bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) return fail(Errc::io, fmt::format("{}: write failed", path.string()));
    return {};
}

// Makes everything written under `dir` durable with one syncfs instead of a fsync per file.
[[nodiscard]] core::Status sync_tree(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return fail(Errc::io, fmt::format("{}: cannot open", dir.string()));
    int rc = ::syncfs(fd);
    ::close(fd);
    if (rc != 0) return fail(Errc::io, fmt::format("{}: sync failed", dir.string()));
    return {};
}

void remove_stale_temporaries(const fs::path& network_dir) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(network_dir, ec))
        if (e.path().filename().string().starts_with(".tmp-")) fs::remove_all(e.path(), ec);
}

// Logs how long each step of a cut took (with -v), for the benchmark's breakdown.
class StepTimer {
public:
    void done(std::string_view step) {
        auto now = std::chrono::steady_clock::now();
        log().info("release step {}: {:.2f}s", step, std::chrono::duration<double>(now - last_).count());
        last_ = now;
    }

private:
    std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace

core::Result<CutOutcome> cut_release(UtxoStore& store, const ReleaseOptions& options) {
    auto started = std::chrono::steady_clock::now();
    if (!core::valid_shard_count(options.shard_count))
        return fail(Errc::usage, fmt::format("the shard count must be a power of two up to {}, not {}",
                                             core::kMaxShardCount, options.shard_count));
    UTXO_TRY_ASSIGN(auto st, store.state());
    if (!st.tip) return fail(Errc::usage, fmt::format("{}: the store is empty", store.directory().string()));
    const core::Height height = st.tip->height;
    ReleaseSummary summary;
    summary.dir = release_path(options.releases, st.network, height, st.tip->hash);
    if (fs::exists(summary.dir / "manifest.json")) {
        summary.already_existed = true;
        return summary;
    }
    // Patches need the undo data of the whole interval, or else the previous release's files;
    // find out before writing anything.
    const std::uint32_t n = options.release_every;
    const bool with_patches = n > 0 && height.value > n;
    const core::Height patches_from = with_patches ? height.minus(n) : core::Height{};
    std::optional<PreviousRelease> previous;
    if (with_patches) {
        if (auto u = store.undo_available_since(patches_from); !u) {
            UTXO_TRY_ASSIGN(previous, previous_release_for(options, st, patches_from));
            if (!previous)
                return ReleaseNotCut{fmt::format(
                    "cannot cut release {}: its patches from height {} need undo data this store does not "
                    "have ({}), or the release at height {} to compute them from (--previous-release DIR, "
                    "or put it under {})",
                    height.value, patches_from.value, u.error().message, patches_from.value,
                    (options.releases / std::string(core::network_name(st.network))).string())};
            log().info(
                "release {}: patches from the files of {} (the store has no undo data since height {})",
                height.value, previous->dir.string(), patches_from.value);
        }
    }
    const fs::path net_dir = summary.dir.parent_path();
    std::error_code ec;
    fs::create_directories(net_dir, ec);
    if (ec) return fail(Errc::io, fmt::format("{}: cannot create: {}", net_dir.string(), ec.message()));
    remove_stale_temporaries(net_dir);
    const fs::path tmp = net_dir / (".tmp-" + summary.dir.filename().string());
    fs::create_directories(tmp / "shards", ec);
    if (ec) return fail(Errc::io, fmt::format("{}: cannot create: {}", tmp.string(), ec.message()));

    // Two independent jobs, one per core: the shards (the bulk) here, the patches beside them.
    StepTimer timer;
    std::future<core::Result<PatchesPart>> patches_job;  // from the undo data, or the previous release
    if (with_patches && !previous)
        patches_job = std::async(std::launch::async, [&] {
            StepTimer patches_timer;
            auto part = make_patches(store, st, tmp, options.shard_count, patches_from);
            patches_timer.done("patches (beside the shards)");
            return part;
        });
    auto shards_part = [&]() -> core::Result<core::Manifest> {
        UTXO_TRY_ASSIGN(auto set, write_shards(store, st, tmp / "shards", options.shard_count));
        timer.done("shard files");
        if (set.muhash.finalize() != st.muhash.finalize() || set.coins != st.coins || set.total != st.total)
            return fail(Errc::mismatch,
                        fmt::format("{}: the store is inconsistent: its coins do not add up to its "
                                    "recorded count, amount and MuHash",
                                    store.directory().string()));
        if (previous)  // the diff needs the new shard files; it runs beside their hashing
            patches_job = std::async(std::launch::async, [&] {
                StepTimer patches_timer;
                auto part = patches_from_release(*previous, st, tmp, options.shard_count);
                patches_timer.done("patches from the previous release's files (beside the hashing)");
                return part;
            });
        core::Manifest m;
        m.network = st.network;
        m.height = height;
        m.block = st.tip->hash;
        m.shard_count = options.shard_count;
        m.piece_size = kPieceSize;
        m.coins = set.coins;
        m.total_amount = set.total;
        m.hash_serialized_3 = set.hash_serialized_3;
        m.muhash = set.muhash.finalize();
        UTXO_TRY_ASSIGN(auto shards, hash_release_part(tmp, "shards", options.shard_count));
        m.shards = std::move(set.shards);
        for (std::uint32_t i = 0; i < options.shard_count; ++i) {
            m.shards[i].bytes = shards.files[i].bytes;
            m.shards[i].sha256 = shards.files[i].sha256;
        }
        m.shards_infohash = shards.infohash;
        UTXO_TRY(write_file(tmp / "shards.torrent", shards.torrent));
        timer.done("shard hashes and torrent");
        return m;
    }();
    std::optional<core::Result<PatchesPart>> patches_part;
    if (patches_job.valid()) patches_part = patches_job.get();  // joined before anything can return
    UTXO_TRY(shards_part);
    if (patches_part && !*patches_part) return std::unexpected(patches_part->error());
    core::Manifest& m = summary.manifest;
    m = std::move(*shards_part);
    if (patches_part) {
        m.patches = std::move((*patches_part)->set);
        m.patches_infohash = (*patches_part)->infohash;
    }
    std::string manifest = core::encode_manifest(m);
    UTXO_TRY(write_file(tmp / "manifest.json", core::as_bytes(manifest)));
    UTXO_TRY(sync_tree(tmp));
    timer.done("sync");
    fs::rename(tmp, summary.dir, ec);
    if (ec)
        return fail(Errc::io,
                    fmt::format("{}: cannot rename into place: {}", summary.dir.string(), ec.message()));
    UTXO_TRY(sync_tree(net_dir));
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    log().info("release {} cut: {} coins in {} shards, {:.2f}s", summary.dir.string(), m.coins, m.shard_count,
               summary.seconds);
    return summary;
}

}  // namespace utxo::indexer

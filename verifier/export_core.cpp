// export-core: a streaming k-way merge of the shard files into Core's snapshot format, as a
// two-stage pipeline. This thread reads and merges (core/shard_merge.h) into batches; a second thread
// computes hash_serialized_3 and writes the snapshot, so the merge and the hashing/writing run in
// parallel. Batches go back to the merging thread for reuse, so each coin's script buffer is
// allocated and freed on the same thread.
#include "verifier/export_core.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <span>
#include <thread>

#include "core/hash_serialized.h"
#include "core/progress_line.h"
#include "core/shard_merge.h"
#include "core/snapshot.h"
#include "verifier/batch_queue.h"

namespace utxo::verifier {

namespace fs = std::filesystem;
using core::Errc;
using core::fail;
using core::ShardMerge;
using core::ShardRecord;

namespace {

// Coins per batch (a txid's coins never straddle two batches), and batches in flight: enough to
// ride out scheduling hiccups, small next to the shard readers' buffers.
constexpr std::size_t kBatchCoins = 8192;
constexpr std::size_t kBatchesInFlight = 4;

struct Batch {
    std::vector<ShardRecord> entries;  // slots reused from batch to batch
    std::size_t count = 0;             // entries in use
};

// The merge yields (txid, numeric vout) order, which hash_serialized_3 wants; the snapshot wants
// the VARINT byte order of vout within a txid, which differs only from vout 16512 on.
class SnapshotStage {
public:
    SnapshotStage(core::SnapshotWriter& w, core::HashSerialized3& h) : writer_(w), hasher_(h) {}
    // A batch holds whole txid groups.
    [[nodiscard]] core::Status write(std::span<const ShardRecord> entries) {
        for (std::size_t b = 0; b < entries.size();) {
            std::size_t e = b + 1;
            while (e < entries.size() && entries[e].first.txid == entries[b].first.txid) ++e;
            UTXO_TRY(write_group(entries.subspan(b, e - b)));
            b = e;
        }
        return {};
    }

private:
    [[nodiscard]] core::Status write_group(std::span<const ShardRecord> group) {
        for (const auto& [op, coin] : group) UTXO_TRY(hasher_.add(op, coin));
        if (group.back().first.vout < 16512) {
            for (const auto& [op, coin] : group) UTXO_TRY(writer_.add(op, coin));
            return {};
        }
        order_.clear();
        for (const auto& e : group) order_.push_back(&e);
        std::stable_sort(order_.begin(), order_.end(), [](const ShardRecord* a, const ShardRecord* b) {
            return core::chainstate_key_less(a->first, b->first);
        });
        for (const auto* e : order_) UTXO_TRY(writer_.add(e->first, e->second));
        return {};
    }
    core::SnapshotWriter& writer_;
    core::HashSerialized3& hasher_;
    std::vector<const ShardRecord*> order_;
};

// Fills `batch` with the next coins, at least kBatchCoins unless the merge ends, completing the
// last txid group.
[[nodiscard]] core::Status fill_batch(ShardMerge& merge, Batch& batch) {
    batch.count = 0;
    auto slot = [&]() -> ShardRecord& {
        if (batch.count == batch.entries.size()) batch.entries.emplace_back();
        return batch.entries[batch.count++];
    };
    while (!merge.empty() && batch.count < kBatchCoins) UTXO_TRY(merge.pop(slot()));
    while (!merge.empty() && merge.next().first.txid == batch.entries[batch.count - 1].first.txid)
        UTXO_TRY(merge.pop(slot()));
    return {};
}

}  // namespace

core::Result<ExportSummary> export_core(Store& store, const fs::path& out) {
    const auto started = std::chrono::steady_clock::now();
    auto cur = store.installed();
    UTXO_TRY(cur);
    if (!*cur)
        return fail(Errc::not_found, fmt::format("{}: no release is installed", store.directory().string()));
    const Installed& in = **cur;
    if (!in.full)
        return fail(Errc::usage,
                    fmt::format("{}: a wallet store holds {} of {} shards; export-core needs a full store",
                                store.directory().string(), in.shards.size(), in.manifest.shard_count));
    core::SnapshotHeader header;
    header.network = in.manifest.network, header.base_block = in.manifest.block,
    header.coin_count = in.manifest.coins;
    auto writer = core::SnapshotWriter::create(out, header);
    if (!writer)
        return fail(writer.error().code, fmt::format("{}: {}", out.string(), writer.error().message));
    // The install checked every file's SHA-256 against the signed manifest: read records only.
    std::vector<fs::path> files;
    for (auto i : in.shards) files.push_back(shard_path(in.dir, i));
    UTXO_TRY_ASSIGN(auto merge, ShardMerge::open(files, ShardMerge::Reading::raw));

    core::HashSerialized3 hasher;
    ExportSummary summary;
    // `spare` never blocks: it holds at most the batches in existence (kBatchesInFlight + 2).
    BatchQueue<Batch> full(kBatchesInFlight), spare(SIZE_MAX);
    core::Status written;
    core::ProgressLine progress("export-core", "coins");
    std::thread snapshot_thread([&] {
        SnapshotStage stage(*writer, hasher);
        while (auto batch = full.pop()) {
            written = stage.write(std::span<const ShardRecord>(batch->entries.data(), batch->count));
            if (!written) break;
            summary.coins += batch->count;
            progress.update(summary.coins, in.manifest.coins);
            spare.push(std::move(*batch));
        }
        full.close();  // on failure: the merging side stops at its next push
        spare.close();
    });
    core::Status merged;
    while (!merge.empty()) {
        Batch batch = spare.try_pop().value_or(Batch{});
        merged = fill_batch(merge, batch);
        if (!merged || !full.push(std::move(batch))) break;
    }
    full.close();
    snapshot_thread.join();
    progress.erase();
    UTXO_TRY(merged);
    UTXO_TRY(written);

    summary.hash_serialized_3 = hasher.finalize();
    if (summary.coins != in.manifest.coins || summary.hash_serialized_3 != in.manifest.hash_serialized_3)
        return fail(Errc::mismatch,
                    fmt::format("{}: the shards hold {} coins with hash_serialized_3 {}, the manifest "
                                "says {} coins with {}",
                                in.dir.string(), summary.coins, summary.hash_serialized_3.to_display_hex(),
                                in.manifest.coins, in.manifest.hash_serialized_3.to_display_hex()));
    if (auto s = writer->finish(); !s)
        return fail(s.error().code, fmt::format("{}: {}", out.string(), s.error().message));
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return summary;
}

}  // namespace utxo::verifier

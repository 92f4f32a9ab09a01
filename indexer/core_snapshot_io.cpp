// import-core and export-core: Bitcoin Core snapshot files in and out of the store.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "core/dir_lock.h"
#include "core/hash_serialized.h"
#include "core/muhash.h"
#include "core/progress_line.h"
#include "core/snapshot.h"
#include "indexer/commands.h"
#include "indexer/known_snapshots.h"
#include "indexer/log.h"

namespace utxo::indexer {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// hash_serialized_3 wants numeric vout order within a txid; files and the store group by txid,
// so one txid's coins are buffered, sorted and fed together.
class GroupedHasher {
public:
    [[nodiscard]] core::Status add(const core::OutPoint& op, const core::Coin& coin) {
        if (!group_.empty() && group_.front().first.txid != op.txid) {
            UTXO_TRY(flush());
        }
        group_.emplace_back(op, coin);
        return {};
    }
    [[nodiscard]] core::Result<core::AssumeutxoHash> finish() {
        UTXO_TRY(flush());
        return hasher_.finalize();
    }

private:
    [[nodiscard]] core::Status flush() {
        std::sort(group_.begin(), group_.end(),
                  [](const auto& a, const auto& b) { return a.first.vout < b.first.vout; });
        for (const auto& [op, coin] : group_) UTXO_TRY(hasher_.add(op, coin));
        group_.clear();
        return {};
    }
    core::HashSerialized3 hasher_;
    std::vector<std::pair<core::OutPoint, core::Coin>> group_;
};

[[nodiscard]] core::Result<core::Height> snapshot_height(const ImportOptions& options,
                                                         const core::SnapshotHeader& header,
                                                         const std::optional<KnownSnapshot>& known) {
    const std::string name = options.snapshot.string();
    if (known && options.height && *options.height != known->height)
        return core::fail(core::Errc::mismatch, fmt::format("{}: base block {} is at height {}, not {}", name,
                                                            header.base_block.to_display_hex(),
                                                            known->height.value, options.height->value));
    if (known) return known->height;
    if (!options.height)
        return core::fail(core::Errc::usage,
                          fmt::format("{}: base block {} is not one of Core's assumeutxo blocks, so "
                                      "its height must be given with --height",
                                      name, header.base_block.to_display_hex()));
    return *options.height;
}

}  // namespace

core::Result<ImportSummary> import_core(const ImportOptions& options) {
    auto started = Clock::now();
    const std::string name = options.snapshot.string();
    auto reader = core::SnapshotReader::open(options.snapshot);
    if (!reader) return core::fail(reader.error().code, fmt::format("{}: {}", name, reader.error().message));
    const core::SnapshotHeader header = reader->header();
    auto known = find_known_snapshot(header.network, header.base_block);
    UTXO_TRY_ASSIGN(auto height, snapshot_height(options, header, known));

    UTXO_TRY_ASSIGN(auto lock, core::DirLock::take(options.db));  // one writer per store
    UTXO_TRY_ASSIGN(auto store, UtxoStore::open(options.db, header.network));
    UTXO_TRY_ASSIGN(auto batch, store.begin_write());
    if (batch.state().tip || batch.state().coins)
        return core::fail(
            core::Errc::usage,
            fmt::format("{}: the store is not empty; import into a new directory", options.db.string()));
    GroupedHasher hasher;
    core::ProgressLine progress("import-core", "coins");
    while (true) {
        if ((reader->coins_read() & 0xFFFF) == 0) progress.update(reader->coins_read(), header.coin_count);
        auto next = reader->next();
        if (!next) return core::fail(next.error().code, fmt::format("{}: {}", name, next.error().message));
        if (!*next) break;
        if ((*next)->coin.height > height)
            return core::fail(core::Errc::invalid,
                              fmt::format("{}: Bad snapshot data after deserializing {} coins (a "
                                          "coin is newer than the base block)",
                                          name, reader->coins_read() - 1));
        if (auto s = batch.load_coin((*next)->outpoint, (*next)->coin); !s)
            return core::fail(s.error().code, fmt::format("{}: {}", name, s.error().message));
        if (auto s = hasher.add((*next)->outpoint, (*next)->coin); !s)
            return core::fail(s.error().code, fmt::format("{}: {}", name, s.error().message));
    }
    UTXO_TRY_ASSIGN(auto hash, hasher.finish());
    progress.erase();
    ImportSummary summary{
        header.network, ChainTip{height, header.base_block}, header.coin_count, hash, false, 0};
    if (known) {  // a real Core snapshot: its content must be what Core itself would accept
        if (hash != known->hash_serialized_3)
            return core::fail(core::Errc::mismatch,
                              fmt::format("{}: Bad snapshot content hash: expected {}, got {}", name,
                                          known->hash_serialized_3.to_display_hex(), hash.to_display_hex()));
        summary.matched_core_params = true;
    }
    UTXO_TRY(batch.set_tip(summary.tip));
    UTXO_TRY(batch.commit());
    summary.seconds = seconds_since(started);
    log().info("imported {} coins at height {} in {:.2f}s", summary.coins, height.value, summary.seconds);
    return summary;
}

core::Result<ExportSummary> export_core(const std::filesystem::path& db, const std::filesystem::path& out) {
    auto started = Clock::now();
    UTXO_TRY_ASSIGN(auto store, UtxoStore::open_existing(db));
    UTXO_TRY_ASSIGN(auto st, store.state());
    if (!st.tip) return core::fail(core::Errc::usage, fmt::format("{}: the store is empty", db.string()));
    core::SnapshotHeader header{2, st.network, st.tip->hash, st.coins};
    auto writer = core::SnapshotWriter::create(out, header);
    if (!writer)
        return core::fail(writer.error().code, fmt::format("{}: {}", out.string(), writer.error().message));

    // The store yields numeric vout order, which is hash_serialized_3's order; Core's file wants
    // VARINT byte order within a txid, which differs only from vout 16512 on. Buffer one txid's
    // coins and reorder when needed.
    core::HashSerialized3 hasher;
    core::MuHash3072 muhash;  // recomputed, to prove the store's running value on the way
    std::vector<std::pair<core::OutPoint, core::Coin>> group;
    auto flush = [&]() -> core::Status {
        if (group.size() > 1 && group.back().first.vout >= 16512)
            std::sort(group.begin(), group.end(), [](const auto& a, const auto& b) {
                return core::chainstate_key_less(a.first, b.first);
            });
        for (const auto& [op, coin] : group) UTXO_TRY(writer->add(op, coin));
        group.clear();
        return {};
    };
    core::ProgressLine progress("export-core", "coins");
    std::uint64_t written = 0;
    auto s = store.for_each_coin([&](const core::OutPoint& op, const core::Coin& coin) -> core::Result<bool> {
        if ((++written & 0xFFFF) == 0) progress.update(written, st.coins);
        if (!group.empty() && group.front().first.txid != op.txid) UTXO_TRY(flush());
        group.emplace_back(op, coin);
        UTXO_TRY(hasher.add(op, coin));
        muhash.insert_coin(op, coin);
        return true;
    });
    UTXO_TRY(s);
    UTXO_TRY(flush());
    progress.erase();
    if (muhash.finalize() != st.muhash.finalize())
        return core::fail(
            core::Errc::mismatch,
            fmt::format("{}: the store is inconsistent: its coins hash to MuHash {}, but it recorded {}",
                        db.string(), muhash.finalize().to_display_hex(),
                        st.muhash.finalize().to_display_hex()));
    if (auto f = writer->finish(); !f)
        return core::fail(f.error().code, fmt::format("{}: {}", out.string(), f.error().message));
    ExportSummary summary{st.coins, *st.tip, hasher.finalize(), muhash.finalize(), seconds_since(started)};
    log().info("exported {} coins to {} in {:.2f}s", summary.coins, out.string(), summary.seconds);
    return summary;
}

}  // namespace utxo::indexer

#include "indexer/run.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "core/dir_lock.h"
#include "core/shard.h"
#include "core/transaction.h"
#include "indexer/log.h"
#include "indexer/progress.h"
#include "net/service_notify.h"

namespace utxo::indexer {

using core::Errc;
using core::fail;

namespace {

struct Runner {
    const RunOptions& options;
    const std::atomic<bool>& stop;
    UtxoStore& store;
    ChainSource& source;
    RunSummary summary;
    std::filesystem::path signed_dir;  // the release last signed, so a poll does not sign it again

    ReleaseOptions release_options() const {
        ReleaseOptions r{
            options.releases, options.shard_count, options.release_every, options.previous_release, {}};
        r.block_hash_at = [this](core::Height h) { return source.block_hash(h); };
        return r;
    }

    bool is_release_height(core::Height h) const {
        return options.release_every && h.value > 0 && h.value % options.release_every == 0;
    }

    // A release whose height is the store's tip must exist before the store moves on: this also
    // finishes one that a crash interrupted.
    [[nodiscard]] core::Status ensure_release_at_tip(const StoreState& st) {
        if (!st.tip || !is_release_height(st.tip->height)) return {};
        UTXO_TRY_ASSIGN(auto outcome, cut_release(store, release_options()));
        if (auto* not_cut = std::get_if<ReleaseNotCut>(&outcome)) {
            // A store that began from a snapshot lacks the undo data for the first patches and was
            // given no previous release: it must not publish a different manifest for that height,
            // so it publishes none.
            log().warn("{}; skipped", not_cut->reason);
            return {};
        }
        const auto& r = std::get<ReleaseSummary>(outcome);
        if (options.signing && r.dir != signed_dir) {
            UTXO_TRY(sign_release_dir(*options.signing, r.dir));
            signed_dir = r.dir;
        }
        if (!r.already_existed) {
            ++summary.releases;
            if (options.on_release) options.on_release(r);
        }
        return {};
    }

    // The source must still have our tip in its best chain; otherwise a reorg went deeper than K.
    [[nodiscard]] core::Status check_no_deep_reorg(const StoreState& st) {
        if (!st.tip) return {};
        UTXO_TRY_ASSIGN(auto theirs, source.block_hash(st.tip->height));
        if (theirs != st.tip->hash)
            return fail(
                Errc::mismatch,
                fmt::format("{}: block {} is now {}, but the store applied {}: a reorganization deeper than "
                            "{} confirmations; nothing was changed",
                            source.name(), st.tip->height.value, theirs.to_display_hex(),
                            st.tip->hash.to_display_hex(), options.confirmations));
        return {};
    }

    std::uint64_t pass_blocks = 0, pass_ops = 0;  // for the progress line of one catch-up pass

    [[nodiscard]] core::Status apply_range(core::Height from, core::Height to, Progress& progress) {
        UTXO_TRY_ASSIGN(auto raw, source.blocks(from, to.value - from.value + 1));
        UTXO_TRY_ASSIGN(auto batch, store.begin_write());
        core::Height h = from;
        for (const auto& bytes : raw) {
            auto block = core::parse_block(bytes);
            if (!block)
                return fail(block.error().code, fmt::format("{}: block {} is malformed: {}", source.name(),
                                                            h.value, block.error().message));
            UTXO_TRY_ASSIGN(auto delta, batch.apply_block(*block));
            ++summary.blocks;
            ++pass_blocks;
            pass_ops += delta.created + delta.spent;
            progress.update(pass_blocks, h, pass_ops);
            h = h.next();
        }
        return batch.commit();
    }

    // One pass: bring the store up to the last final block.
    [[nodiscard]] core::Status catch_up() {
        UTXO_TRY_ASSIGN(auto st, store.state());
        UTXO_TRY(ensure_release_at_tip(st));
        UTXO_TRY_ASSIGN(auto tip, source.tip_height());
        if (tip.value + 1 < options.confirmations) return {};
        const core::Height final_height{tip.value + 1 - options.confirmations};
        UTXO_TRY(check_no_deep_reorg(st));
        core::Height next = st.tip ? st.tip->height.next() : core::Height{0};
        Progress progress(options.progress, final_height >= next ? final_height.value - next.value + 1 : 0);
        pass_blocks = pass_ops = 0;
        while (next <= final_height && !stop) {
            std::uint32_t end = std::min(final_height.value, next.value + options.batch_blocks - 1);
            if (options.release_every) {  // stop exactly at the next release height
                std::uint32_t n = options.release_every;
                std::uint32_t release = std::max(n, (next.value + n - 1) / n * n);
                end = std::min(end, release);
            }
            UTXO_TRY(apply_range(next, core::Height{end}, progress));
            next = core::Height{end}.next();
            UTXO_TRY_ASSIGN(auto now, store.state());
            UTXO_TRY(ensure_release_at_tip(now));
            summary.tip = now.tip;
            if (options.on_tip) options.on_tip(now.tip, summary.blocks);
        }
        progress.finish();
        return {};
    }
};

}  // namespace

core::Result<RunSummary> run(const RunOptions& options, const std::atomic<bool>& stop) {
    if (options.confirmations == 0) return fail(Errc::usage, "--confirmations must be at least 1");
    if (!core::valid_shard_count(options.shard_count))
        return fail(Errc::usage,
                    fmt::format("--shards must be a power of two up to {}", core::kMaxShardCount));
    // Patches need the undo records of a whole release interval.
    StoreOptions store_options;
    store_options.undo_depth =
        std::max<std::uint32_t>(288, options.release_every + options.confirmations + 16);
    store_options.cache_bytes = options.cache_mb << 20;
    // One writer per store and per releases root (core/dir_lock.h); held until run returns.
    UTXO_TRY_ASSIGN(auto db_lock, core::DirLock::take(options.db));
    UTXO_TRY_ASSIGN(auto releases_lock, core::DirLock::take(options.releases));
    UTXO_TRY_ASSIGN(auto store, UtxoStore::open(options.db, options.source.network, store_options));
    // A blocks: file that continues a store started from a snapshot is read from the store's tip.
    UTXO_TRY_ASSIGN(auto start, store.state());
    std::optional<SourceAnchor> anchor;
    if (start.tip) anchor = SourceAnchor{start.tip->height, start.tip->hash};
    auto source = open_chain_source(options.source, anchor);
    UTXO_TRY(source);
    Runner runner{options, stop, store, **source, {}, {}};
    if (options.on_tip) options.on_tip(start.tip, 0);
    if (options.follow) net::notify_ready(fmt::format("following {}", (*source)->name()));
    std::optional<std::uint32_t> told;  // the height the last STATUS= gave
    while (true) {
        UTXO_TRY(runner.catch_up());
        if (!options.follow || stop) break;
        if (runner.summary.tip && told != runner.summary.tip->height.value) {
            told = runner.summary.tip->height.value;
            net::notify_status(fmt::format("following {}: store at height {}", (*source)->name(), *told));
        }
        for (unsigned i = 0; i < options.poll_seconds * 10 && !stop; ++i) {
            if (options.hangup && options.hangup->exchange(false)) {
                net::notify_reloading();
                if (options.on_hangup) options.on_hangup();
                net::notify_reloaded();
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        if (stop) break;
    }
    if (options.follow) net::notify_stopping();
    UTXO_TRY_ASSIGN(auto st, store.state());
    runner.summary.tip = st.tip;
    return runner.summary;
}

}  // namespace utxo::indexer

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "core/dir_lock.h"
#include "core/transaction.h"
#include "indexer/block_source.h"
#include "indexer/commands.h"
#include "indexer/log.h"
#include "indexer/progress.h"

namespace utxo::indexer {

core::Result<BuildSummary> build(const BuildOptions& options) {
    auto started = std::chrono::steady_clock::now();
    std::error_code ec;
    if (!std::filesystem::exists(options.blocks, ec))  // before the store is created
        return core::fail(core::Errc::not_found, fmt::format("{}: no such file", options.blocks.string()));
    StoreOptions store_options;
    store_options.cache_bytes = options.cache_mb << 20;
    UTXO_TRY_ASSIGN(auto lock, core::DirLock::take(options.db));  // one writer per store
    UTXO_TRY_ASSIGN(auto store, UtxoStore::open(options.db, options.network, store_options));
    UTXO_TRY_ASSIGN(auto batch, store.begin_write());
    std::optional<core::BlockHash> start;
    if (batch.state().tip) start = batch.state().tip->hash;
    UTXO_TRY_ASSIGN(auto source, BlockFileSource::open(options.blocks, options.network, start));

    Progress progress(options.progress, (source)->total());
    BuildSummary summary;
    while (true) {
        auto raw = (source)->next();
        UTXO_TRY(raw);
        if (!*raw) break;
        auto block = core::parse_block(**raw);
        if (!block) {
            core::Height at = batch.state().tip ? batch.state().tip->height.next() : core::Height{0};
            return core::fail(block.error().code,
                              fmt::format("{}: block {} is malformed: {}", options.blocks.string(), at.value,
                                          block.error().message));
        }
        UTXO_TRY_ASSIGN(auto delta, batch.apply_block(*block));
        ++summary.blocks;
        summary.created += delta.created;
        summary.spent += delta.spent;
        progress.update(summary.blocks, batch.state().tip->height, summary.created + summary.spent);
    }
    progress.finish();
    summary.tip = batch.state().tip;
    UTXO_TRY(batch.commit());
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    log().info("applied {} blocks ({} coins created, {} spent) in {:.2f}s", summary.blocks, summary.created,
               summary.spent, summary.seconds);
    return summary;
}

}  // namespace utxo::indexer

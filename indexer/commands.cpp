// The indexer commands that are more than one library call: addresses, release, verify-release.
#include "indexer/commands.h"

#include <fmt/format.h>

#include "core/dir_lock.h"

namespace utxo::indexer {

using core::Errc;
using core::fail;

core::Result<std::vector<AddressHolding>> list_addresses(const AddressesOptions& o) {
    if (o.db.empty() == o.release.empty()) return fail(Errc::usage, "give either --db or --release");
    return o.db.empty() ? sample_release_addresses(o.release, o.count) : sample_addresses(o.db, o.count);
}

core::Result<ReleaseSummary> cut_store_release(const CutOptions& o) {
    std::error_code ec;
    if (!std::filesystem::is_directory(o.db, ec))  // before the lock would create it
        return fail(Errc::not_found, fmt::format("{}: no UTXO store here", o.db.string()));
    // The store and the releases root each have one writer (core/dir_lock.h).
    UTXO_TRY_ASSIGN(auto db_lock, core::DirLock::take(o.db));
    UTXO_TRY_ASSIGN(auto releases_lock, core::DirLock::take(o.release.releases));
    UTXO_TRY_ASSIGN(auto store, UtxoStore::open_existing(o.db));
    UTXO_TRY_ASSIGN(auto outcome, cut_release(store, o.release));
    if (auto* not_cut = std::get_if<ReleaseNotCut>(&outcome))
        return fail(Errc::not_found, std::move(not_cut->reason));
    return std::get<ReleaseSummary>(std::move(outcome));
}

core::Result<VerifyReport> judge_release(const std::filesystem::path& dir) {
    auto report = verify_release(dir);
    if (!report)
        return fail(report.error().code == Errc::mismatch ? Errc::rejected : report.error().code,
                    fmt::format("{}: {}", dir.string(), report.error().message));
    return report;
}

}  // namespace utxo::indexer

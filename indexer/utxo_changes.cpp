// UtxoStore::changes_since: the net effect of a run of blocks, read from their undo records.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "indexer/store_records.h"
#include "indexer/undo_record.h"
#include "indexer/utxo_store.h"
#include "indexer/utxo_store_impl.h"

namespace utxo::indexer {

using core::Errc;
using core::fail;
using core::Result;
using core::Status;

namespace {

std::unexpected<core::Error> missing_undo(core::Height height, core::Height from, std::uint32_t depth) {
    return fail(Errc::not_found,
                fmt::format("the store has no undo data for block {} (it keeps {} blocks, or it began "
                            "from a snapshot above height {})",
                            height.value, depth, from.value));
}

[[nodiscard]] Result<core::Coin> decode(core::ByteView value, const CoinKey& key) {
    core::Coin coin;
    UTXO_TRY(decode_stored_coin(value, outpoint_from_key(key), coin));
    return coin;
}

}  // namespace

// The store's tip, which must be at least at height `from`.
[[nodiscard]] static Result<ChainTip> tip_from(UtxoStore& store, core::Height from) {
    UTXO_TRY_ASSIGN(auto st, store.state());
    if (!st.tip || st.tip->height < from)
        return fail(Errc::usage, fmt::format("the store is not above height {}", from.value));
    return *st.tip;
}

Status UtxoStore::undo_available_since(core::Height from) {
    UTXO_TRY_ASSIGN(auto txn, core::lmdb::Txn::begin(impl_->env, false));
    UTXO_TRY_ASSIGN(auto tip, tip_from(*this, from));
    for (core::Height h : {from.next(), tip.height}) {
        if (h > tip.height) continue;
        UTXO_TRY_ASSIGN(auto rec, core::lmdb::get(txn, impl_->undo, height_key(h)));
        if (!rec) return missing_undo(h, from, impl_->options.undo_depth);
    }
    return {};
}

Result<IntervalChanges> UtxoStore::changes_since(core::Height from) {
    UTXO_TRY_ASSIGN(auto txn, core::lmdb::Txn::begin(impl_->env, false));
    UTXO_TRY_ASSIGN(auto tip, tip_from(*this, from));
    const core::Height to = tip.height;
    // Walk forward: a coin removed in the interval counts as spent only if it existed at `from`,
    // i.e. no earlier block of the interval added it.
    std::unordered_map<CoinKey, core::Bytes, CoinKeyHash, CoinKeyEqual> spent;
    std::unordered_set<CoinKey, CoinKeyHash, CoinKeyEqual> added;  // keys added inside the interval
    core::BlockHash from_block;
    for (core::Height h = from.next(); h <= to; h = h.next()) {
        auto rec = core::lmdb::get(txn, impl_->undo, height_key(h));
        UTXO_TRY(rec);
        if (!*rec) return missing_undo(h, from, impl_->options.undo_depth);
        UTXO_TRY_ASSIGN(auto record, decode_undo_record(**rec, h));
        if (h == from.next()) from_block = record.prev;
        for (const auto& [key, value] : record.removed) {
            if (added.erase(key) == 0) spent.emplace(key, core::Bytes(value.begin(), value.end()));
        }
        for (const auto& key : record.added) added.insert(key);
    }
    IntervalChanges out;
    out.from_block = from == to ? tip.hash : from_block;
    // Both lists in key order (the lookups below then walk the B-tree forward).
    std::vector<const std::pair<const CoinKey, core::Bytes>*> spent_sorted;
    spent_sorted.reserve(spent.size());
    for (const auto& entry : spent) spent_sorted.push_back(&entry);
    std::sort(spent_sorted.begin(), spent_sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
    for (const auto* entry : spent_sorted) {
        UTXO_TRY_ASSIGN(auto coin, decode(entry->second, entry->first));
        out.spent.emplace_back(outpoint_from_key(entry->first), std::move(coin));
    }
    std::vector<CoinKey> added_sorted(added.begin(), added.end());
    std::sort(added_sorted.begin(), added_sorted.end());
    for (const auto& key : added_sorted) {
        auto value = core::lmdb::get(txn, impl_->coins, key);
        UTXO_TRY(value);
        if (!*value)
            return fail(Errc::invalid,
                        fmt::format("the store is inconsistent: coin {}:{} was added after height {} "
                                    "and is gone, but no undo record removed it",
                                    outpoint_from_key(key).txid.to_display_hex(), outpoint_from_key(key).vout,
                                    from.value));
        UTXO_TRY_ASSIGN(auto coin, decode(**value, key));
        out.created.emplace_back(outpoint_from_key(key), std::move(coin));
    }
    return out;
}

}  // namespace utxo::indexer

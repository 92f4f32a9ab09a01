// WriteBatch: applying and undoing blocks, and bulk loading, inside one LMDB write transaction.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <unordered_set>
#include <vector>

#include "core/script.h"
#include "indexer/fresh_coin_cache.h"
#include "indexer/muhash_pipeline.h"
#include "indexer/store_records.h"
#include "indexer/undo_record.h"
#include "indexer/utxo_store.h"
#include "indexer/utxo_store_impl.h"

namespace utxo::indexer {

using core::Bytes;
using core::Coin;
using core::Errc;
using core::fail;
using core::OutPoint;
using core::Result;
using core::Status;
namespace lmdb = core::lmdb;

namespace {

// Core's two BIP30 exceptions: these mainnet coinbases overwrote an earlier identical coinbase.
bool is_bip30_repeat(core::Network net, core::Height height) {
    return net == core::Network::mainnet && (height.value == 91842 || height.value == 91880);
}

std::string where(const OutPoint& op) { return fmt::format("{}:{}", op.txid.to_display_hex(), op.vout); }

}  // namespace

struct WriteBatch::Impl {
    UtxoStore& store;
    lmdb::Txn txn;
    std::optional<CoinKey> last_loaded;
    Bytes coin_buf;
    UndoRecordWriter undo_record;                                    // of the block being applied
    std::unordered_set<CoinKey, CoinKeyHash, CoinKeyEqual> created;  // by the block being applied
    FreshCoinCache fresh;                                            // created in this batch, not yet in LMDB
    Coin scratch;  // reused per coin: no allocation per output
    Bytes record;  // the block's undo record, reused
    std::vector<CoinKey> created_sorted;
    lmdb::Cursor coin_cursor;  // for spends: one descent finds and deletes
    // MuHash, count and amount per script shard, on a second core; folded in at commit.
    std::unique_ptr<MuHashPipeline> muhash;

    MuHashPipeline& pipeline() {
        if (!muhash) muhash = std::make_unique<MuHashPipeline>(kStoreShardCount);
        return *muhash;
    }
    void insert_commitment(const OutPoint& op, const Coin& coin) {
        pipeline().insert_coin(MuHashPipeline::kShardOfScript, op, coin);
    }
    void remove_commitment(const OutPoint& op, const Coin& coin) {
        pipeline().remove_coin(MuHashPipeline::kShardOfScript, op, coin);
    }

    lmdb::Dbi coins() const { return store.impl_->coins; }
    lmdb::Dbi undo() const { return store.impl_->undo; }
    lmdb::Dbi meta() const { return store.impl_->meta; }
    lmdb::Dbi shards() const { return store.impl_->shards; }
};

WriteBatch::WriteBatch(UtxoStore& store, lmdb::Txn txn, StoreState state)
    : impl_(new Impl{store, std::move(txn), {}, {}, {}, {}, {}, {}, {}, {}, {}, {}}),
      state_(std::move(state)),
      start_coins_(state_.coins),
      start_total_(state_.total.sat) {}
WriteBatch::~WriteBatch() = default;
WriteBatch::WriteBatch(WriteBatch&&) noexcept = default;

namespace {

// The coin a coinbase would overwrite (BIP30): looked up in the batch's cache, then in LMDB, and
// taken out of both. Coinbases are the only transactions whose txid can repeat (the two mainnet
// exceptions); any other transaction spends existing coins, so its txid is new, and a clash is
// caught when the cache is written to LMDB.
[[nodiscard]] Result<std::optional<Bytes>> take_existing(WriteBatch::Impl& b, const CoinKey& key) {
    Bytes old;
    if (b.fresh.take(key, old)) return std::optional<Bytes>(std::move(old));
    UTXO_TRY_ASSIGN(auto v, lmdb::get(b.txn, b.coins(), key));
    if (!v) return std::optional<Bytes>{};
    old.assign((v)->begin(), (v)->end());
    UTXO_TRY(lmdb::del(b.txn, b.coins(), key));
    return std::optional<Bytes>(std::move(old));
}

[[nodiscard]] Status add_coin(WriteBatch::Impl& b, StoreState& st, const OutPoint& op, const Coin& coin,
                              core::Height height) {
    auto key = coin_key(op);
    encode_stored_coin(coin, b.coin_buf);
    if (coin.coinbase) {
        auto old = take_existing(b, key);
        UTXO_TRY(old);
        if (*old) {
            if (!is_bip30_repeat(st.network, height))
                return fail(Errc::invalid, fmt::format("block {} creates coin {} which already exists",
                                                       height.value, where(op)));
            // The earlier coin is lost for good (BIP30): out of the commitments, remembered for undo.
            Coin prev;
            UTXO_TRY(decode_stored_coin(**old, op, prev));
            b.remove_commitment(op, prev);
            st.total.sat -= prev.value.sat;
            --st.coins;
            if (b.created.erase(key) == 0) b.undo_record.removed(key, **old);
        }
    }
    if (!b.fresh.put(key, b.coin_buf))
        return fail(Errc::invalid,
                    fmt::format("block {} creates coin {} which already exists", height.value, where(op)));
    b.insert_commitment(op, coin);
    st.total.sat += coin.value.sat;
    ++st.coins;
    b.created.insert(key);
    return {};
}

[[nodiscard]] Status spend_coin(WriteBatch::Impl& b, StoreState& st, const OutPoint& op, core::Height height,
                                const core::Txid& spender) {
    auto key = coin_key(op);
    b.coin_buf.clear();
    if (!b.fresh.take(key, b.coin_buf)) {
        if (!b.coin_cursor) {
            UTXO_TRY_ASSIGN(auto c, lmdb::Cursor::open(b.txn, b.coins()));
            b.coin_cursor = std::move(c);
        }
        UTXO_TRY_ASSIGN(auto found, b.coin_cursor.find(key));
        if (!found)
            return fail(Errc::not_found,
                        fmt::format("block {}: transaction {} spends {}, which is not in the UTXO set",
                                    height.value, spender.to_display_hex(), where(op)));
        b.coin_buf.assign((found)->begin(), (found)->end());
        UTXO_TRY(b.coin_cursor.del());
    }
    Coin& coin = b.scratch;
    UTXO_TRY(decode_stored_coin(b.coin_buf, op, coin));
    b.remove_commitment(op, coin);
    st.total.sat -= coin.value.sat;
    --st.coins;
    // It existed before this block: undo must bring it back.
    if (b.created.erase(key) == 0) b.undo_record.removed(key, b.coin_buf);
    return {};
}

[[nodiscard]] Result<core::Height> next_height(const StoreState& st, const core::Block& block) {
    if (!st.tip) {
        if (!block.header.prev_block.is_zero() || block.hash != core::params(st.network).genesis)
            return fail(
                Errc::mismatch,
                fmt::format("the store is empty, so the first block must be the {} genesis "
                            "block {}, not {}",
                            core::network_name(st.network), core::params(st.network).genesis.to_display_hex(),
                            block.hash.to_display_hex()));
        return core::Height{0};
    }
    if (block.header.prev_block != st.tip->hash)
        return fail(Errc::mismatch,
                    fmt::format("block {} does not extend the store's tip {} at height {} (its parent is {})",
                                block.hash.to_display_hex(), st.tip->hash.to_display_hex(),
                                st.tip->height.value, block.header.prev_block.to_display_hex()));
    return st.tip->height.next();
}

}  // namespace

Result<BlockDelta> WriteBatch::apply_block(const core::Block& block) {
    UTXO_TRY_ASSIGN(const core::Height height, next_height(state_, block));
    Impl& b = *impl_;
    b.created.clear();
    b.undo_record.clear();
    BlockDelta delta;
    if (height.value > 0) {  // the genesis block's outputs never enter the set
        for (const core::Transaction& tx : block.txs) {
            if (!tx.is_coinbase()) {
                for (const core::TxIn& in : tx.inputs) {
                    UTXO_TRY(spend_coin(b, state_, in.prevout, height, tx.txid));
                    ++delta.spent;
                }
            }
            for (std::uint32_t i = 0; i < tx.outputs.size(); ++i) {
                const core::TxOut& out = tx.outputs[i];
                if (core::is_unspendable(out.script_pubkey)) continue;
                Coin& coin = b.scratch;
                coin.height = height;
                coin.coinbase = tx.is_coinbase();
                coin.value = out.value;
                coin.script.assign(out.script_pubkey.begin(), out.script_pubkey.end());
                UTXO_TRY(add_coin(b, state_, OutPoint{tx.txid, i}, coin, height));
                ++delta.created;
            }
        }
    }
    std::vector<CoinKey>& created = b.created_sorted;
    created.assign(b.created.begin(), b.created.end());
    std::sort(created.begin(), created.end());
    b.undo_record.finish(block.header.prev_block, created, b.record);
    UTXO_TRY(lmdb::put(b.txn, b.undo(), height_key(height), b.record));
    const std::uint32_t depth = b.store.impl_->options.undo_depth;
    if (height.value >= depth) {
        UTXO_TRY(lmdb::del(b.txn, b.undo(), height_key(height.minus(depth))));
    }
    state_.tip = ChainTip{height, block.hash};
    if (b.fresh.over_budget(b.store.impl_->options.cache_bytes)) {
        UTXO_TRY(flush_created());
    }
    return delta;
}

Status WriteBatch::undo_tip() {
    if (!state_.tip) return fail(Errc::usage, "the store is empty: there is no block to undo");
    Impl& b = *impl_;
    UTXO_TRY(flush_created());  // undo works on the B-tree alone
    const core::Height height = state_.tip->height;
    UTXO_TRY_ASSIGN(auto rec, lmdb::get(b.txn, b.undo(), height_key(height)));
    if (!rec)
        return fail(Errc::not_found,
                    fmt::format("cannot undo block {}: its undo record is gone (only the last {} "
                                "blocks can be undone)",
                                height.value, b.store.impl_->options.undo_depth));
    Bytes bytes((rec)->begin(), (rec)->end());  // copy: the writes below invalidate the view
    UTXO_TRY_ASSIGN(auto record, decode_undo_record(bytes, height));
    auto bad = [&] {
        return fail(Errc::invalid, fmt::format("the undo record of block {} is corrupt", height.value));
    };
    Coin& coin = b.scratch;
    for (const CoinKey& key : record.added) {  // remove what the block added...
        OutPoint op = outpoint_from_key(key);
        auto val = lmdb::get(b.txn, b.coins(), key);
        UTXO_TRY(val);
        if (!*val || !read_stored_coin(**val, coin)) return bad();
        b.remove_commitment(op, coin);
        state_.total.sat -= coin.value.sat;
        --state_.coins;
        UTXO_TRY(lmdb::del(b.txn, b.coins(), key));
    }
    for (const auto& [key, val] : record.removed) {  // ...then bring back what it removed
        OutPoint op = outpoint_from_key(key);
        if (!read_stored_coin(val, coin)) return bad();
        UTXO_TRY(lmdb::put(b.txn, b.coins(), key, val));
        b.insert_commitment(op, coin);
        state_.total.sat += coin.value.sat;
        ++state_.coins;
    }
    UTXO_TRY(lmdb::del(b.txn, b.undo(), height_key(height)));
    if (height.value == 0)
        state_.tip.reset();
    else
        state_.tip = ChainTip{height.minus(1), record.prev};
    return {};
}

Status WriteBatch::load_coin(const OutPoint& op, const Coin& coin) {
    Impl& b = *impl_;
    if (!b.last_loaded && (state_.tip || state_.coins != 0))
        return fail(Errc::usage, "a snapshot can only be loaded into an empty store");
    auto key = coin_key(op);
    encode_stored_coin(coin, b.coin_buf);
    MDB_val k = lmdb::to_val(key), v = lmdb::to_val(b.coin_buf);
    // Snapshot order is key order except within rare txids with vout >= 16512; those go in normally.
    unsigned flags = (!b.last_loaded || key > *b.last_loaded) ? MDB_APPEND : MDB_NOOVERWRITE;
    int rc = mdb_put(b.txn.get(), b.coins(), &k, &v, flags);
    if (rc == MDB_KEYEXIST) return fail(Errc::invalid, fmt::format("coin {} appears twice", where(op)));
    if (rc) return fail(Errc::io, fmt::format("LMDB put failed: {}", lmdb::error_text(rc)));
    if (!b.last_loaded || key > *b.last_loaded) b.last_loaded = key;
    b.insert_commitment(op, coin);
    state_.total.sat += coin.value.sat;
    ++state_.coins;
    return {};
}

Status WriteBatch::set_tip(const ChainTip& tip) {
    state_.tip = tip;
    return {};
}

Status WriteBatch::flush_created() {
    Impl& b = *impl_;
    if (b.fresh.empty()) return {};
    UTXO_TRY_ASSIGN(auto cur, lmdb::Cursor::open(b.txn, b.coins()));
    // Keys above the largest stored one can be appended (no search, pages filled to the brim).
    std::optional<CoinKey> last_stored;
    UTXO_TRY_ASSIGN(auto last, cur.last());
    if (last && (last)->first.size() == 36)
        std::memcpy(last_stored.emplace().data(), (last)->first.data(), 36);
    for (const auto& e : b.fresh.sorted()) {
        const bool append = !last_stored || *e.key > *last_stored;
        UTXO_TRY_ASSIGN(auto put, cur.insert(*e.key, e.coin, append));
        if (!put) {
            Coin& coin = b.scratch;
            const bool readable = read_stored_coin(e.coin, coin);
            return fail(Errc::invalid,
                        fmt::format("block {} creates coin {} which already exists",
                                    readable ? coin.height.value : 0, where(outpoint_from_key(*e.key))));
        }
    }
    b.fresh.clear();
    return {};
}

// Folds the pipeline's per-shard changes into the shards table and the full-set figures. The
// full set's count and amount were kept on the way; the shards must add up to the same change.
[[nodiscard]] static Status fold_shard_changes(WriteBatch::Impl& b, StoreState& st,
                                               std::uint64_t coins_before, std::int64_t total_before) {
    std::vector<MuHashPipeline::Accumulated> changes = b.muhash->finish();
    b.muhash.reset();
    std::int64_t coins_change = 0, amount_change = 0;
    for (std::uint32_t i = 0; i < kStoreShardCount; ++i) {
        const auto& c = changes[i];
        if (c.elements == 0) continue;
        ShardTotals t;
        auto have = lmdb::get(b.txn, b.shards(), shard_key(i));
        UTXO_TRY(have);
        if (*have) {
            auto decoded = decode_shard_totals(**have);
            if (!decoded)
                return fail(Errc::invalid, fmt::format("{}: the totals of shard {} are corrupt",
                                                       b.store.directory().string(), i));
            t = std::move(*decoded);
        }
        t.coins = static_cast<std::uint64_t>(static_cast<std::int64_t>(t.coins) + c.coins);
        t.total.sat += c.amount;
        t.muhash *= c.muhash;
        st.muhash *= c.muhash;
        coins_change += c.coins;
        amount_change += c.amount;
        UTXO_TRY(lmdb::put(b.txn, b.shards(), shard_key(i), encode_shard_totals(t)));
    }
    if (static_cast<std::int64_t>(st.coins - coins_before) != coins_change ||
        st.total.sat - total_before != amount_change)
        return fail(Errc::mismatch, "internal error: the shard totals do not add up to the set's change");
    return {};
}

Status WriteBatch::commit() {
    Impl& b = *impl_;
    UTXO_TRY(flush_created());
    b.coin_cursor = lmdb::Cursor{};  // a write cursor must be closed before its transaction ends
    if (b.muhash) {
        UTXO_TRY(fold_shard_changes(b, state_, start_coins_, start_total_));
    }
    Bytes coins, total;
    core::Writer(coins).u64(state_.coins);
    core::Writer(total).i64(state_.total.sat);
    auto put_meta = [&](std::string_view key, core::ByteView value) {
        return lmdb::put(b.txn, b.meta(), core::as_bytes(key), value);
    };
    UTXO_TRY(put_meta(kMetaCoins, coins));
    UTXO_TRY(put_meta(kMetaTotal, total));
    UTXO_TRY(put_meta(kMetaMuhash, state_.muhash.serialize()));
    if (state_.tip) {
        UTXO_TRY(put_meta(kMetaTip, encode_tip(*state_.tip)));
    } else {
        UTXO_TRY(lmdb::del(b.txn, b.meta(), core::as_bytes(kMetaTip)));
    }
    return b.txn.commit();
}

}  // namespace utxo::indexer

// WriteBatch: applying and undoing blocks, and bulk loading, inside one LMDB write transaction.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <unordered_set>
#include <vector>

#include "core/muhash_pipeline.h"
#include "core/script.h"
#include "core/utxo_store.h"
#include "core/utxo_store_impl.h"

namespace utxo::core {

namespace {

std::array<std::uint8_t, 4> height_key(std::uint32_t h) {
    return {std::uint8_t(h >> 24), std::uint8_t(h >> 16), std::uint8_t(h >> 8), std::uint8_t(h)};
}

struct CoinKeyHash {
    std::size_t operator()(const CoinKey& k) const noexcept {
        std::uint64_t a;
        std::memcpy(&a, k.data(), 8);  // txids are uniformly random
        return a ^ (std::uint64_t{k[35]} << 1);
    }
};

// Core's two BIP30 exceptions: these mainnet coinbases overwrote an earlier identical coinbase.
bool is_bip30_repeat(Network net, std::uint32_t height) {
    return net == Network::mainnet && (height == 91842 || height == 91880);
}

std::string where(const OutPoint& op) { return fmt::format("{}:{}", op.txid.to_display_hex(), op.vout); }

}  // namespace

// Undo record, value of undo[height BE]:
//   prev block hash (32, raw) || CompactSize(n) || n x (coin key 36 || CompactSize(len) || coin)
//   || CompactSize(m) || m x coin key 36
// The first list holds coins that existed before the block and that it removed; the second the
// coins it added that are still there after it.
struct WriteBatch::Impl {
    UtxoStore& store;
    lmdb::Txn txn;
    std::optional<CoinKey> last_loaded;
    Bytes coin_buf;
    Bytes undo_spent;
    std::size_t undo_spent_count = 0;
    std::unordered_set<CoinKey, CoinKeyHash> created;
    // MuHash updates run on a second core; folded into the state at commit.
    std::unique_ptr<MuHashPipeline> muhash;

    MuHashPipeline& pipeline() {
        if (!muhash) muhash = std::make_unique<MuHashPipeline>(1);
        return *muhash;
    }

    lmdb::Dbi coins() const { return store.impl_->coins; }
    lmdb::Dbi undo() const { return store.impl_->undo; }
    lmdb::Dbi meta() const { return store.impl_->meta; }
};

WriteBatch::WriteBatch(UtxoStore& store, lmdb::Txn txn, StoreState state)
    : impl_(new Impl{store, std::move(txn), {}, {}, {}, 0, {}, {}}), state_(std::move(state)) {}
WriteBatch::~WriteBatch() = default;
WriteBatch::WriteBatch(WriteBatch&&) noexcept = default;

namespace {

Status add_coin(WriteBatch::Impl& b, StoreState& st, const OutPoint& op, const Coin& coin, std::uint32_t height) {
    auto key = coin_key(op);
    b.coin_buf.clear();
    Writer w(b.coin_buf);
    write_coin(w, coin);
    MDB_val k = lmdb::to_val(key), v = lmdb::to_val(b.coin_buf);
    int rc = mdb_put(b.txn.get(), b.coins(), &k, &v, MDB_NOOVERWRITE);
    if (rc == MDB_KEYEXIST) {
        if (!coin.coinbase || !is_bip30_repeat(st.network, height))
            return fail(Errc::invalid, fmt::format("block {} creates coin {} which already exists", height, where(op)));
        // The earlier coin is lost for good (BIP30): remove it from the commitments, remember it for undo.
        Reader r(lmdb::from_val(v));
        auto old = read_coin(r);
        if (!old) return std::unexpected(old.error());
        b.pipeline().remove_coin(0, op, *old);
        st.total.sat -= old->value.sat;
        --st.coins;
        Writer u(b.undo_spent);
        u.bytes(key);
        u.var_bytes(lmdb::from_val(v));
        ++b.undo_spent_count;
        v = lmdb::to_val(b.coin_buf);
        rc = mdb_put(b.txn.get(), b.coins(), &k, &v, 0);
    }
    if (rc) return fail(Errc::io, fmt::format("LMDB put failed: {}", lmdb::error_text(rc)));
    b.pipeline().insert_coin(0, op, coin);
    st.total.sat += coin.value.sat;
    ++st.coins;
    b.created.insert(key);
    return {};
}

Status spend_coin(WriteBatch::Impl& b, StoreState& st, const OutPoint& op, std::uint32_t height, const Txid& spender) {
    auto key = coin_key(op);
    MDB_val k = lmdb::to_val(key), v{};
    int rc = mdb_get(b.txn.get(), b.coins(), &k, &v);
    if (rc == MDB_NOTFOUND)
        return fail(Errc::not_found, fmt::format("block {}: transaction {} spends {}, which is not in the UTXO set",
                                                 height, spender.to_display_hex(), where(op)));
    if (rc) return fail(Errc::io, fmt::format("LMDB get failed: {}", lmdb::error_text(rc)));
    ByteView value = lmdb::from_val(v);
    Reader r(value);
    auto coin = read_coin(r);
    if (!coin) return fail(Errc::invalid, fmt::format("the store holds a corrupt record for coin {}", where(op)));
    b.pipeline().remove_coin(0, op, *coin);
    st.total.sat -= coin->value.sat;
    --st.coins;
    if (b.created.erase(key) == 0) {  // it existed before this block: undo must bring it back
        Writer u(b.undo_spent);
        u.bytes(key);
        u.var_bytes(value);
        ++b.undo_spent_count;
    }
    rc = mdb_del(b.txn.get(), b.coins(), &k, nullptr);
    if (rc) return fail(Errc::io, fmt::format("LMDB del failed: {}", lmdb::error_text(rc)));
    return {};
}

Result<std::uint32_t> next_height(const StoreState& st, const Block& block) {
    if (!st.tip) {
        if (!block.header.prev_block.is_zero() || block.hash != params(st.network).genesis)
            return fail(Errc::mismatch, fmt::format("the store is empty, so the first block must be the {} genesis "
                                                    "block {}, not {}",
                                                    network_name(st.network),
                                                    params(st.network).genesis.to_display_hex(),
                                                    block.hash.to_display_hex()));
        return 0u;
    }
    if (block.header.prev_block != st.tip->hash)
        return fail(Errc::mismatch,
                    fmt::format("block {} does not extend the store's tip {} at height {} (its parent is {})",
                                block.hash.to_display_hex(), st.tip->hash.to_display_hex(), st.tip->height.value,
                                block.header.prev_block.to_display_hex()));
    return st.tip->height.value + 1;
}

}  // namespace

Result<BlockDelta> WriteBatch::apply_block(const Block& block) {
    auto h = next_height(state_, block);
    if (!h) return std::unexpected(h.error());
    const std::uint32_t height = *h;
    Impl& b = *impl_;
    b.created.clear();
    b.undo_spent.clear();
    b.undo_spent_count = 0;
    BlockDelta delta;
    if (height > 0) {  // the genesis block's outputs never enter the set
        for (const Transaction& tx : block.txs) {
            if (!tx.is_coinbase()) {
                for (const TxIn& in : tx.inputs) {
                    if (auto s = spend_coin(b, state_, in.prevout, height, tx.txid); !s) return std::unexpected(s.error());
                    ++delta.spent;
                }
            }
            for (std::uint32_t i = 0; i < tx.outputs.size(); ++i) {
                const TxOut& out = tx.outputs[i];
                if (is_unspendable(out.script_pubkey)) continue;
                Coin coin{Height{height}, tx.is_coinbase(), out.value, out.script_pubkey};
                if (auto s = add_coin(b, state_, OutPoint{tx.txid, i}, coin, height); !s) return std::unexpected(s.error());
                ++delta.created;
            }
        }
    }
    Bytes record;
    Writer w(record);
    w.hash(block.header.prev_block);
    w.compact_size(b.undo_spent_count);
    w.bytes(b.undo_spent);
    std::vector<CoinKey> created(b.created.begin(), b.created.end());
    std::sort(created.begin(), created.end());
    w.compact_size(created.size());
    for (const auto& k : created) w.bytes(k);
    if (auto s = lmdb::put(b.txn, b.undo(), height_key(height), record); !s) return std::unexpected(s.error());
    const std::uint32_t depth = b.store.impl_->options.undo_depth;
    if (height >= depth) {
        if (auto d = lmdb::del(b.txn, b.undo(), height_key(height - depth)); !d) return std::unexpected(d.error());
    }
    state_.tip = ChainTip{Height{height}, block.hash};
    return delta;
}

Status WriteBatch::undo_tip() {
    if (!state_.tip) return fail(Errc::usage, "the store is empty: there is no block to undo");
    Impl& b = *impl_;
    const std::uint32_t height = state_.tip->height.value;
    auto rec = lmdb::get(b.txn, b.undo(), height_key(height));
    if (!rec) return std::unexpected(rec.error());
    if (!*rec)
        return fail(Errc::not_found, fmt::format("cannot undo block {}: its undo record is gone (only the last {} "
                                                 "blocks can be undone)", height, b.store.impl_->options.undo_depth));
    Bytes record((*rec)->begin(), (*rec)->end());  // copy: the writes below invalidate the view
    Reader r(record);
    auto bad = [&] { return fail(Errc::invalid, fmt::format("the undo record of block {} is corrupt", height)); };
    auto prev = r.hash<BlockHashTag>();
    auto n_spent = r.compact_size(UINT64_MAX);
    if (!prev || !n_spent) return bad();
    std::vector<std::pair<ByteView, ByteView>> restore;
    for (std::uint64_t i = 0; i < *n_spent; ++i) {
        auto key = r.bytes(36);
        auto val = r.var_bytes(UINT64_MAX);
        if (!key || !val) return bad();
        restore.emplace_back(*key, *val);
    }
    auto n_created = r.compact_size(UINT64_MAX);
    if (!n_created) return bad();
    for (std::uint64_t i = 0; i < *n_created; ++i) {  // remove what the block added...
        auto key = r.bytes(36);
        if (!key) return bad();
        OutPoint op = outpoint_from_key(*key);
        auto val = lmdb::get(b.txn, b.coins(), *key);
        if (!val) return std::unexpected(val.error());
        if (!*val) return bad();
        Reader cr(**val);
        auto coin = read_coin(cr);
        if (!coin) return bad();
        b.pipeline().remove_coin(0, op, *coin);
        state_.total.sat -= coin->value.sat;
        --state_.coins;
        if (auto d = lmdb::del(b.txn, b.coins(), *key); !d) return std::unexpected(d.error());
    }
    for (auto [key, val] : restore) {  // ...then bring back what it removed
        OutPoint op = outpoint_from_key(key);
        Reader cr(val);
        auto coin = read_coin(cr);
        if (!coin) return bad();
        if (auto s = lmdb::put(b.txn, b.coins(), key, val); !s) return std::unexpected(s.error());
        b.pipeline().insert_coin(0, op, *coin);
        state_.total.sat += coin->value.sat;
        ++state_.coins;
    }
    if (auto d = lmdb::del(b.txn, b.undo(), height_key(height)); !d) return std::unexpected(d.error());
    if (height == 0)
        state_.tip.reset();
    else
        state_.tip = ChainTip{Height{height - 1}, *prev};
    return {};
}

Status WriteBatch::load_coin(const OutPoint& op, const Coin& coin) {
    Impl& b = *impl_;
    if (!b.last_loaded && (state_.tip || state_.coins != 0))
        return fail(Errc::usage, "a snapshot can only be loaded into an empty store");
    auto key = coin_key(op);
    b.coin_buf.clear();
    Writer w(b.coin_buf);
    write_coin(w, coin);
    MDB_val k = lmdb::to_val(key), v = lmdb::to_val(b.coin_buf);
    // Snapshot order is key order except within rare txids with vout >= 16512; those go in normally.
    unsigned flags = (!b.last_loaded || key > *b.last_loaded) ? MDB_APPEND : MDB_NOOVERWRITE;
    int rc = mdb_put(b.txn.get(), b.coins(), &k, &v, flags);
    if (rc == MDB_KEYEXIST) return fail(Errc::invalid, fmt::format("coin {} appears twice", where(op)));
    if (rc) return fail(Errc::io, fmt::format("LMDB put failed: {}", lmdb::error_text(rc)));
    if (!b.last_loaded || key > *b.last_loaded) b.last_loaded = key;
    b.pipeline().insert_coin(0, op, coin);
    state_.total.sat += coin.value.sat;
    ++state_.coins;
    return {};
}

Status WriteBatch::set_tip(const ChainTip& tip) {
    state_.tip = tip;
    return {};
}

Status WriteBatch::commit() {
    Impl& b = *impl_;
    if (b.muhash) {
        state_.muhash *= b.muhash->finish()[0];
        b.muhash.reset();
    }
    Bytes coins, total, tip;
    Writer(coins).u64(state_.coins);
    Writer(total).i64(state_.total.sat);
    auto put_meta = [&](std::string_view key, ByteView value) { return lmdb::put(b.txn, b.meta(), as_bytes(key), value); };
    if (auto s = put_meta("coins", coins); !s) return s;
    if (auto s = put_meta("total", total); !s) return s;
    if (auto s = put_meta("muhash", state_.muhash.serialize()); !s) return s;
    if (state_.tip) {
        auto hk = height_key(state_.tip->height.value);
        tip.assign(hk.begin(), hk.end());
        tip.insert(tip.end(), state_.tip->hash.raw().begin(), state_.tip->hash.raw().end());
        if (auto s = put_meta("tip", tip); !s) return s;
    } else if (auto d = lmdb::del(b.txn, b.meta(), as_bytes(std::string_view("tip"))); !d) {
        return std::unexpected(d.error());
    }
    return b.txn.commit();
}

}  // namespace utxo::core

// The UTXO set on LMDB. Coins are keyed txid(raw) || vout(big-endian), so the key order is
// exactly Core's hash_serialized_3 order. Each applied block leaves an undo record so it can be
// taken back; the running coin count, total amount and MuHash live beside the coins and change in
// the same transaction, so the store is always at one block boundary.
#pragma once
#include <array>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/coin.h"
#include "core/error.h"
#include "core/lmdb.h"
#include "core/muhash.h"
#include "core/network.h"
#include "core/shard.h"
#include "core/transaction.h"
#include "indexer/coin_key.h"

namespace utxo::indexer {

struct ChainTip {
    core::Height height;
    core::BlockHash hash;
    friend bool operator==(const ChainTip&, const ChainTip&) = default;
};

struct StoreState {
    core::Network network = core::Network::mainnet;
    std::optional<ChainTip> tip;  // empty store: no block applied yet
    std::uint64_t coins = 0;
    core::Amount total;
    core::MuHash3072 muhash;
};

// The shards the store keeps totals for: those of a release's default shard rule. A release with
// S <= kStoreShardCount shards (S divides it) combines them; larger S needs a pass over the coins.
inline constexpr std::uint32_t kStoreShardCount = core::kDefaultShardCount;

// Coin count, amount and MuHash of the coins whose script falls in one shard.
struct ShardTotals {
    std::uint64_t coins = 0;
    core::Amount total;
    core::MuHash3072 muhash;
};

struct StoreOptions {
    std::uint32_t undo_depth = 288;  // blocks that can be undone; older undo records are pruned
    bool no_sync = false;            // skip fsync at commit (throw-away stores, benchmarks)
    // Memory for coins created inside a write batch and not yet written to LMDB (see
    // fresh_coin_cache.h); the batch writes them out when it passes this, and at commit.
    std::size_t cache_bytes = std::size_t{2} << 30;
};

struct BlockDelta {
    std::uint64_t created = 0;  // outputs added to the set (unspendable ones excluded)
    std::uint64_t spent = 0;    // coins removed (including ones created earlier in the same block)
};

class UtxoStore;

// How the set changed over the blocks (from, to]: the coins that existed at `from` and are gone at
// `to`, and the coins present at `to` that did not exist at `from`. Coins created and spent inside
// the interval appear in neither list. Both lists are in key order.
struct IntervalChanges {
    core::BlockHash from_block;  // the block at height `from`
    std::vector<std::pair<core::OutPoint, core::Coin>> spent;
    std::vector<std::pair<core::OutPoint, core::Coin>> created;
};

// One write transaction. Nothing is visible to readers, nor on disk, until commit();
// destroying it uncommitted leaves the store exactly as it was.
class WriteBatch {
public:
    ~WriteBatch();
    WriteBatch(WriteBatch&&) noexcept;
    WriteBatch& operator=(WriteBatch&&) = delete;

    // The batch's view; its muhash is brought up to date only by commit().
    const StoreState& state() const { return state_; }
    // Applies the block that extends the tip (or the network's genesis block on an empty store).
    [[nodiscard]] core::Result<BlockDelta> apply_block(const core::Block& block);
    // Writes the coins created so far to LMDB (apply_block does it when the cache is full, commit
    // always); lookups and the B-tree then agree. Fails if a coin already exists there.
    [[nodiscard]] core::Status flush_created();
    // Takes back the tip block using its undo record.
    [[nodiscard]] core::Status undo_tip();
    // Bulk load into an empty store (import of a snapshot): coins in ascending key order are
    // appended fast; out-of-order ones are inserted normally. set_tip() ends the load.
    [[nodiscard]] core::Status load_coin(const core::OutPoint& outpoint, const core::Coin& coin);
    core::Status set_tip(const ChainTip& tip);
    [[nodiscard]] core::Status commit();

    struct Impl;  // opaque; defined in utxo_batch.cpp

private:
    friend class UtxoStore;
    WriteBatch(UtxoStore& store, core::lmdb::Txn txn, StoreState state);
    std::unique_ptr<Impl> impl_;
    StoreState state_;
    std::uint64_t start_coins_ = 0;  // the set's count and amount when the batch began
    std::int64_t start_total_ = 0;
};

class UtxoStore {
public:
    // Opens the store in `dir`, creating it for `network` if it does not exist.
    // An existing store for another network is refused.
    [[nodiscard]] static core::Result<UtxoStore> open(const std::filesystem::path& dir, core::Network network,
                                                      const StoreOptions& options = {});
    // Opens an existing store, whatever its network.
    [[nodiscard]] static core::Result<UtxoStore> open_existing(const std::filesystem::path& dir,
                                                               const StoreOptions& options = {});
    ~UtxoStore();
    UtxoStore(UtxoStore&&) noexcept;
    UtxoStore& operator=(UtxoStore&&) noexcept;

    [[nodiscard]] core::Result<StoreState> state();
    core::Result<WriteBatch> begin_write();
    // Looks one coin up.
    [[nodiscard]] core::Result<std::optional<core::Coin>> find(const core::OutPoint& outpoint);
    // Visits every coin in key order (txid raw, vout numeric) inside one read snapshot.
    // The callback returns false to stop early.
    using CoinVisitor = std::function<core::Result<bool>(const core::OutPoint&, const core::Coin&)>;
    [[nodiscard]] core::Status for_each_coin(const CoinVisitor& visit);
    // The same walk, also giving each coin's record as stored (Core's coin encoding), for callers
    // that copy it as it is.
    using CoinRecordVisitor =
        std::function<core::Result<bool>(const core::OutPoint&, const core::Coin&, core::ByteView record)>;
    [[nodiscard]] core::Status for_each_coin_record(const CoinRecordVisitor& visit);
    // Count, amount and MuHash of each of the kStoreShardCount script shards, in shard order.
    [[nodiscard]] core::Result<std::vector<ShardTotals>> shard_totals();
    // hash_serialized_3 of the whole set (one full pass).
    [[nodiscard]] core::Result<core::AssumeutxoHash> hash_serialized_3();
    // Changes between height `from` and the tip, from the undo records of blocks from+1..tip.
    // Fails if any of those records is gone (pruned, or the store began from a snapshot after `from`).
    [[nodiscard]] core::Result<IntervalChanges> changes_since(core::Height from);
    // Whether changes_since(from) can succeed, without reading the records: those of blocks
    // from+1..tip are all there (they are written per block and pruned oldest first).
    [[nodiscard]] core::Status undo_available_since(core::Height from);
    const std::filesystem::path& directory() const;

    struct Impl;  // opaque; defined in utxo_store_impl.h
    explicit UtxoStore(std::unique_ptr<Impl> impl);

private:
    friend class WriteBatch;
    std::unique_ptr<Impl> impl_;
};

}  // namespace utxo::indexer

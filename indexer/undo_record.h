// The undo record of one applied block: the value of the store's undo table at the block's
// height (key height_key(height), store_records.h).
//
//   prev block hash (32, raw) || CompactSize(n) || n x (coin key 36 || CompactSize(len) || coin)
//   || CompactSize(m) || m x coin key 36
//
// The first list holds the coins that existed before the block and that it removed, each with its
// stored record (to put back); the second the coins the block added that are still there after
// it, in key order (to take out). Written once per block by WriteBatch::apply_block, read by
// undo_tip and changes_since.
#pragma once
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/types.h"
#include "indexer/coin_key.h"

namespace utxo::indexer {

struct UndoRecord {
    core::BlockHash prev;
    std::vector<std::pair<CoinKey, core::ByteView>> removed;  // records: views into the decoded bytes
    std::vector<CoinKey> added;
};

// Builds a record while its block is applied; reused from block to block, it allocates nothing
// once warm.
class UndoRecordWriter {
public:
    void clear() { removed_.clear(), removed_count_ = 0; }
    void removed(const CoinKey& key, core::ByteView stored_coin);
    // The whole record into `out` (its bytes replaced); `added` in key order.
    void finish(const core::BlockHash& prev, std::span<const CoinKey> added, core::Bytes& out) const;

private:
    core::Bytes removed_;  // the entries of the first list, as they will be written
    std::size_t removed_count_ = 0;
};

// Anything but exactly one record, trailing bytes included, is Errc::invalid "the undo record of
// block HEIGHT is corrupt".
[[nodiscard]] core::Result<UndoRecord> decode_undo_record(core::ByteView record, core::Height height);

}  // namespace utxo::indexer

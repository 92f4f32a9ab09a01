// The undo record's encoding beside its decoding.
#include "indexer/undo_record.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/serialize.h"

namespace utxo::indexer {

namespace {
constexpr std::size_t kKeySize = std::tuple_size_v<CoinKey>;
}  // namespace

void UndoRecordWriter::removed(const CoinKey& key, core::ByteView stored_coin) {
    core::Writer w(removed_);
    w.bytes(key);
    w.var_bytes(stored_coin);
    ++removed_count_;
}

void UndoRecordWriter::finish(const core::BlockHash& prev, std::span<const CoinKey> added,
                              core::Bytes& out) const {
    out.assign(prev.raw().begin(), prev.raw().end());
    core::Writer w(out);
    w.compact_size(removed_count_);
    w.bytes(removed_);
    w.compact_size(added.size());
    for (const auto& k : added) w.bytes(k);
}

core::Result<UndoRecord> decode_undo_record(core::ByteView record, core::Height height) {
    auto bad = [&] {
        return core::fail(core::Errc::invalid,
                          fmt::format("the undo record of block {} is corrupt", height.value));
    };
    core::Reader r(record);
    UndoRecord out;
    auto prev = r.hash<core::BlockHashTag>();
    auto n = r.compact_size(UINT64_MAX);
    if (!prev || !n) return bad();
    out.prev = *prev;
    for (std::uint64_t i = 0; i < *n; ++i) {
        auto key = r.bytes(kKeySize);
        auto val = r.var_bytes(UINT64_MAX);
        if (!key || !val) return bad();
        CoinKey k;
        std::copy(key->begin(), key->end(), k.begin());
        out.removed.emplace_back(k, *val);
    }
    auto m = r.compact_size(UINT64_MAX);
    if (!m) return bad();
    for (std::uint64_t i = 0; i < *m; ++i) {
        auto key = r.bytes(kKeySize);
        if (!key) return bad();
        CoinKey k;
        std::copy(key->begin(), key->end(), k.begin());
        out.added.push_back(k);
    }
    if (!r.empty()) return bad();
    return out;
}

}  // namespace utxo::indexer

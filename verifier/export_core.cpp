// export-core: a streaming k-way merge of the shard files into Core's snapshot format.
#include "verifier/export_core.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "core/hash_serialized.h"
#include "core/shard.h"
#include "core/snapshot.h"

namespace utxo::verifier {

namespace fs = std::filesystem;
using core::Errc;
using core::fail;

namespace {

using Entry = std::pair<core::OutPoint, core::Coin>;

// The shards' heads in a min-heap of reader indices; memory is ~S x kMergeReadBuffer.
class ShardMerge {
    struct Greater {
        const std::vector<Entry>* heads;
        bool operator()(std::size_t a, std::size_t b) const { return (*heads)[b].first < (*heads)[a].first; }
    };
    Greater greater() const { return Greater{&heads_}; }

public:
    core::Status open(const Installed& in) {
        for (auto i : in.shards) {
            auto r = core::ShardReader::open(shard_path(in.dir, i), core::ShardReader::kMergeReadBuffer);
            if (!r) return fail(r.error().code, fmt::format("{}: {}", shard_path(in.dir, i).string(), r.error().message));
            readers_.push_back(std::move(*r));
            paths_.push_back(shard_path(in.dir, i));
            heads_.emplace_back();
            if (auto s = advance(readers_.size() - 1); !s) return s;
        }
        std::make_heap(heap_.begin(), heap_.end(), greater());
        return {};
    }
    bool empty() const { return heap_.empty(); }
    const core::OutPoint& top() const { return heads_[heap_.front()].first; }
    // Moves the smallest coin out into `out`, then refills from its shard.
    core::Status pop(Entry& out) {
        std::pop_heap(heap_.begin(), heap_.end(), greater());
        const std::size_t i = heap_.back();
        heap_.pop_back();
        out = std::move(heads_[i]);
        if (auto s = advance(i); !s) return s;
        if (heap_.size() && heap_.back() == i) std::push_heap(heap_.begin(), heap_.end(), greater());
        return {};
    }

private:
    core::Status advance(std::size_t i) {
        auto next = readers_[i].next();
        if (!next) return fail(next.error().code, fmt::format("{}: {}", paths_[i].string(), next.error().message));
        if (!*next) return {};
        heads_[i] = std::move(**next);
        heap_.push_back(i);
        return {};
    }
    std::vector<core::ShardReader> readers_;
    std::vector<fs::path> paths_;
    std::vector<Entry> heads_;
    std::vector<std::size_t> heap_;
};

// The merge yields (txid, numeric vout) order, which hash_serialized_3 wants; the snapshot wants
// the VARINT byte order of vout within a txid, which differs only from vout 16512 on.
class GroupWriter {
public:
    GroupWriter(core::SnapshotWriter& w, core::HashSerialized3& h) : writer_(w), hasher_(h) {}
    core::Status add(Entry&& e) {
        if (!group_.empty() && group_.front().first.txid != e.first.txid)
            if (auto s = flush(); !s) return s;
        if (auto s = hasher_.add(e.first, e.second); !s) return s;
        group_.push_back(std::move(e));
        return {};
    }
    core::Status flush() {
        if (!group_.empty() && group_.back().first.vout >= 16512)
            std::stable_sort(group_.begin(), group_.end(),
                             [](const Entry& a, const Entry& b) { return core::chainstate_key_less(a.first, b.first); });
        for (const auto& [op, coin] : group_)
            if (auto s = writer_.add(op, coin); !s) return s;
        group_.clear();
        return {};
    }

private:
    core::SnapshotWriter& writer_;
    core::HashSerialized3& hasher_;
    std::vector<Entry> group_;
};

}  // namespace

core::Result<ExportSummary> export_core(Store& store, const fs::path& out) {
    const auto started = std::chrono::steady_clock::now();
    auto cur = store.installed();
    if (!cur) return std::unexpected(cur.error());
    if (!*cur) return fail(Errc::not_found, fmt::format("{}: no release is installed", store.directory().string()));
    const Installed& in = **cur;
    if (!in.full)
        return fail(Errc::usage, fmt::format("{}: a wallet store holds {} of {} shards; export-core needs a full store",
                                             store.directory().string(), in.shards.size(), in.manifest.shard_count));
    core::SnapshotHeader header;
    header.network = in.manifest.network, header.base_block = in.manifest.block, header.coin_count = in.manifest.coins;
    auto writer = core::SnapshotWriter::create(out, header);
    if (!writer) return fail(writer.error().code, fmt::format("{}: {}", out.string(), writer.error().message));
    ShardMerge merge;
    if (auto s = merge.open(in); !s) return std::unexpected(s.error());
    core::HashSerialized3 hasher;
    GroupWriter groups(*writer, hasher);
    ExportSummary summary;
    Entry e;
    while (!merge.empty()) {
        if (auto s = merge.pop(e); !s) return std::unexpected(s.error());
        if (auto s = groups.add(std::move(e)); !s) return std::unexpected(s.error());
        ++summary.coins;
    }
    if (auto s = groups.flush(); !s) return std::unexpected(s.error());
    summary.hash_serialized_3 = hasher.finalize();
    if (summary.coins != in.manifest.coins || summary.hash_serialized_3 != in.manifest.hash_serialized_3)
        return fail(Errc::mismatch, fmt::format("{}: the shards hold {} coins with hash_serialized_3 {}, the manifest "
                                                "says {} coins with {}", in.dir.string(), summary.coins,
                                                summary.hash_serialized_3.to_display_hex(), in.manifest.coins,
                                                in.manifest.hash_serialized_3.to_display_hex()));
    if (auto s = writer->finish(); !s) return fail(s.error().code, fmt::format("{}: {}", out.string(), s.error().message));
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return summary;
}

}  // namespace utxo::verifier

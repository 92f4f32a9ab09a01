// export-core's merge: every shard file's coins in (txid raw, vout) order, streamed.
//
// Records are read without the canonical re-checks ShardReader does (script -> shard SHA256d,
// re-encoding): install verified each file's SHA-256 against the signed manifest, and the export
// still fails unless order (HashSerialized3::add), count and hash_serialized_3 come out as the
// manifest says.
//
// The merge is a loser tree (tournament tree) over the shards' current coins: taking the smallest
// coin and refilling from its shard replays one leaf-to-root path, log2(S) comparisons, where a
// binary heap's pop and push cost about twice that. Each head carries its txid's first 8 bytes as
// a big-endian number, so nearly every comparison is one integer compare.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <utility>
#include <vector>

#include "core/coin.h"
#include "core/error.h"
#include "core/file_io.h"
#include "verifier/store.h"

namespace utxo::verifier {

using ExportEntry = std::pair<core::OutPoint, core::Coin>;

class RawShardReader {
public:
    // Far above the largest coin record (a script is at most 10,000 bytes), small enough that
    // S readers' buffers stay a few tens of MB: they are touched once, page by page, at open.
    static constexpr std::size_t kReadBuffer = 64 << 10;

    [[nodiscard]] static core::Result<RawShardReader> open(const std::filesystem::path& p);
    // The next coin into `out`; false after the last one.
    [[nodiscard]] core::Result<bool> next(ExportEntry& out);

private:
    RawShardReader() = default;
    [[nodiscard]] core::Status fill();
    std::filesystem::path path_;
    core::ScopedFd fd_;
    std::unique_ptr<std::uint8_t[]> buf_;  // kReadBuffer bytes, not zero-filled
    std::size_t pos_ = 0, end_ = 0;
    std::uint64_t left_ = 0;
    bool eof_ = false;
};

// Memory: about S x RawShardReader::kReadBuffer.
class ShardMerge {
public:
    [[nodiscard]] core::Status open(const Installed& in);
    bool empty() const { return live_ == 0; }
    // The txid of the coin pop() returns next (only while !empty()).
    const core::Txid& next_txid() const { return heads_[losers_[0].shard].entry.first.txid; }
    // Moves the smallest coin out into `out`, then refills from its shard.
    [[nodiscard]] core::Status pop(ExportEntry& out);

private:
    struct Head {
        bool done = true;  // the shard has no coin left
        ExportEntry entry;
    };
    // A tree node: a shard and its head's sort key, the txid's first 8 bytes as a big-endian
    // number (UINT64_MAX once the shard is done), kept in the node so that replaying a path
    // touches only the node array; equal keys fall back to the full comparison.
    struct Node {
        std::uint64_t key = UINT64_MAX;
        std::uint32_t shard = 0;
    };
    bool less(const Node& a, const Node& b) const {
        if (a.key != b.key) return a.key < b.key;
        const Head& x = heads_[a.shard];
        const Head& y = heads_[b.shard];
        if (x.done || y.done) return !x.done && y.done;
        return x.entry.first < y.entry.first;
    }
    [[nodiscard]] core::Status advance(std::uint32_t i);
    Node node_of(std::uint32_t i) const;
    void build();
    void replay(std::uint32_t leaf);

    std::vector<RawShardReader> readers_;
    std::vector<Head> heads_;
    // losers_[n] for the internal nodes n in [1, S); losers_[0] is the overall winner. Leaf i sits
    // at position S + i, so node n's children are 2n and 2n + 1 for any S.
    std::vector<Node> losers_;
    std::size_t live_ = 0;
};

}  // namespace utxo::verifier

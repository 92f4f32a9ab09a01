// The k-way merge of a release's shard files back into Core's outpoint order (txid raw, vout
// numeric), the order hash_serialized_3 and a Core snapshot need. verify-release (indexer) and
// export-core (verifier) both read the shards this way.
//
// Two ways to read the files:
//   checked: ShardReader, every canonical rule of the format (order, encoding, each coin in its
//     shard, nothing after the last coin), for files nothing has vouched for yet;
//   raw: RawShardReader below, the records only, for files whose SHA-256 was checked against a
//     signed manifest already; the caller still finds a wrong order (HashSerialized3::add), count
//     or hash_serialized_3.
//
// The merge is a loser tree (tournament tree) over the files' current coins: taking the smallest
// coin and refilling from its file replays one leaf-to-root path, log2(S) comparisons, where a
// binary heap's pop and push cost about twice that. Each head carries its txid's first 8 bytes as
// a big-endian number, so nearly every comparison is one integer compare.
//
// Every file stays open for the whole merge. Like Bitcoin Core's RaiseFileDescriptorLimit, open()
// first raises the soft limit on open files to the file count plus 64 when the hard limit allows
// it, and fails naming `ulimit -n` when it does not. Memory: about S x the read buffer
// (ShardReader::kMergeReadBuffer checked, RawShardReader::kReadBuffer raw).
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "core/coin.h"
#include "core/error.h"
#include "core/file_io.h"
#include "core/shard.h"

namespace utxo::core {

using ShardRecord = std::pair<OutPoint, Coin>;

// A shard file's coin records without the canonical re-checks ShardReader does (script -> shard
// SHA256d, re-encoding). Errors name the file.
class RawShardReader {
public:
    // Far above the largest coin record (a script is at most kMaxScriptSize bytes), small enough
    // that S readers' buffers stay a few tens of MB: they are touched once, page by page, at open.
    static constexpr std::size_t kReadBuffer = 64 << 10;

    [[nodiscard]] static Result<RawShardReader> open(const std::filesystem::path& p);
    const ShardHeader& header() const { return header_; }
    // The next coin into `out` (its script buffer reused); false after the last one.
    [[nodiscard]] Result<bool> next(ShardRecord& out);

private:
    RawShardReader() = default;
    [[nodiscard]] Status fill();
    std::filesystem::path path_;
    ScopedFd fd_;
    ShardHeader header_;
    std::unique_ptr<std::uint8_t[]> buf_;  // kReadBuffer bytes, not zero-filled
    std::size_t pos_ = 0, end_ = 0;
    std::uint64_t left_ = 0;
    bool eof_ = false;
};

class ShardMerge {
public:
    enum class Reading { checked, raw };
    // Called for each file, in order, as soon as it is open and before any coin is read; an error
    // stops open() and is returned as it is.
    using HeaderCheck = std::function<Status(std::uint32_t file, const ShardHeader& header)>;

    // Opens `files` (read as `reading`) and reads the first coin of each, in file order.
    [[nodiscard]] static Result<ShardMerge> open(std::span<const std::filesystem::path> files,
                                                 Reading reading, const HeaderCheck& check = {});

    bool empty() const { return live_ == 0; }
    // The coin pop() returns next (only while !empty()), and the index in `files` of the file it
    // comes from. The reference is good until pop().
    const ShardRecord& next() const { return heads_[losers_[0].file].entry; }
    std::uint32_t next_file() const { return losers_[0].file; }
    // Moves the smallest coin into `out` (whose old script buffer the file's next coin reuses),
    // then refills from its file. A reader's error names the file.
    [[nodiscard]] Status pop(ShardRecord& out);

private:
    struct Head {
        bool done = true;  // the file has no coin left
        ShardRecord entry;
    };
    // A tree node: a file and its head's sort key, the txid's first 8 bytes as a big-endian
    // number (UINT64_MAX once the file is done), kept in the node so that replaying a path
    // touches only the node array; equal keys fall back to the full comparison.
    struct Node {
        std::uint64_t key = UINT64_MAX;
        std::uint32_t file = 0;
    };
    bool less(const Node& a, const Node& b) const {
        if (a.key != b.key) return a.key < b.key;
        const Head& x = heads_[a.file];
        const Head& y = heads_[b.file];
        if (x.done || y.done) return !x.done && y.done;
        return x.entry.first < y.entry.first;
    }
    ShardMerge() = default;
    [[nodiscard]] Status advance(std::uint32_t i);
    Node node_of(std::uint32_t i) const;
    void build();
    void replay(std::uint32_t leaf);

    Reading reading_ = Reading::raw;
    std::vector<ShardReader> checked_;  // one of the two, as `reading_` says
    std::vector<RawShardReader> raw_;
    std::vector<Head> heads_;
    // losers_[n] for the internal nodes n in [1, S); losers_[0] is the overall winner. Leaf i sits
    // at position S + i, so node n's children are 2n and 2n + 1 for any S.
    std::vector<Node> losers_;
    std::size_t live_ = 0;
};

}  // namespace utxo::core

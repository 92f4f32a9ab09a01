// export-core: a streaming k-way merge of the shard files into Core's snapshot format.
#include "verifier/export_core.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/file_io.h"
#include "core/hash_serialized.h"
#include "core/serialize.h"
#include "core/shard.h"
#include "core/snapshot.h"

namespace utxo::verifier {

namespace fs = std::filesystem;
using core::Errc;
using core::fail;

namespace {

using Entry = std::pair<core::OutPoint, core::Coin>;

// Reads a shard file's records without the canonical re-checks ShardReader does (script -> shard
// SHA256d, re-encoding): install verified the file's SHA-256 against the signed manifest, and the
// export still fails unless order (HashSerialized3::add), count and hash_serialized_3 come out as
// the manifest says. This halves the cost per coin.
class RawShardReader {
public:
    static core::Result<RawShardReader> open(const fs::path& p) {
        RawShardReader r;
        r.path_ = p;
        auto size = core::open_regular_file(p, SIZE_MAX, r.fd_);
        if (!size) return fail(size.error().code, fmt::format("{}: {}", p.string(), size.error().message));
        ::posix_fadvise(r.fd_.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        r.buf_.resize(core::ShardReader::kMergeReadBuffer);
        if (auto s = r.fill(); !s) return std::unexpected(s.error());
        if (r.end_ < core::ShardHeader::kSize) return fail(Errc::truncated, fmt::format("{}: too short", p.string()));
        auto h = core::decode_shard_header(core::ByteView(r.buf_.data(), core::ShardHeader::kSize));
        if (!h) return fail(h.error().code, fmt::format("{}: {}", p.string(), h.error().message));
        r.left_ = h->coin_count;
        r.pos_ = core::ShardHeader::kSize;
        return r;
    }
    // False after the last coin.
    core::Result<bool> next(Entry& out) {
        if (left_ == 0) return false;
        for (int attempt = 0; attempt < 2; ++attempt) {
            core::Reader in(core::ByteView(buf_.data() + pos_, end_ - pos_));
            auto txid = in.hash<core::TxidTag>();
            auto vout = in.compact_size(UINT32_MAX);
            auto coin = txid && vout ? core::read_coin(in) : core::Result<core::Coin>(std::unexpected(vout.error()));
            if (txid && vout && coin) {
                out.first = core::OutPoint{*txid, static_cast<std::uint32_t>(*vout)};
                out.second = std::move(*coin);
                pos_ += in.position(), --left_;
                return true;
            }
            if (attempt == 0 && !eof_) {  // the record may straddle the buffer's end
                if (auto s = fill(); !s) return std::unexpected(s.error());
                continue;
            }
        }
        return fail(Errc::truncated, fmt::format("{}: a coin record is cut short or malformed", path_.string()));
    }

private:
    RawShardReader() = default;
    core::Status fill() {
        std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
        end_ -= pos_, pos_ = 0;
        while (end_ < buf_.size()) {
            ssize_t n = ::read(fd_.fd, buf_.data() + end_, buf_.size() - end_);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return fail(Errc::io, fmt::format("{}: read failed: {}", path_.string(), std::strerror(errno)));
            if (n == 0) {
                eof_ = true;
                break;
            }
            end_ += static_cast<std::size_t>(n);
        }
        return {};
    }
    fs::path path_;
    core::ScopedFd fd_;
    std::vector<std::uint8_t> buf_;
    std::size_t pos_ = 0, end_ = 0;
    std::uint64_t left_ = 0;
    bool eof_ = false;
};

// The shards' heads in a min-heap of reader indices; memory is ~S x kMergeReadBuffer. Each head
// carries the txid's first 8 bytes as a big-endian number so most comparisons are one integer
// compare instead of a memcmp.
class ShardMerge {
    struct Head {
        std::uint64_t prefix = 0;
        Entry entry;
    };
    struct Greater {
        const std::vector<Head>* heads;
        bool operator()(std::size_t a, std::size_t b) const {
            const Head& x = (*heads)[a];
            const Head& y = (*heads)[b];
            if (x.prefix != y.prefix) return x.prefix > y.prefix;
            return y.entry.first < x.entry.first;
        }
    };
    Greater greater() const { return Greater{&heads_}; }

public:
    core::Status open(const Installed& in) {
        for (auto i : in.shards) {
            auto r = RawShardReader::open(shard_path(in.dir, i));
            if (!r) return std::unexpected(r.error());
            readers_.push_back(std::move(*r));
            heads_.emplace_back();
            if (auto s = advance(readers_.size() - 1); !s) return s;
        }
        std::make_heap(heap_.begin(), heap_.end(), greater());
        return {};
    }
    bool empty() const { return heap_.empty(); }
    // Moves the smallest coin out into `out`, then refills from its shard.
    core::Status pop(Entry& out) {
        std::pop_heap(heap_.begin(), heap_.end(), greater());
        const std::size_t i = heap_.back();
        heap_.pop_back();
        out = std::move(heads_[i].entry);
        if (auto s = advance(i); !s) return s;
        if (heap_.size() && heap_.back() == i) std::push_heap(heap_.begin(), heap_.end(), greater());
        return {};
    }

private:
    core::Status advance(std::size_t i) {
        auto more = readers_[i].next(heads_[i].entry);
        if (!more) return std::unexpected(more.error());
        if (!*more) return {};
        const auto* t = heads_[i].entry.first.txid.data();
        std::uint64_t p = 0;
        for (int k = 0; k < 8; ++k) p = (p << 8) | t[k];
        heads_[i].prefix = p;
        heap_.push_back(i);
        return {};
    }
    std::vector<RawShardReader> readers_;
    std::vector<Head> heads_;
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

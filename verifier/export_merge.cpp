// The shard readers and the loser tree of export-core's merge.
#include "verifier/export_merge.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "core/serialize.h"
#include "core/shard.h"

namespace utxo::verifier {

namespace fs = std::filesystem;
using core::Errc;
using core::fail;

core::Result<RawShardReader> RawShardReader::open(const fs::path& p) {
    RawShardReader r;
    r.path_ = p;
    auto size = core::open_regular_file(p, SIZE_MAX, r.fd_);
    if (!size) return fail(size.error().code, fmt::format("{}: {}", p.string(), size.error().message));
    ::posix_fadvise(r.fd_.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    r.buf_.reset(new std::uint8_t[kReadBuffer]);
    UTXO_TRY(r.fill());
    if (r.end_ < core::ShardHeader::kSize) return fail(Errc::truncated, fmt::format("{}: too short", p.string()));
    auto h = core::decode_shard_header(core::ByteView(r.buf_.get(), core::ShardHeader::kSize));
    if (!h) return fail(h.error().code, fmt::format("{}: {}", p.string(), h.error().message));
    r.left_ = h->coin_count;
    r.pos_ = core::ShardHeader::kSize;
    return r;
}

core::Result<bool> RawShardReader::next(ExportEntry& out) {
    if (left_ == 0) return false;
    for (int attempt = 0; attempt < 2; ++attempt) {
        core::Reader in(core::ByteView(buf_.get() + pos_, end_ - pos_));
        auto txid = in.hash<core::TxidTag>();
        auto vout = in.compact_size(UINT32_MAX);
        // Decoded into the entry's own coin, whose script buffer is reused: no allocation per coin.
        if (txid && vout && core::read_coin(in, out.second)) {
            out.first = core::OutPoint{*txid, static_cast<std::uint32_t>(*vout)};
            pos_ += in.position(), --left_;
            return true;
        }
        if (attempt == 0 && !eof_) {  // the record may straddle the buffer's end
            UTXO_TRY(fill());
            continue;
        }
    }
    return fail(Errc::truncated, fmt::format("{}: a coin record is cut short or malformed", path_.string()));
}

core::Status RawShardReader::fill() {
    std::memmove(buf_.get(), buf_.get() + pos_, end_ - pos_);
    end_ -= pos_, pos_ = 0;
    while (end_ < kReadBuffer) {
        ssize_t n = ::read(fd_.fd, buf_.get() + end_, kReadBuffer - end_);
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

core::Status ShardMerge::open(const Installed& in) {
    for (auto i : in.shards) {
        UTXO_TRY_ASSIGN(auto r, RawShardReader::open(shard_path(in.dir, i)));
        readers_.push_back(std::move(r));
    }
    heads_.resize(readers_.size());
    for (std::uint32_t i = 0; i < readers_.size(); ++i)
        UTXO_TRY(advance(i));
    build();
    return {};
}

core::Status ShardMerge::advance(std::uint32_t i) {
    Head& h = heads_[i];
    UTXO_TRY_ASSIGN(auto more, readers_[i].next(h.entry));
    if (!more) {
        if (!h.done) --live_;
        h.done = true;
        return {};
    }
    if (h.done) ++live_;
    h.done = false;
    return {};
}

ShardMerge::Node ShardMerge::node_of(std::uint32_t i) const {
    const Head& h = heads_[i];
    if (h.done) return {UINT64_MAX, i};
    const auto* t = h.entry.first.txid.data();
    std::uint64_t key = 0;
    for (int k = 0; k < 8; ++k) key = (key << 8) | t[k];
    return {key, i};
}

void ShardMerge::build() {
    const auto s = static_cast<std::uint32_t>(heads_.size());
    losers_.assign(std::max<std::uint32_t>(s, 1), Node{});
    if (s <= 1) {  // one shard: it is always the winner
        if (s == 1) losers_[0] = node_of(0);
        return;
    }
    // Winners of each subtree, bottom-up; the loser of each match stays at its node.
    std::vector<Node> winners(2 * s);
    for (std::uint32_t i = 0; i < s; ++i) winners[s + i] = node_of(i);
    for (std::uint32_t n = s - 1; n >= 1; --n) {
        const Node& a = winners[2 * n];
        const Node& b = winners[2 * n + 1];
        bool a_wins = less(a, b);
        winners[n] = a_wins ? a : b;
        losers_[n] = a_wins ? b : a;
    }
    losers_[0] = winners[1];
}

void ShardMerge::replay(std::uint32_t leaf) {
    const auto s = static_cast<std::uint32_t>(heads_.size());
    Node winner = node_of(leaf);
    for (std::uint32_t n = (s + leaf) / 2; n >= 1; n /= 2)
        if (less(losers_[n], winner)) std::swap(losers_[n], winner);
    losers_[0] = winner;
}

core::Status ShardMerge::pop(ExportEntry& out) {
    const std::uint32_t i = losers_[0].shard;
    // Swapped, not moved: the head gets the slot's old script buffer to decode its next coin into.
    std::swap(out, heads_[i].entry);
    UTXO_TRY(advance(i));
    replay(i);
    return {};
}

}  // namespace utxo::verifier

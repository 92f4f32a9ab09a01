// The raw shard reader and the loser tree of the shard merge.
#include "core/shard_merge.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/serialize.h"

namespace utxo::core {

namespace fs = std::filesystem;

Result<RawShardReader> RawShardReader::open(const fs::path& p) {
    RawShardReader r;
    r.path_ = p;
    auto size = open_regular_file(p, SIZE_MAX, r.fd_);
    if (!size) return fail(size.error().code, fmt::format("{}: {}", p.string(), size.error().message));
    ::posix_fadvise(r.fd_.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    r.buf_.reset(new std::uint8_t[kReadBuffer]);
    UTXO_TRY(r.fill());
    if (r.end_ < ShardHeader::kSize) return fail(Errc::truncated, fmt::format("{}: too short", p.string()));
    auto h = decode_shard_header(ByteView(r.buf_.get(), ShardHeader::kSize));
    if (!h) return fail(h.error().code, fmt::format("{}: {}", p.string(), h.error().message));
    r.header_ = *h;
    r.left_ = h->coin_count;
    r.pos_ = ShardHeader::kSize;
    return r;
}

Result<bool> RawShardReader::next(ShardRecord& out) {
    if (left_ == 0) return false;
    for (int attempt = 0; attempt < 2; ++attempt) {
        Reader in(ByteView(buf_.get() + pos_, end_ - pos_));
        // Decoded into the entry's own coin, whose script buffer is reused: no allocation per coin.
        if (read_shard_coin_raw(in, out.first, out.second)) {
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

Status RawShardReader::fill() {
    std::memmove(buf_.get(), buf_.get() + pos_, end_ - pos_);
    end_ -= pos_, pos_ = 0;
    while (end_ < kReadBuffer) {
        ssize_t n = ::read(fd_.fd, buf_.get() + end_, kReadBuffer - end_);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            return fail(Errc::io, fmt::format("{}: read failed: {}", path_.string(), std::strerror(errno)));
        if (n == 0) {
            eof_ = true;
            break;
        }
        end_ += static_cast<std::size_t>(n);
    }
    return {};
}

namespace {

// Bitcoin Core's RaiseFileDescriptorLimit: raise the soft limit to what is needed when the hard
// limit allows it.
[[nodiscard]] Status ensure_fd_limit(std::uint64_t need) {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
        return {};
    rl.rlim_cur = (rl.rlim_max == RLIM_INFINITY) ? need : std::min<rlim_t>(need, rl.rlim_max);
    if (::setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < need)
        return fail(Errc::io,
                    fmt::format("merging the shards needs {} open files, the limit is {} (ulimit -n)", need,
                                static_cast<std::uint64_t>(rl.rlim_cur)));
    return {};
}

}  // namespace

Result<ShardMerge> ShardMerge::open(std::span<const fs::path> files, Reading reading,
                                    const HeaderCheck& check) {
    UTXO_TRY(ensure_fd_limit(std::uint64_t{files.size()} + 64));
    ShardMerge m;
    m.reading_ = reading;
    for (std::uint32_t i = 0; i < files.size(); ++i) {
        if (reading == Reading::checked) {
            UTXO_TRY_ASSIGN(auto r, ShardReader::open(files[i], ShardReader::kMergeReadBuffer));
            m.checked_.push_back(std::move(r));
        } else {
            UTXO_TRY_ASSIGN(auto r, RawShardReader::open(files[i]));
            m.raw_.push_back(std::move(r));
        }
        if (check) {
            UTXO_TRY(
                check(i, reading == Reading::checked ? m.checked_.back().header() : m.raw_.back().header()));
        }
    }
    m.heads_.resize(files.size());
    for (std::uint32_t i = 0; i < files.size(); ++i) UTXO_TRY(m.advance(i));
    m.build();
    return m;
}

Status ShardMerge::advance(std::uint32_t i) {
    Head& h = heads_[i];
    bool more = false;
    if (reading_ == Reading::raw) {
        UTXO_TRY_ASSIGN(more, raw_[i].next(h.entry));
    } else {
        UTXO_TRY_ASSIGN(auto rec, checked_[i].next());  // its errors name the file and the coin
        more = rec.has_value();
        if (more) h.entry = std::move(*rec);
    }
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
    if (s <= 1) {  // one file: it is always the winner
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

Status ShardMerge::pop(ShardRecord& out) {
    const std::uint32_t i = losers_[0].file;
    // Swapped, not moved: the head gets the slot's old script buffer to decode its next coin into.
    std::swap(out, heads_[i].entry);
    UTXO_TRY(advance(i));
    replay(i);
    return {};
}

}  // namespace utxo::core

// Streaming snapshot reader with the checks and messages of Core's loader
// (PopulateAndValidateSnapshot, reference §4). The file is read in large chunks and coins are
// parsed straight from the buffer; a record that does not fit grows the buffer, so memory stays
// bounded by the largest record actually present in the file.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "core/serialize.h"
#include "core/snapshot.h"

namespace utxo::core {

namespace {

constexpr std::size_t kChunk = 8 << 20;
// Refill before parsing when less than this is buffered, so retries on a split record are rare.
constexpr std::size_t kLowWater = 64 << 10;

class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    Fd& operator=(Fd&& o) noexcept {
        if (this != &o) {
            reset();
            fd_ = std::exchange(o.fd_, -1);
        }
        return *this;
    }
    ~Fd() { reset(); }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    int get() const { return fd_; }

private:
    int fd_;
};

std::string truncated_message(std::uint64_t coins) {
    return fmt::format("Bad snapshot format or truncated snapshot after deserializing {} coins.", coins);
}

}  // namespace

struct SnapshotReader::Impl {
    std::filesystem::path path;
    Fd fd;
    Bytes buf;
    std::size_t pos = 0;
    std::size_t end = 0;
    bool eof = false;

    SnapshotHeader header;
    std::optional<Height> base_height;
    std::uint64_t coins_read = 0;
    std::uint64_t group_left = 0;
    Txid group_txid;
    bool done = false;
    std::optional<Error> failed;  // sticky: after an error every next() repeats it

    Status fill();
    template <class T, class F>
    Result<T> parse(F&& f);
    Result<std::optional<SnapshotCoin>> next();
    Status check_no_trailing_bytes();
    Status read_group_header();
    Result<SnapshotCoin> read_one();
};

// Keeps the unread bytes, grows the buffer if they already fill it, then reads to capacity.
Status SnapshotReader::Impl::fill() {
    if (pos > 0) {
        std::memmove(buf.data(), buf.data() + pos, end - pos);
        end -= pos;
        pos = 0;
    }
    if (end == buf.size()) buf.resize(buf.size() * 2);
    while (end < buf.size() && !eof) {
        ssize_t n = ::read(fd.get(), buf.data() + end, buf.size() - end);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail(Errc::io, fmt::format("Couldn't read {}: {}", path.string(), std::strerror(errno)));
        }
        if (n == 0) eof = true;
        end += static_cast<std::size_t>(n);
    }
    return {};
}

// Runs f on the buffered bytes; a truncation before the end of the file means the record was
// split by the buffer, so refill and retry. Only a successful parse consumes bytes.
template <class T, class F>
Result<T> SnapshotReader::Impl::parse(F&& f) {
    while (true) {
        Reader r(ByteView(buf.data() + pos, end - pos));
        Result<T> v = f(r);
        if (v) {
            pos += r.position();
            return v;
        }
        if (v.error().code != Errc::truncated || eof) return v;
        if (auto st = fill(); !st) return std::unexpected(st.error());
    }
}

Status SnapshotReader::Impl::check_no_trailing_bytes() {
    if (pos == end && !eof) {
        if (auto st = fill(); !st) return st;
    }
    if (pos != end)
        return fail(Errc::invalid, fmt::format("Bad snapshot - coins left over after deserializing {} coins.",
                                               header.coin_count));
    return {};
}

Status SnapshotReader::Impl::read_group_header() {
    struct Group {
        Txid txid;
        std::uint64_t count;
    };
    auto g = parse<Group>([](Reader& r) -> Result<Group> {
        auto txid = r.hash<TxidTag>();
        if (!txid) return std::unexpected(txid.error());
        auto count = r.compact_size();
        if (!count) return std::unexpected(count.error());
        return Group{*txid, *count};
    });
    if (!g) {
        if (g.error().code == Errc::io) return std::unexpected(g.error());
        return fail(g.error().code, truncated_message(coins_read));
    }
    std::uint64_t coins_left = header.coin_count - coins_read;
    if (g->count > coins_left)
        return fail(Errc::mismatch, "Mismatch in coins count in snapshot metadata and actual snapshot data");
    // Core's loader would skip an empty group, but Core never writes one; accepting it would let
    // two files with the same coins differ in bytes.
    if (g->count == 0)
        return fail(
            Errc::non_canonical,
            fmt::format("Bad snapshot format: a txid group with zero coins after deserializing {} coins.",
                        coins_read));
    group_txid = g->txid;
    group_left = g->count;
    return {};
}

Result<SnapshotCoin> SnapshotReader::Impl::read_one() {
    auto c = parse<SnapshotCoin>([this](Reader& r) -> Result<SnapshotCoin> {
        auto vout = r.compact_size();
        if (!vout) return std::unexpected(vout.error());
        auto coin = read_coin(r);
        if (!coin) return std::unexpected(coin.error());
        return SnapshotCoin{OutPoint{group_txid, static_cast<std::uint32_t>(*vout)}, std::move(*coin)};
    });
    if (!c) {
        if (c.error().code == Errc::io) return std::unexpected(c.error());
        return fail(c.error().code, truncated_message(coins_read));
    }
    // vout 0xffffffff cannot pass the CompactSize limit; the check stays because Core has it.
    if ((base_height && c->coin.height > *base_height) || c->outpoint.vout == UINT32_MAX)
        return fail(Errc::invalid, fmt::format("Bad snapshot data after deserializing {} coins", coins_read));
    if (!money_range(c->coin.value))
        return fail(
            Errc::invalid,
            fmt::format("Bad snapshot data after deserializing {} coins - bad tx out value", coins_read));
    return c;
}

Result<std::optional<SnapshotCoin>> SnapshotReader::Impl::next() {
    if (failed) return std::unexpected(*failed);
    if (done) return std::nullopt;
    if (end - pos < kLowWater && !eof) {
        if (auto st = fill(); !st) return std::unexpected(*(failed = st.error()));
    }
    if (coins_read == header.coin_count) {
        if (auto st = check_no_trailing_bytes(); !st) return std::unexpected(*(failed = st.error()));
        done = true;
        return std::nullopt;
    }
    if (group_left == 0) {
        if (auto st = read_group_header(); !st) return std::unexpected(*(failed = st.error()));
    }
    auto c = read_one();
    if (!c) return std::unexpected(*(failed = c.error()));
    --group_left;
    ++coins_read;
    return std::optional<SnapshotCoin>(std::move(*c));
}

Result<SnapshotReader> SnapshotReader::open(const std::filesystem::path& path,
                                            std::optional<Height> base_height) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->base_height = base_height;
    impl->fd = Fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (impl->fd.get() < 0)
        return fail(Errc::io, fmt::format("Couldn't open file {} for reading: {}", path.string(),
                                          std::strerror(errno)));
    // A hint only: the kernel may read ahead more aggressively for a sequential scan.
    (void)::posix_fadvise(impl->fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    // Small files get a small buffer; fill() grows it if a record ever needs more.
    struct stat st {};
    std::size_t want = kChunk;
    if (::fstat(impl->fd.get(), &st) == 0 && st.st_size >= 0)
        want = std::clamp<std::size_t>(static_cast<std::size_t>(st.st_size) + 1, kLowWater * 2, kChunk);
    impl->buf.resize(want);
    if (auto st = impl->fill(); !st) return std::unexpected(st.error());
    auto header = decode_snapshot_header(ByteView(impl->buf.data(), impl->end));
    if (!header) return std::unexpected(header.error());
    impl->header = *header;
    impl->pos = SnapshotHeader::kSize;
    return SnapshotReader(std::move(impl));
}

SnapshotReader::SnapshotReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SnapshotReader::~SnapshotReader() = default;
SnapshotReader::SnapshotReader(SnapshotReader&&) noexcept = default;
SnapshotReader& SnapshotReader::operator=(SnapshotReader&&) noexcept = default;

const SnapshotHeader& SnapshotReader::header() const { return impl_->header; }
Result<std::optional<SnapshotCoin>> SnapshotReader::next() { return impl_->next(); }
std::uint64_t SnapshotReader::coins_read() const { return impl_->coins_read; }

}  // namespace utxo::core

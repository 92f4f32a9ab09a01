// Streaming shard file reader. The file is read in large chunks and records are parsed straight
// from the buffer; a record split by the buffer end is retried after a refill, so memory stays
// bounded by the chunk size (or the largest record, if larger). Every rule of the format is
// checked as the coins go by, so a file that reads to the end is canonical.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "core/serialize.h"
#include "core/shard.h"

namespace utxo::core {

namespace {

// Refill before parsing when less than this is buffered, so retries on a split record are rare.
constexpr std::size_t kLowWater = 64 << 10;

class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    Fd& operator=(Fd&& o) noexcept {
        if (this != &o) {
            if (fd_ >= 0) ::close(fd_);
            fd_ = std::exchange(o.fd_, -1);
        }
        return *this;
    }
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

}  // namespace

struct ShardReader::Impl {
    std::filesystem::path path;
    Fd fd;
    Bytes buf;
    std::size_t pos = 0;
    std::size_t end = 0;
    bool eof = false;

    ShardHeader header;
    std::uint64_t coins_read = 0;
    std::optional<OutPoint> last;
    bool done = false;
    std::optional<Error> failed;  // sticky: after an error every next() repeats it

    Status fill();
    Result<std::pair<OutPoint, Coin>> parse_record();
    Status check_end();
    Result<std::optional<std::pair<OutPoint, Coin>>> next();
    Error at_coin(const Error& e) const {
        return Error{e.code, fmt::format("{}: coin {}: {}", path.string(), coins_read, e.message)};
    }
};

// Keeps the unread bytes, grows the buffer if they already fill it, then reads to capacity.
Status ShardReader::Impl::fill() {
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
            return fail(Errc::io, fmt::format("couldn't read {}: {}", path.string(), std::strerror(errno)));
        }
        if (n == 0) eof = true;
        end += static_cast<std::size_t>(n);
    }
    return {};
}

// A truncation before the end of the file means the record was split by the buffer: refill and
// retry. Only a successful parse consumes bytes.
Result<std::pair<OutPoint, Coin>> ShardReader::Impl::parse_record() {
    while (true) {
        Reader r(ByteView(buf.data() + pos, end - pos));
        auto rec = read_shard_coin(r);
        if (rec) {
            pos += r.position();
            return rec;
        }
        if (rec.error().code != Errc::truncated || eof) return rec;
        if (auto st = fill(); !st) return std::unexpected(st.error());
    }
}

Status ShardReader::Impl::check_end() {
    if (pos == end && !eof) {
        if (auto st = fill(); !st) return st;
    }
    if (pos != end)
        return fail(Errc::invalid,
                    fmt::format("{}: bytes follow the last of the {} coins the header announces",
                                path.string(), header.coin_count));
    return {};
}

Result<std::optional<std::pair<OutPoint, Coin>>> ShardReader::Impl::next() {
    if (failed) return std::unexpected(*failed);
    if (done) return std::nullopt;
    if (end - pos < kLowWater && !eof) {
        if (auto st = fill(); !st) return std::unexpected(*(failed = st.error()));
    }
    if (coins_read == header.coin_count) {
        if (auto st = check_end(); !st) return std::unexpected(*(failed = st.error()));
        done = true;
        return std::nullopt;
    }
    if (pos == end && eof)
        return std::unexpected(
            *(failed = Error{Errc::truncated, fmt::format("{}: the file ends after {} of the {} coins the "
                                                          "header announces",
                                                          path.string(), coins_read, header.coin_count)}));
    auto rec = parse_record();
    if (!rec) return std::unexpected(*(failed = at_coin(rec.error())));
    if (last && !(*last < rec->first))
        return std::unexpected(*(
            failed = at_coin(Error{Errc::non_canonical,
                                   fmt::format("{} does not come after {} (coins must be strictly ascending)",
                                               describe_outpoint(rec->first), describe_outpoint(*last))})));
    if (auto st = check_shard_coin(header, rec->first, rec->second); !st)
        return std::unexpected(*(failed = at_coin(st.error())));
    last = rec->first;
    ++coins_read;
    return std::optional<std::pair<OutPoint, Coin>>(std::move(*rec));
}

Result<ShardReader> ShardReader::open(const std::filesystem::path& path, std::size_t buffer_size) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->fd = Fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (impl->fd.get() < 0)
        return fail(Errc::io, fmt::format("couldn't open {}: {}", path.string(), std::strerror(errno)));
    (void)::posix_fadvise(impl->fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);  // a hint only
    // Small files get a small buffer; fill() grows it if a record ever needs more.
    struct stat st {};
    const std::size_t limit = std::max(buffer_size, kLowWater * 2);
    std::size_t want = limit;
    if (::fstat(impl->fd.get(), &st) == 0 && st.st_size >= 0)
        want = std::clamp<std::size_t>(static_cast<std::size_t>(st.st_size) + 1, kLowWater * 2, limit);
    impl->buf.resize(want);
    if (auto st = impl->fill(); !st) return std::unexpected(st.error());
    auto header = decode_shard_header(ByteView(impl->buf.data(), std::min(impl->end, ShardHeader::kSize)));
    if (!header)
        return fail(header.error().code, fmt::format("{}: {}", path.string(), header.error().message));
    impl->header = *header;
    impl->pos = ShardHeader::kSize;
    return ShardReader(std::move(impl));
}

ShardReader::ShardReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ShardReader::~ShardReader() = default;
ShardReader::ShardReader(ShardReader&&) noexcept = default;
ShardReader& ShardReader::operator=(ShardReader&&) noexcept = default;

const ShardHeader& ShardReader::header() const { return impl_->header; }
Result<std::optional<std::pair<OutPoint, Coin>>> ShardReader::next() { return impl_->next(); }

}  // namespace utxo::core

// Shard file writer. Coins collect in memory and go to `<path>.tmp` in 256 KiB batches, each
// through a descriptor opened and closed around the write, so a thousand live writers never hold
// a thousand descriptors (see shard.h). finish() fills the coin count into the header, fsyncs and
// renames; until then `path` does not exist.
#include <fcntl.h>
#include <fmt/format.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/serialize.h"
#include "core/shard.h"

namespace utxo::core {

namespace {

constexpr std::size_t kFlushAt = 256 << 10;
constexpr std::size_t kCoinCountOffset = ShardHeader::kSize - 8;

Error io_error(const char* what, const std::filesystem::path& path) {
    return Error{Errc::io, fmt::format("couldn't {} {}: {}", what, path.string(), std::strerror(errno))};
}

Status pwrite_all(int fd, ByteView data, std::uint64_t offset, const std::filesystem::path& path) {
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return std::unexpected(io_error("write", path));
        }
        done += static_cast<std::size_t>(n);
    }
    return {};
}

// The rename must not replace a file that appeared while we were writing.
Status rename_no_replace(const std::filesystem::path& from, const std::filesystem::path& to) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return {};
    if (errno == EINVAL || errno == ENOSYS) {  // file system without RENAME_NOREPLACE
        if (std::filesystem::exists(to))
            errno = EEXIST;
        else if (::rename(from.c_str(), to.c_str()) == 0)
            return {};
    }
    return fail(Errc::io, fmt::format("couldn't rename {} to {}: {}", from.string(), to.string(),
                                      std::strerror(errno)));
}

// Makes the rename itself durable; a failure here is not worth failing the release for.
void sync_parent_dir(const std::filesystem::path& path) {
    auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)::fsync(fd);
    ::close(fd);
}

}  // namespace

struct ShardWriter::Impl {
    std::filesystem::path target;
    std::filesystem::path temp;
    ShardHeader header;
    Bytes out;                  // not yet written; starts with the header until the first flush
    std::uint64_t on_disk = 0;  // bytes of the tmp file written so far
    std::optional<OutPoint> last;
    std::uint64_t written = 0;
    bool finished = false;
    bool broken = false;  // an I/O error happened; the tmp file is gone
    bool sync = true;     // fsync this file and its directory at finish()

    ~Impl() { abandon(); }
    void abandon() {
        broken = true;
        if (!finished && !temp.empty()) {
            std::error_code ec;
            std::filesystem::remove(temp, ec);
        }
    }
    Status usable() const {
        if (finished) return fail(Errc::usage, fmt::format("{} is already finished", target.string()));
        if (broken) return fail(Errc::usage, fmt::format("the writer of {} failed earlier", target.string()));
        return {};
    }
    Status flush(int fd) {
        auto st = pwrite_all(fd, out, on_disk, temp);
        on_disk += out.size();
        out.clear();
        return st;
    }
    Status flush_batch();
    Status complete();
};

Status ShardWriter::Impl::flush_batch() {
    int fd = ::open(temp.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return std::unexpected(io_error("open", temp));
    Status st = flush(fd);
    if (::close(fd) != 0 && st) st = std::unexpected(io_error("close", temp));
    return st;
}

// The coin count is known only now: patch it into the buffered header, or over the one on disk.
Status ShardWriter::Impl::complete() {
    int fd = ::open(temp.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return std::unexpected(io_error("open", temp));
    header.coin_count = written;
    Bytes count;
    Writer(count).u64(written);
    Status st;
    if (on_disk == 0)
        std::memcpy(out.data() + kCoinCountOffset, count.data(), count.size());
    else
        st = pwrite_all(fd, count, kCoinCountOffset, temp);
    if (st) st = flush(fd);
    if (st && sync && ::fsync(fd) != 0) st = std::unexpected(io_error("sync", temp));
    if (::close(fd) != 0 && st) st = std::unexpected(io_error("close", temp));
    if (st) st = rename_no_replace(temp, target);
    return st;
}

Result<ShardWriter> ShardWriter::create(const std::filesystem::path& path, const ShardHeader& header,
                                        Durability durability) {
    ShardHeader h = header;
    h.coin_count = 0;
    Bytes head = encode_shard_header(h);
    if (auto ok = decode_shard_header(head); !ok)  // the reader's header rules, applied before writing
        return fail(Errc::usage, fmt::format("cannot write {}: {}", path.string(), ok.error().message));
    std::error_code ec;
    if (std::filesystem::exists(path, ec))
        return fail(Errc::usage,
                    fmt::format("{} already exists; a shard file is never replaced", path.string()));
    auto impl = std::make_unique<Impl>();
    impl->target = path;
    impl->header = h;
    impl->sync = durability == Durability::sync_each_file;
    auto temp = path;
    temp += ".tmp";
    // Created now so that an unwritable directory fails here rather than at the first flush.
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return std::unexpected(io_error("create", temp));
    ::close(fd);
    impl->temp = temp;
    impl->out = std::move(head);
    return ShardWriter(std::move(impl));
}

Status ShardWriter::add(const OutPoint& outpoint, const Coin& coin) {
    auto& s = *impl_;
    if (auto st = s.usable(); !st) return st;
    if (s.last && !(*s.last < outpoint))
        return fail(Errc::usage, fmt::format("coin {} does not come after {}: shard coins must be strictly "
                                             "ascending by outpoint",
                                             describe_outpoint(outpoint), describe_outpoint(*s.last)));
    if (auto st = check_shard_coin(s.header, outpoint, coin); !st) return st;
    Writer w(s.out);
    write_shard_coin(w, outpoint, coin);
    ++s.written;
    s.last = outpoint;
    if (s.out.size() >= kFlushAt) {
        if (auto st = s.flush_batch(); !st) {
            s.abandon();
            return st;
        }
    }
    return {};
}

Status ShardWriter::finish() {
    auto& s = *impl_;
    if (auto st = s.usable(); !st) return st;
    if (auto st = s.complete(); !st) {
        s.abandon();
        return st;
    }
    s.finished = true;
    if (s.sync) sync_parent_dir(s.target);
    return {};
}

ShardWriter::ShardWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ShardWriter::~ShardWriter() = default;
ShardWriter::ShardWriter(ShardWriter&&) noexcept = default;
ShardWriter& ShardWriter::operator=(ShardWriter&&) noexcept = default;

}  // namespace utxo::core

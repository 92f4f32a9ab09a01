#include "core/buffered_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>

namespace utxo::core {

namespace {

const char* couldnt(IoWording wording) { return wording == IoWording::ours ? "couldn't" : "Couldn't"; }

// The rename must not replace a file that appeared while we were writing.
[[nodiscard]] Status rename_no_replace(const std::filesystem::path& from, const std::filesystem::path& to,
                                       IoWording wording) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return {};
    if (errno == EINVAL || errno == ENOSYS) {  // file system without RENAME_NOREPLACE
        if (std::filesystem::exists(to))
            errno = EEXIST;
        else if (::rename(from.c_str(), to.c_str()) == 0)
            return {};
    }
    return fail(Errc::io, fmt::format("{} rename {} to {}: {}", couldnt(wording), from.string(), to.string(),
                                      std::strerror(errno)));
}

}  // namespace

Error io_error(IoWording wording, std::string_view verb, const std::filesystem::path& path) {
    const int err = errno;
    return Error{Errc::io,
                 fmt::format("{} {} {}: {}", couldnt(wording), verb, path.string(), std::strerror(err))};
}

// ---- ChunkedFileReader ----

Result<ChunkedFileReader> ChunkedFileReader::open(const std::filesystem::path& path, std::size_t max_buffer,
                                                  IoWording wording) {
    ChunkedFileReader r;
    r.path_ = path;
    r.wording_ = wording;
    r.fd_.fd = open_read_nonblocking(path);  // a FIFO must not hang the open (core/file_io.h)
    if (r.fd_.fd < 0) {
        if (wording == IoWording::bitcoin_core)
            return fail(Errc::io, fmt::format("Couldn't open file {} for reading: {}", path.string(),
                                              std::strerror(errno)));
        return std::unexpected(io_error(wording, "open", path));
    }
    if (auto regular = expect_regular_file(r.fd_.fd); !regular)
        return fail(Errc::io, fmt::format("{}: {}", path.string(), regular.error().message));
    // A hint only: the kernel may read ahead more aggressively for a sequential scan.
    (void)::posix_fadvise(r.fd_.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    // Small files get a small buffer; fill() grows it if a record ever needs more.
    struct stat st {};
    const std::size_t limit = std::max(max_buffer, kLowWater * 2);
    std::size_t want = limit;
    if (::fstat(r.fd_.fd, &st) == 0 && st.st_size >= 0)
        want = std::clamp<std::size_t>(static_cast<std::size_t>(st.st_size) + 1, kLowWater * 2, limit);
    r.buf_.resize(want);
    UTXO_TRY(r.fill());
    return r;
}

// Keeps the unread bytes, grows the buffer if they already fill it, then reads to capacity.
Status ChunkedFileReader::fill() {
    if (pos_ > 0) {
        std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
        end_ -= pos_;
        pos_ = 0;
    }
    if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);
    while (end_ < buf_.size() && !eof_) {
        ssize_t n = ::read(fd_.fd, buf_.data() + end_, buf_.size() - end_);
        if (n < 0) {
            if (errno == EINTR) continue;
            return std::unexpected(io_error(wording_, "read", path_));
        }
        if (n == 0) eof_ = true;
        end_ += static_cast<std::size_t>(n);
    }
    return {};
}

Result<bool> ChunkedFileReader::at_end() {
    if (pos_ == end_ && !eof_) {
        UTXO_TRY(fill());
    }
    return pos_ == end_;
}

// ---- AtomicFileWriter ----

Result<AtomicFileWriter> AtomicFileWriter::create(const std::filesystem::path& path, Options options) {
    AtomicFileWriter w;
    w.path_ = path;
    w.temp_ = path;
    w.temp_ += options.temp_suffix;
    w.options_ = std::move(options);
    // Created now so that an unwritable directory fails here rather than at the first flush.
    w.fd_.fd = ::open(w.temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w.fd_.fd < 0) return std::unexpected(io_error(w.options_.wording, "create", w.temp_));
    if (!w.options_.keep_open) w.fd_ = ScopedFd();
    w.state_ = State::writing;
    return w;
}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter&& o) noexcept
    : path_(std::move(o.path_)),
      temp_(std::move(o.temp_)),
      options_(std::move(o.options_)),
      fd_(std::move(o.fd_)),
      buf_(std::move(o.buf_)),
      on_disk_(o.on_disk_),
      pending_(std::move(o.pending_)),
      state_(std::exchange(o.state_, State::abandoned)) {}

AtomicFileWriter& AtomicFileWriter::operator=(AtomicFileWriter&& o) noexcept {
    if (this != &o) {
        abandon();
        path_ = std::move(o.path_);
        temp_ = std::move(o.temp_);
        options_ = std::move(o.options_);
        fd_ = std::move(o.fd_);
        buf_ = std::move(o.buf_);
        on_disk_ = o.on_disk_;
        pending_ = std::move(o.pending_);
        state_ = std::exchange(o.state_, State::abandoned);
    }
    return *this;
}

AtomicFileWriter::~AtomicFileWriter() { abandon(); }

void AtomicFileWriter::abandon() {
    fd_ = ScopedFd();
    if (state_ != State::writing) return;
    state_ = State::abandoned;
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
}

Status AtomicFileWriter::fail_and_abandon(Status st) {
    if (!st) abandon();
    return st;
}

Status AtomicFileWriter::open_fd() {
    if (fd_.fd >= 0) return {};
    fd_.fd = ::open(temp_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_.fd < 0) return std::unexpected(io_error(options_.wording, "open", temp_));
    return {};
}

Status AtomicFileWriter::close_fd() {
    int fd = std::exchange(fd_.fd, -1);
    if (::close(fd) != 0) return std::unexpected(io_error(options_.wording, "close", temp_));
    return {};
}

Status AtomicFileWriter::pwrite_all(ByteView data, std::uint64_t offset) {
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n =
            ::pwrite(fd_.fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return std::unexpected(io_error(options_.wording, "write", temp_));
        }
        done += static_cast<std::size_t>(n);
    }
    return {};
}

// Pending overwrites first, then the buffer at the end of the file.
Status AtomicFileWriter::write_out() {
    for (const auto& [offset, bytes] : pending_) {
        UTXO_TRY(pwrite_all(bytes, offset));
    }
    pending_.clear();
    auto st = pwrite_all(buf_, on_disk_);
    on_disk_ += buf_.size();
    buf_.clear();
    return st;
}

Status AtomicFileWriter::usable() const {
    if (state_ != State::writing)
        return fail(Errc::usage, fmt::format("{} is no longer being written", temp_.string()));
    return {};
}

Status AtomicFileWriter::flush() {
    UTXO_TRY(usable());
    Status st = open_fd();
    if (st) st = write_out();
    if (!options_.keep_open && fd_.fd >= 0) {
        if (auto closed = close_fd(); st && !closed) st = closed;
    }
    return fail_and_abandon(std::move(st));
}

void AtomicFileWriter::overwrite(std::uint64_t offset, ByteView bytes) {
    assert(offset + bytes.size() <= on_disk_ + buf_.size());
    std::size_t written = offset < on_disk_ ? std::min<std::uint64_t>(bytes.size(), on_disk_ - offset) : 0;
    if (written > 0) pending_.emplace_back(offset, Bytes(bytes.begin(), bytes.begin() + written));
    if (written < bytes.size())
        std::memcpy(buf_.data() + (offset + written - on_disk_), bytes.data() + written,
                    bytes.size() - written);
}

Status AtomicFileWriter::commit() {
    UTXO_TRY(usable());
    Status st = open_fd();
    if (st) st = write_out();
    if (st && options_.sync && ::fsync(fd_.fd) != 0)
        st = std::unexpected(io_error(options_.wording, "sync", temp_));
    if (fd_.fd >= 0) {
        if (auto closed = close_fd(); st && !closed) st = closed;
    }
    if (st) st = rename_no_replace(temp_, path_, options_.wording);
    if (!st) return fail_and_abandon(std::move(st));
    state_ = State::committed;
    if (options_.sync) sync_parent_dir(path_);
    return {};
}

Result<FileDigest> digest_file(const std::filesystem::path& path) {
    UTXO_TRY_ASSIGN(auto reader, ChunkedFileReader::open(path, 1 << 20, IoWording::ours));
    Sha256Stream sha;
    FileDigest out;
    while (true) {
        const ByteView chunk = reader.unread();
        sha.update(chunk);
        out.bytes += chunk.size();
        reader.skip(chunk.size());
        if (reader.eof()) break;
        UTXO_TRY(reader.top_up());
    }
    out.sha256 = sha.finish();
    return out;
}

}  // namespace utxo::core

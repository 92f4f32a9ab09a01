#include "core/file_io.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace utxo::core {

ScopedFd::~ScopedFd() {
    if (fd >= 0) ::close(fd);
}

ScopedFd& ScopedFd::operator=(ScopedFd&& o) noexcept {
    if (this != &o) {
        if (fd >= 0) ::close(fd);
        fd = o.fd;
        o.fd = -1;
    }
    return *this;
}

core::Status read_exact(int fd, std::uint8_t* out, std::size_t size) {
    std::size_t done = 0;
    while (done < size) {
        ssize_t n = ::read(fd, out + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return core::fail(core::Errc::io, std::strerror(errno));
        if (n == 0) return core::fail(core::Errc::truncated, "file shrank while reading");
        done += static_cast<std::size_t>(n);
    }
    return {};
}

int open_read_nonblocking(const std::filesystem::path& path) {
    return ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
}

namespace {
const char* file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    return "not a plain file";
}
}  // namespace

core::Result<std::size_t> expect_regular_file(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return core::fail(core::Errc::io, fmt::format("cannot stat: {}", std::strerror(errno)));
    if (!S_ISREG(st.st_mode))
        return core::fail(core::Errc::io, fmt::format("is {}, not a regular file", file_kind(st.st_mode)));
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
        return core::fail(core::Errc::io, fmt::format("cannot set blocking reads: {}", std::strerror(errno)));
    return static_cast<std::size_t>(st.st_size);
}

core::Result<std::size_t> open_regular_file(const std::filesystem::path& path, std::size_t max_size,
                                            ScopedFd& fd) {
    fd = ScopedFd(open_read_nonblocking(path));
    if (fd.fd < 0) return core::fail(core::Errc::io, fmt::format("cannot open: {}", std::strerror(errno)));
    UTXO_TRY_ASSIGN(auto size, expect_regular_file(fd.fd));
    if (size > max_size)
        return core::fail(core::Errc::too_large, fmt::format("file is larger than {} bytes", max_size));
    return size;
}

namespace {

[[nodiscard]] core::Status write_all(int fd, core::ByteView content) {
    std::size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return core::fail(core::Errc::io, fmt::format("cannot write: {}", std::strerror(errno)));
        done += static_cast<std::size_t>(n);
    }
    return {};
}
}  // namespace

core::Result<std::string> read_small_file(const std::filesystem::path& path, std::size_t max_size) {
    ScopedFd fd;
    UTXO_TRY_ASSIGN(auto size, open_regular_file(path, max_size, fd));
    std::string out(size, '\0');
    UTXO_TRY(read_exact(fd.fd, reinterpret_cast<std::uint8_t*>(out.data()), out.size()));
    return out;
}

core::Status write_file_atomically(const std::filesystem::path& path, core::ByteView content, mode_t mode,
                                   const std::function<void()>& before_rename) {
    auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    std::string base = path.filename().string();
    base.insert(0, 1, '.');
    base.append(".tmp.XXXXXX");
    std::string tmpl = (dir / base).string();
    ScopedFd fd;
    fd.fd = ::mkstemp(tmpl.data());
    if (fd.fd < 0)
        return core::fail(core::Errc::io,
                          fmt::format("cannot create a file in {}: {}", dir.string(), std::strerror(errno)));
    auto cleanup_fail = [&](std::string why) {
        ::unlink(tmpl.c_str());
        return core::fail(core::Errc::io, std::move(why));
    };
    if (::fchmod(fd.fd, mode) != 0)
        return cleanup_fail(fmt::format("cannot set mode: {}", std::strerror(errno)));
    if (auto w = write_all(fd.fd, content); !w) return cleanup_fail(w.error().message);
    if (::fsync(fd.fd) != 0) return cleanup_fail(fmt::format("cannot sync: {}", std::strerror(errno)));
    if (before_rename) before_rename();
    if (::rename(tmpl.c_str(), path.c_str()) != 0)
        return cleanup_fail(fmt::format("cannot replace the file: {}", std::strerror(errno)));
    sync_parent_dir(path);  // makes the rename itself durable
    return {};
}

void sync_parent_dir(const std::filesystem::path& path) {
    auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    ScopedFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.fd >= 0) (void)::fsync(fd.fd);
}

}  // namespace utxo::core

#include "core/dir_lock.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

namespace utxo::core {

namespace fs = std::filesystem;

struct DirLock::Held {
    int fd = -1;
    explicit Held(int f) : fd(f) {}
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;
    ~Held() { ::close(fd); }  // closing the last descriptor of the description releases the flock
};

namespace {

// The holds of this process, by the lock file's identity (device, inode): what makes the lock
// re-entrant, since a second open() and flock() of the same file in one process would conflict.
struct Registry {
    std::mutex mutex;
    std::map<std::pair<dev_t, ino_t>, std::weak_ptr<DirLock::Held>> held;
};
Registry& registry() {
    static Registry r;
    return r;
}

// The PID the holder wrote, or "unknown" (it may not have written it yet).
std::string holder_pid(int fd) {
    std::array<char, 32> buf{};
    const ssize_t n = ::pread(fd, buf.data(), buf.size() - 1, 0);
    long pid = 0;
    if (n <= 0) return "unknown";
    auto [end, ec] = std::from_chars(buf.data(), buf.data() + n, pid);
    if (ec != std::errc() || pid <= 0) return "unknown";
    return std::to_string(pid);
}

void write_own_pid(int fd) {
    const std::string text = fmt::format("{}\n", ::getpid());
    // For the message of a second writer only: a failure here does not weaken the lock.
    if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, text.data(), text.size(), 0);
}

}  // namespace

DirLock::~DirLock() = default;

Result<DirLock> DirLock::take(const fs::path& dir, Wait wait) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return fail(Errc::io, fmt::format("{}: cannot create: {}", dir.string(), ec.message()));
    const fs::path path = dir / kDirLockFile;
    // O_NOFOLLOW: a symlink planted as DIR/lock must not make us create or truncate another file.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
    if (fd < 0)
        return fail(Errc::io, fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
    auto fresh = std::make_shared<Held>(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return fail(Errc::io, fmt::format("{}: not a regular file", path.string()));

    Registry& r = registry();
    std::lock_guard guard(r.mutex);
    auto& slot = r.held[{st.st_dev, st.st_ino}];
    if (auto existing = slot.lock()) return DirLock(std::move(existing));
    int rc;
    do rc = ::flock(fd, LOCK_EX | (wait == Wait::yes ? 0 : LOCK_NB));
    while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        if (errno != EWOULDBLOCK)
            return fail(Errc::io, fmt::format("{}: cannot lock: {}", path.string(), std::strerror(errno)));
        return fail(Errc::io, fmt::format("{}: in use by another process (PID {}); wait for it to finish",
                                          dir.string(), holder_pid(fd)));
    }
    write_own_pid(fd);
    slot = fresh;
    return DirLock(std::move(fresh));
}

}  // namespace utxo::core

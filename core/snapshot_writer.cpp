// Snapshot writer, byte for byte what Core's WriteUTXOSnapshot produces for the same coins in
// the same (chainstate key) order: consecutive coins of one txid form one group. Like Core it
// writes `<path>.incomplete` and renames it only once everything is on disk.
#include <fcntl.h>
#include <fmt/format.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/serialize.h"
#include "core/snapshot.h"

namespace utxo::core {

namespace {

constexpr std::size_t kFlushAt = 4 << 20;

std::string describe(const OutPoint& o) { return fmt::format("{}:{}", o.txid.to_display_hex(), o.vout); }

Status write_all(int fd, const Bytes& data, const std::filesystem::path& path) {
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail(Errc::io, fmt::format("Couldn't write {}: {}", path.string(), std::strerror(errno)));
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
    return fail(Errc::io, fmt::format("Couldn't rename {} to {}: {}", from.string(), to.string(),
                                      std::strerror(errno)));
}

// Makes the rename itself durable; a failure here is not worth failing the dump for.
void sync_parent_dir(const std::filesystem::path& path) {
    auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)::fsync(fd);
    ::close(fd);
}

}  // namespace

struct SnapshotWriter::Impl {
    std::filesystem::path target;
    std::filesystem::path temp;
    int fd = -1;
    SnapshotHeader header;
    Bytes out;
    Bytes group_body;  // vout+coin records of the open group; its count precedes them in the file
    std::uint64_t group_count = 0;
    std::optional<OutPoint> last;
    std::uint64_t written = 0;
    bool finished = false;

    ~Impl() { abandon(); }
    void abandon() {
        if (fd >= 0) ::close(fd);
        fd = -1;
        if (!finished && !temp.empty()) {
            std::error_code ec;
            std::filesystem::remove(temp, ec);
        }
    }
    void close_group() {
        if (group_count == 0) return;
        Writer w(out);
        w.hash(last->txid);
        w.compact_size(group_count);
        w.bytes(group_body);
        group_body.clear();
        group_count = 0;
    }
    Status flush() {
        auto st = write_all(fd, out, temp);
        out.clear();
        return st;
    }
    Status check(const OutPoint& outpoint, const Coin& coin) const;
};

// Refuses what Core's loader would reject, so every file we finish is loadable.
Status SnapshotWriter::Impl::check(const OutPoint& outpoint, const Coin& coin) const {
    if (finished) return fail(Errc::usage, "the snapshot is already finished");
    if (fd < 0) return fail(Errc::usage, "the snapshot writer failed earlier and cannot continue");
    if (written == header.coin_count)
        return fail(Errc::mismatch,
                    fmt::format("more coins than the {} announced in the header", header.coin_count));
    if (last && !chainstate_key_less(*last, outpoint))
        return fail(Errc::usage, fmt::format("coin {} comes after {}: a snapshot needs chainstate key order",
                                             describe(outpoint), describe(*last)));
    if (outpoint.vout > kMaxCompactSize)
        return fail(Errc::too_large,
                    fmt::format("vout of {} is beyond what Core's loader accepts", describe(outpoint)));
    if (!money_range(coin.value))
        return fail(Errc::invalid, fmt::format("value of {} is outside the money range", describe(outpoint)));
    return {};
}

Result<SnapshotWriter> SnapshotWriter::create(const std::filesystem::path& path,
                                              const SnapshotHeader& header) {
    if (header.version != 2)
        return fail(Errc::usage, fmt::format("snapshot version {} cannot be written; only version 2 exists",
                                             header.version));
    std::error_code ec;
    if (std::filesystem::exists(path, ec))
        return fail(Errc::usage,
                    fmt::format("{} already exists. If you are sure this is what you want, move it out of "
                                "the way first.",
                                path.string()));
    auto impl = std::make_unique<Impl>();
    impl->target = path;
    impl->header = header;
    auto temp = path;
    temp += ".incomplete";
    impl->fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (impl->fd < 0)
        return fail(Errc::io, fmt::format("Couldn't create {}: {}", temp.string(), std::strerror(errno)));
    impl->temp = temp;
    impl->out.reserve(kFlushAt + (64 << 10));
    Bytes head = encode_snapshot_header(header);
    impl->out.insert(impl->out.end(), head.begin(), head.end());
    return SnapshotWriter(std::move(impl));
}

Status SnapshotWriter::add(const OutPoint& outpoint, const Coin& coin) {
    auto& s = *impl_;
    if (auto st = s.check(outpoint, coin); !st) return st;
    if (s.last && s.last->txid != outpoint.txid) s.close_group();
    Writer w(s.group_body);
    w.compact_size(outpoint.vout);
    write_coin(w, coin);
    ++s.group_count;
    ++s.written;
    s.last = outpoint;
    if (s.out.size() >= kFlushAt) {
        if (auto st = s.flush(); !st) {
            s.abandon();
            return st;
        }
    }
    return {};
}

Status SnapshotWriter::finish() {
    auto& s = *impl_;
    if (s.finished) return fail(Errc::usage, "the snapshot is already finished");
    if (s.fd < 0) return fail(Errc::usage, "the snapshot writer failed earlier and cannot continue");
    if (s.written != s.header.coin_count) {
        s.abandon();
        return fail(Errc::mismatch,
                    fmt::format("{} coins were written but the header announces {}; removed {}", s.written,
                                s.header.coin_count, s.temp.string()));
    }
    s.close_group();
    Status st = s.flush();
    if (st && ::fsync(s.fd) != 0)
        st = fail(Errc::io, fmt::format("Couldn't sync {}: {}", s.temp.string(), std::strerror(errno)));
    if (st && ::close(std::exchange(s.fd, -1)) != 0)
        st = fail(Errc::io, fmt::format("Couldn't close {}: {}", s.temp.string(), std::strerror(errno)));
    if (st) st = rename_no_replace(s.temp, s.target);
    if (!st) {
        s.abandon();
        return st;
    }
    s.finished = true;
    sync_parent_dir(s.target);
    return {};
}

SnapshotWriter::SnapshotWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SnapshotWriter::~SnapshotWriter() = default;
SnapshotWriter::SnapshotWriter(SnapshotWriter&&) noexcept = default;
SnapshotWriter& SnapshotWriter::operator=(SnapshotWriter&&) noexcept = default;

}  // namespace utxo::core

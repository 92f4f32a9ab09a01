// One read per staged shard file: size, header and SHA-256 against the signed manifest.
#include "verifier/shard_check.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "core/sha256.h"
#include "core/shard.h"

namespace utxo::verifier {

namespace fs = std::filesystem;
using core::Errc;
using core::fail;

namespace {

FileStamp stamp_of(const struct stat& st) {
    auto ns = [](const timespec& t) {
        return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
    };
    return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
            static_cast<std::uint64_t>(st.st_size), ns(st.st_mtim), ns(st.st_ctim)};
}

[[nodiscard]] core::Result<FileStamp> stamp_of_fd(int fd, const fs::path& p) {
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return fail(Errc::io, fmt::format("{}: cannot stat: {}", p.string(), std::strerror(errno)));
    return stamp_of(st);
}

[[nodiscard]] core::Status check_header(const fs::path& p, core::ByteView bytes, const core::Manifest& m,
                                        std::uint32_t index) {
    auto h = core::decode_shard_header(bytes);
    if (!h) return fail(Errc::invalid, fmt::format("{}: {}", p.string(), h.error().message));
    return core::check_shard_header(*h, m, index, p.string());
}

}  // namespace

core::Result<FileStamp> file_stamp(const fs::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0)
        return fail(errno == ENOENT ? Errc::not_found : Errc::io,
                    fmt::format("{}: cannot stat: {}", p.string(), std::strerror(errno)));
    return stamp_of(st);
}

core::Result<CheckedFile> check_shard_file(const fs::path& p, const core::Manifest& m, std::uint32_t index) {
    const auto& entry = m.shards[index];
    std::error_code ec;
    if (!fs::exists(p, ec))
        return fail(Errc::not_found, fmt::format("{}: the shard file is missing", p.string()));
    CheckedFile out;
    auto size = core::open_regular_file(p, SIZE_MAX, out.fd);
    if (!size) return fail(size.error().code, fmt::format("{}: {}", p.string(), size.error().message));
    if (*size != entry.bytes)
        return fail(Errc::mismatch, fmt::format("{}: the file is {} bytes, the manifest says {}", p.string(),
                                                *size, entry.bytes));
    UTXO_TRY_ASSIGN(auto before, stamp_of_fd(out.fd.fd, p));
    ::posix_fadvise(out.fd.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    // One buffer per thread: the early checker and install each reuse theirs for every file.
    thread_local std::vector<std::uint8_t> buf(std::size_t{1} << 20);
    core::Sha256Stream sha;
    std::size_t done = 0;
    while (done < *size) {
        std::size_t want = std::min(buf.size(), *size - done);
        if (auto s = core::read_exact(out.fd.fd, buf.data(), want); !s)
            return fail(s.error().code, fmt::format("{}: {}", p.string(), s.error().message));
        if (done == 0 && want >= core::ShardHeader::kSize) {
            UTXO_TRY(check_header(p, core::ByteView(buf.data(), core::ShardHeader::kSize), m, index));
        }
        sha.update(core::ByteView(buf.data(), want));
        done += want;
    }
    if (done < core::ShardHeader::kSize)
        return fail(Errc::truncated, fmt::format("{}: shorter than a shard header", p.string()));
    const core::Sha256Digest got = sha.finish();
    if (got != entry.sha256)
        return fail(Errc::mismatch, fmt::format("{}: SHA-256 is {}, the manifest says {}", p.string(),
                                                got.to_hex(), entry.sha256.to_hex()));
    UTXO_TRY_ASSIGN(auto after, stamp_of_fd(out.fd.fd, p));
    if (after != before)
        return fail(Errc::io, fmt::format("{}: the file changed while it was checked", p.string()));
    out.stamp = before;
    return out;
}

}  // namespace utxo::verifier

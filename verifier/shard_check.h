// Checking one staged shard file against the signed manifest, and recognising the checked bytes
// again later without re-reading them.
//
// A file checked early (while the rest of the release still downloads, see staged_checker.h) is
// trusted at install only if its FileStamp is unchanged: same inode, size, mtime and ctime. Any
// write to the file after the check moves mtime and ctime, so install reads it again. (A write
// within the same timestamp tick as the check's last fstat could go unseen; libtorrent never
// writes to a file once all its pieces passed their hash checks, which is when it is checked.)
#pragma once
#include <cstdint>
#include <filesystem>

#include "core/error.h"
#include "core/file_io.h"
#include "core/manifest.h"

namespace utxo::verifier {

// What the kernel says about a file's bytes: equal stamps, same bytes (see above).
struct FileStamp {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::int64_t ctime_ns = 0;
    friend bool operator==(const FileStamp&, const FileStamp&) = default;
};

// Errc::not_found when the file does not exist, Errc::io for other stat failures.
[[nodiscard]] core::Result<FileStamp> file_stamp(const std::filesystem::path& p);

struct CheckedFile {
    FileStamp stamp;    // taken before the read, and still the file's after it
    core::ScopedFd fd;  // open for reading, for syncing the file afterwards
};

// Reads the file once: its size, its 66-byte header (network, block, height, index, count, coin
// count) and its SHA-256 against the manifest's entry `index`. Errc::mismatch / invalid /
// truncated name the file and what differs; Errc::io also when the file changed while it was read.
[[nodiscard]] core::Result<CheckedFile> check_shard_file(const std::filesystem::path& p,
                                                         const core::Manifest& m, std::uint32_t index);

}  // namespace utxo::verifier

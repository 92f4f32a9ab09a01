// Small-file IO shared by the tools: bounded whole-file reads and atomic replacement. Streaming
// files (shards, snapshots) go through core/buffered_file.h.
#pragma once
#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>

#include "core/bytes.h"
#include "core/error.h"

namespace utxo::core {

// Closes a descriptor on every path out of a scope.
struct ScopedFd {
    int fd = -1;
    ScopedFd() = default;
    explicit ScopedFd(int f) : fd(f) {}
    ScopedFd(const ScopedFd&) = delete;
    ScopedFd& operator=(const ScopedFd&) = delete;
    ScopedFd(ScopedFd&& o) noexcept : fd(o.fd) { o.fd = -1; }
    ScopedFd& operator=(ScopedFd&& o) noexcept;
    ~ScopedFd();
};

// Opens a regular file for reading and returns its size; refuses files above max_size
// (Errc::too_large) and anything that is not a regular file (Errc::io). The open itself does not
// block: a FIFO or a device given as an input file is refused at once instead of hanging the
// command (open() of a FIFO waits for a writer; read() of one waits for data).
[[nodiscard]] Result<std::size_t> open_regular_file(const std::filesystem::path& path, std::size_t max_size,
                                                    ScopedFd& fd);
// The same open for readers that keep their own wording: ::open(path, O_RDONLY | O_NONBLOCK | ...),
// -1 with errno set on failure; pass the descriptor to expect_regular_file next.
int open_read_nonblocking(const std::filesystem::path& path);
// Fails unless fd is a regular file ("is a FIFO, not a regular file", ...), then switches it back to
// blocking reads. Returns the file's size.
[[nodiscard]] Result<std::size_t> expect_regular_file(int fd);

// Reads exactly n bytes (Errc::truncated if the file ends first).
[[nodiscard]] Status read_exact(int fd, std::uint8_t* out, std::size_t n);

// Whole file, refusing anything larger than max_size (Errc::too_large) or unreadable (Errc::io).
[[nodiscard]] Result<std::string> read_small_file(const std::filesystem::path& path, std::size_t max_size);

// Writes a temporary file in the same directory with the given mode, fsyncs it, renames it over
// path and fsyncs the directory: a crash leaves either the old file or the new one, never half.
// before_rename runs after the temporary file is complete (tests use it to simulate a crash).
[[nodiscard]] Status write_file_atomically(const std::filesystem::path& path, ByteView content, mode_t mode,
                                           const std::function<void()>& before_rename = {});

// fsyncs the directory holding path, which makes a rename into it durable. Best effort: a failure
// here is not worth failing the write for, so it is ignored.
void sync_parent_dir(const std::filesystem::path& path);

}  // namespace utxo::core

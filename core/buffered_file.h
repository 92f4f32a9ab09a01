// Buffered streaming files, shared by the shard and snapshot formats: a reader that parses
// records straight from large chunks, and a writer whose file appears only when complete.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "core/file_io.h"
#include "core/serialize.h"
#include "core/sha256.h"

namespace utxo::core {

// How an I/O failure reads. Our own formats say "couldn't read <path>: why"; snapshot files keep
// Bitcoin Core's wording ("Couldn't read <path>: why", "Couldn't open file <path> for reading: why").
enum class IoWording { ours, bitcoin_core };

// "couldn't <verb> <path>: strerror(errno)" in the given wording, as Errc::io.
Error io_error(IoWording wording, std::string_view verb, const std::filesystem::path& path);

// Reads a file in large chunks and parses records straight from the buffer. A record split by
// the end of the buffer is retried after a refill, so memory stays bounded by the chunk size
// (or by the largest record, if larger).
class ChunkedFileReader {
public:
    // top_up() refills below this, so retries on a split record are rare.
    static constexpr std::size_t kLowWater = 64 << 10;

    // Opens path and reads the first chunk. The buffer is sized to the file, between
    // 2 x kLowWater and max(max_buffer, 2 x kLowWater); it grows only for a record larger than it.
    [[nodiscard]] static Result<ChunkedFileReader> open(const std::filesystem::path& path,
                                                        std::size_t max_buffer, IoWording wording);
    ChunkedFileReader() = default;

    const std::filesystem::path& path() const { return path_; }
    // The bytes read but not yet consumed.
    ByteView unread() const { return ByteView(buf_.data() + pos_, end_ - pos_); }
    // True once the whole rest of the file is in the buffer.
    bool eof() const { return eof_; }
    void skip(std::size_t n) { pos_ += n; }
    // Refills when less than kLowWater is buffered.
    [[nodiscard]] Status top_up() { return end_ - pos_ < kLowWater && !eof_ ? fill() : Status{}; }
    // Whether nothing follows the bytes consumed so far (reading on if the buffer is empty).
    [[nodiscard]] Result<bool> at_end();

    // Runs parse(Reader&) on the buffered bytes. A Errc::truncated before the end of the file
    // means the record was split by the buffer, so it refills and retries; only a successful parse
    // consumes bytes.
    template <class F>
    std::invoke_result_t<F&, Reader&> parse(F&& parse) {
        while (true) {
            Reader r(unread());
            auto v = parse(r);
            if (v) {
                pos_ += r.position();
                return v;
            }
            if (v.error().code != Errc::truncated || eof_) return v;
            UTXO_TRY(fill());
        }
    }

private:
    [[nodiscard]] Status fill();

    std::filesystem::path path_;
    IoWording wording_ = IoWording::ours;
    ScopedFd fd_;
    Bytes buf_;
    std::size_t pos_ = 0;
    std::size_t end_ = 0;
    bool eof_ = false;
};

// A whole file's size and SHA-256, read in 1 MiB chunks.
struct FileDigest {
    std::uint64_t bytes = 0;
    Sha256Digest sha256;
};
[[nodiscard]] Result<FileDigest> digest_file(const std::filesystem::path& path);

// Writes a file that appears at its path only when complete: the bytes go to `<path><suffix>`
// beside it; commit() renames that into place, refusing to replace a file that appeared in the
// meantime. After any failure, and when destroyed uncommitted, the writer removes the temporary
// file and accepts nothing more.
class AtomicFileWriter {
public:
    struct Options {
        std::string temp_suffix = ".tmp";
        IoWording wording = IoWording::ours;
        std::size_t flush_at = 4 << 20;  // flush_if_full() writes the buffer once it holds this much
        // Hold the descriptor from create() to commit(). Without it every flush opens and closes
        // the file, so a thousand live writers hold no descriptors between calls.
        bool keep_open = true;
        bool sync = true;  // commit() fsyncs the file and its directory
    };

    // Creates (truncates) the temporary file with mode 0644; the caller checks that path is free.
    [[nodiscard]] static Result<AtomicFileWriter> create(const std::filesystem::path& path, Options options);
    AtomicFileWriter() = default;
    ~AtomicFileWriter();
    AtomicFileWriter(AtomicFileWriter&& o) noexcept;
    AtomicFileWriter& operator=(AtomicFileWriter&&) noexcept;

    const std::filesystem::path& path() const { return path_; }
    const std::filesystem::path& temp_path() const { return temp_; }
    bool committed() const { return state_ == State::committed; }
    bool failed() const { return state_ == State::abandoned; }

    // The bytes not yet written; callers append to it.
    Bytes& buffer() { return buf_; }
    [[nodiscard]] Status flush_if_full() { return buf_.size() >= options_.flush_at ? flush() : Status{}; }
    // Appends the buffer to the temporary file.
    [[nodiscard]] Status flush();
    // Replaces bytes already handed over (buffered or written) before commit; the part on disk is
    // rewritten with the next flush.
    void overwrite(std::uint64_t offset, ByteView bytes);
    // Flushes, fsyncs (Options::sync), closes and renames into place; then syncs the directory.
    [[nodiscard]] Status commit();
    // Closes and removes the temporary file.
    void abandon();

private:
    enum class State { writing, committed, abandoned };
    [[nodiscard]] Status usable() const;
    Status open_fd();
    [[nodiscard]] Status close_fd();
    Status pwrite_all(ByteView data, std::uint64_t offset);
    [[nodiscard]] Status write_out();
    Status fail_and_abandon(Status st);

    std::filesystem::path path_;
    std::filesystem::path temp_;
    Options options_;
    ScopedFd fd_;
    Bytes buf_;
    std::uint64_t on_disk_ = 0;                             // bytes of the temporary file written so far
    std::vector<std::pair<std::uint64_t, Bytes>> pending_;  // overwrites of bytes already on disk
    State state_ = State::abandoned;
};

}  // namespace utxo::core

// Shard file writer. Coins collect in memory and go to `<path>.tmp` in 256 KiB batches, through an
// AtomicFileWriter that opens and closes the file around each write, so a thousand live writers
// never hold a thousand descriptors (see shard.h). finish() fills the coin count into the header,
// fsyncs and renames; until then `path` does not exist.
#include <fmt/format.h>

#include <utility>

#include "core/buffered_file.h"
#include "core/serialize.h"
#include "core/shard.h"

namespace utxo::core {

namespace {

constexpr std::size_t kFlushAt = 256 << 10;
constexpr std::size_t kCoinCountOffset = ShardHeader::kSize - 8;

}  // namespace

struct ShardWriter::Impl {
    AtomicFileWriter file;  // its buffer starts with the header until the first flush
    ShardHeader header;
    std::optional<OutPoint> last;
    std::uint64_t written = 0;

    [[nodiscard]] Status usable() const {
        if (file.committed())
            return fail(Errc::usage, fmt::format("{} is already finished", file.path().string()));
        if (file.failed())
            return fail(Errc::usage, fmt::format("the writer of {} failed earlier", file.path().string()));
        return {};
    }
    // The writer is open and `outpoint` comes after the last coin written.
    [[nodiscard]] Status may_add(const OutPoint& outpoint) const {
        UTXO_TRY(usable());
        if (last && !(*last < outpoint))
            return fail(Errc::usage,
                        fmt::format("coin {} does not come after {}: shard coins must be strictly "
                                    "ascending by outpoint",
                                    describe_outpoint(outpoint), describe_outpoint(*last)));
        return {};
    }
};

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
    UTXO_TRY_ASSIGN(auto file,
                    AtomicFileWriter::create(path, {.temp_suffix = ".tmp",
                                                    .wording = IoWording::ours,
                                                    .flush_at = kFlushAt,
                                                    .keep_open = false,
                                                    .sync = durability == Durability::sync_each_file}));
    auto impl = std::make_unique<Impl>();
    impl->file = std::move(file);
    impl->file.buffer() = std::move(head);
    impl->header = h;
    return ShardWriter(std::move(impl));
}

Status ShardWriter::add(const OutPoint& outpoint, const Coin& coin) {
    auto& s = *impl_;
    UTXO_TRY(s.may_add(outpoint));
    UTXO_TRY(check_shard_coin(s.header, outpoint, coin));
    Writer w(s.file.buffer());
    write_shard_coin(w, outpoint, coin);
    ++s.written;
    s.last = outpoint;
    return s.file.flush_if_full();
}

Status ShardWriter::add_encoded(const OutPoint& outpoint, ByteView coin_encoding) {
    auto& s = *impl_;
    UTXO_TRY(s.may_add(outpoint));
    Writer w(s.file.buffer());
    write_shard_coin(w, outpoint, coin_encoding);
    ++s.written;
    s.last = outpoint;
    return s.file.flush_if_full();
}

Status ShardWriter::finish() {
    auto& s = *impl_;
    UTXO_TRY(s.usable());
    // The coin count is known only now: it goes into the header, buffered or already on disk.
    s.header.coin_count = s.written;
    Bytes count;
    Writer(count).u64(s.written);
    s.file.overwrite(kCoinCountOffset, count);
    return s.file.commit();
}

ShardWriter::ShardWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ShardWriter::~ShardWriter() = default;
ShardWriter::ShardWriter(ShardWriter&&) noexcept = default;
ShardWriter& ShardWriter::operator=(ShardWriter&&) noexcept = default;

}  // namespace utxo::core

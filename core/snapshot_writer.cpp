// Snapshot writer, byte for byte what Core's WriteUTXOSnapshot produces for the same coins in
// the same (chainstate key) order: consecutive coins of one txid form one group. Like Core it
// writes `<path>.incomplete` and renames it only once everything is on disk.
#include <fmt/format.h>

#include <utility>

#include "core/buffered_file.h"
#include "core/serialize.h"
#include "core/shard.h"
#include "core/snapshot.h"

namespace utxo::core {

namespace {

constexpr std::size_t kFlushAt = 4 << 20;

}  // namespace

struct SnapshotWriter::Impl {
    AtomicFileWriter file;
    SnapshotHeader header;
    Bytes group_body;  // vout+coin records of the open group; its count precedes them in the file
    std::uint64_t group_count = 0;
    std::optional<OutPoint> last;
    std::uint64_t written = 0;

    void close_group() {
        if (group_count == 0) return;
        Writer w(file.buffer());
        w.hash(last->txid);
        w.compact_size(group_count);
        w.bytes(group_body);
        group_body.clear();
        group_count = 0;
    }
    [[nodiscard]] Status usable() const {
        if (file.committed()) return fail(Errc::usage, "the snapshot is already finished");
        if (file.failed()) return fail(Errc::usage, "the snapshot writer failed earlier and cannot continue");
        return {};
    }
    [[nodiscard]] Status check(const OutPoint& outpoint, const Coin& coin) const;
};

// Refuses what Core's loader would reject, so every file we finish is loadable.
Status SnapshotWriter::Impl::check(const OutPoint& outpoint, const Coin& coin) const {
    UTXO_TRY(usable());
    if (written == header.coin_count)
        return fail(Errc::mismatch,
                    fmt::format("more coins than the {} announced in the header", header.coin_count));
    if (last && !chainstate_key_less(*last, outpoint))
        return fail(Errc::usage, fmt::format("coin {} comes after {}: a snapshot needs chainstate key order",
                                             describe_outpoint(outpoint), describe_outpoint(*last)));
    if (outpoint.vout > kMaxCompactSize)
        return fail(Errc::too_large, fmt::format("vout of {} is beyond what Core's loader accepts",
                                                 describe_outpoint(outpoint)));
    if (!money_range(coin.value))
        return fail(Errc::invalid,
                    fmt::format("value of {} is outside the money range", describe_outpoint(outpoint)));
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
    UTXO_TRY_ASSIGN(auto file, AtomicFileWriter::create(path, {.temp_suffix = ".incomplete",
                                                               .wording = IoWording::bitcoin_core,
                                                               .flush_at = kFlushAt,
                                                               .keep_open = true,
                                                               .sync = true}));
    auto impl = std::make_unique<Impl>();
    impl->file = std::move(file);
    impl->header = header;
    Bytes& out = impl->file.buffer();
    out.reserve(kFlushAt + (64 << 10));
    Bytes head = encode_snapshot_header(header);
    out.insert(out.end(), head.begin(), head.end());
    return SnapshotWriter(std::move(impl));
}

Status SnapshotWriter::add(const OutPoint& outpoint, const Coin& coin) {
    auto& s = *impl_;
    UTXO_TRY(s.check(outpoint, coin));
    if (s.last && s.last->txid != outpoint.txid) s.close_group();
    Writer w(s.group_body);
    w.compact_size(outpoint.vout);
    write_coin(w, coin);
    ++s.group_count;
    ++s.written;
    s.last = outpoint;
    return s.file.flush_if_full();
}

Status SnapshotWriter::finish() {
    auto& s = *impl_;
    UTXO_TRY(s.usable());
    if (s.written != s.header.coin_count) {
        s.file.abandon();
        return fail(Errc::mismatch,
                    fmt::format("{} coins were written but the header announces {}; removed {}", s.written,
                                s.header.coin_count, s.file.temp_path().string()));
    }
    s.close_group();
    return s.file.commit();
}

SnapshotWriter::SnapshotWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SnapshotWriter::~SnapshotWriter() = default;
SnapshotWriter::SnapshotWriter(SnapshotWriter&&) noexcept = default;
SnapshotWriter& SnapshotWriter::operator=(SnapshotWriter&&) noexcept = default;

}  // namespace utxo::core

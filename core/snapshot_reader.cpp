// Streaming snapshot reader with the checks and messages of Core's loader
// (PopulateAndValidateSnapshot, reference §4). Coins are parsed straight from a
// ChunkedFileReader's 8 MiB buffer, which grows only for a record larger than it.
#include <fmt/format.h>

#include <utility>

#include "core/buffered_file.h"
#include "core/snapshot.h"

namespace utxo::core {

namespace {

constexpr std::size_t kChunk = 8 << 20;

std::string truncated_message(std::uint64_t coins) {
    return fmt::format("Bad snapshot format or truncated snapshot after deserializing {} coins.", coins);
}

}  // namespace

struct SnapshotReader::Impl {
    ChunkedFileReader file;
    SnapshotHeader header;
    std::optional<Height> base_height;
    std::uint64_t coins_read = 0;
    std::uint64_t group_left = 0;
    Txid group_txid;
    bool done = false;
    std::optional<Error> failed;  // sticky: after an error every next() repeats it

    [[nodiscard]] Result<std::optional<SnapshotCoin>> next();
    Status check_no_trailing_bytes();
    [[nodiscard]] Status read_group_header();
    Result<SnapshotCoin> read_one();
};

Status SnapshotReader::Impl::check_no_trailing_bytes() {
    UTXO_TRY_ASSIGN(auto at_end, file.at_end());
    if (!at_end)
        return fail(Errc::invalid, fmt::format("Bad snapshot - coins left over after deserializing {} coins.",
                                               header.coin_count));
    return {};
}

Status SnapshotReader::Impl::read_group_header() {
    struct Group {
        Txid txid;
        std::uint64_t count;
    };
    auto g = file.parse([](Reader& r) -> Result<Group> {
        UTXO_TRY_ASSIGN(auto txid, r.hash<TxidTag>());
        UTXO_TRY_ASSIGN(auto count, r.compact_size());
        return Group{txid, count};
    });
    if (!g) {
        if (g.error().code == Errc::io) return std::unexpected(g.error());
        return fail(g.error().code, truncated_message(coins_read));
    }
    std::uint64_t coins_left = header.coin_count - coins_read;
    if (g->count > coins_left)
        return fail(Errc::mismatch, "Mismatch in coins count in snapshot metadata and actual snapshot data");
    // Core's loader would skip an empty group, but Core never writes one; accepting it would let
    // two files with the same coins differ in bytes.
    if (g->count == 0)
        return fail(
            Errc::non_canonical,
            fmt::format("Bad snapshot format: a txid group with zero coins after deserializing {} coins.",
                        coins_read));
    group_txid = g->txid;
    group_left = g->count;
    return {};
}

Result<SnapshotCoin> SnapshotReader::Impl::read_one() {
    auto c = file.parse([this](Reader& r) -> Result<SnapshotCoin> {
        UTXO_TRY_ASSIGN(auto vout, r.compact_size());
        UTXO_TRY_ASSIGN(auto coin, read_coin(r));
        return SnapshotCoin{OutPoint{group_txid, static_cast<std::uint32_t>(vout)}, std::move(coin)};
    });
    if (!c) {
        if (c.error().code == Errc::io) return std::unexpected(c.error());
        return fail(c.error().code, truncated_message(coins_read));
    }
    // vout 0xffffffff cannot pass the CompactSize limit; the check stays because Core has it.
    if ((base_height && c->coin.height > *base_height) || c->outpoint.vout == UINT32_MAX)
        return fail(Errc::invalid, fmt::format("Bad snapshot data after deserializing {} coins", coins_read));
    if (!money_range(c->coin.value))
        return fail(
            Errc::invalid,
            fmt::format("Bad snapshot data after deserializing {} coins - bad tx out value", coins_read));
    return c;
}

Result<std::optional<SnapshotCoin>> SnapshotReader::Impl::next() {
    if (failed) return std::unexpected(*failed);
    if (done) return std::nullopt;
    if (auto st = file.top_up(); !st) return std::unexpected(*(failed = st.error()));
    if (coins_read == header.coin_count) {
        if (auto st = check_no_trailing_bytes(); !st) return std::unexpected(*(failed = st.error()));
        done = true;
        return std::nullopt;
    }
    if (group_left == 0) {
        if (auto st = read_group_header(); !st) return std::unexpected(*(failed = st.error()));
    }
    auto c = read_one();
    if (!c) return std::unexpected(*(failed = c.error()));
    --group_left;
    ++coins_read;
    return std::optional<SnapshotCoin>(std::move(*c));
}

Result<SnapshotReader> SnapshotReader::open(const std::filesystem::path& path,
                                            std::optional<Height> base_height) {
    UTXO_TRY_ASSIGN(auto file, ChunkedFileReader::open(path, kChunk, IoWording::bitcoin_core));
    UTXO_TRY_ASSIGN(auto header, decode_snapshot_header(file.unread()));
    file.skip(SnapshotHeader::kSize);
    auto impl = std::make_unique<Impl>();
    impl->file = std::move(file);
    impl->base_height = base_height;
    impl->header = header;
    return SnapshotReader(std::move(impl));
}

SnapshotReader::SnapshotReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SnapshotReader::~SnapshotReader() = default;
SnapshotReader::SnapshotReader(SnapshotReader&&) noexcept = default;
SnapshotReader& SnapshotReader::operator=(SnapshotReader&&) noexcept = default;

const SnapshotHeader& SnapshotReader::header() const { return impl_->header; }
Result<std::optional<SnapshotCoin>> SnapshotReader::next() { return impl_->next(); }
std::uint64_t SnapshotReader::coins_read() const { return impl_->coins_read; }

}  // namespace utxo::core

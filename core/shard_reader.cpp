// Streaming shard file reader: records are parsed straight from a ChunkedFileReader's buffer.
// Every rule of the format is checked as the coins go by, so a file that reads to the end is
// canonical.
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "core/buffered_file.h"
#include "core/shard.h"

namespace utxo::core {

struct ShardReader::Impl {
    ChunkedFileReader file;
    ShardHeader header;
    std::uint64_t coins_read = 0;
    std::optional<OutPoint> last;
    bool done = false;
    std::optional<Error> failed;  // sticky: after an error every next() repeats it

    [[nodiscard]] Status check_end();
    Result<std::optional<std::pair<OutPoint, Coin>>> next();
    Error at_coin(const Error& e) const {
        return Error{e.code, fmt::format("{}: coin {}: {}", file.path().string(), coins_read, e.message)};
    }
};

Status ShardReader::Impl::check_end() {
    UTXO_TRY_ASSIGN(auto at_end, file.at_end());
    if (!at_end)
        return fail(Errc::invalid,
                    fmt::format("{}: bytes follow the last of the {} coins the header announces",
                                file.path().string(), header.coin_count));
    return {};
}

Result<std::optional<std::pair<OutPoint, Coin>>> ShardReader::Impl::next() {
    if (failed) return std::unexpected(*failed);
    if (done) return std::nullopt;
    if (auto st = file.top_up(); !st) return std::unexpected(*(failed = st.error()));
    if (coins_read == header.coin_count) {
        if (auto st = check_end(); !st) return std::unexpected(*(failed = st.error()));
        done = true;
        return std::nullopt;
    }
    if (file.unread().empty() && file.eof())
        return std::unexpected(
            *(failed =
                  Error{Errc::truncated, fmt::format("{}: the file ends after {} of the {} coins the "
                                                     "header announces",
                                                     file.path().string(), coins_read, header.coin_count)}));
    auto rec = file.parse([](Reader& r) { return read_shard_coin(r); });
    if (!rec) return std::unexpected(*(failed = at_coin(rec.error())));
    if (last && !(*last < rec->first))
        return std::unexpected(*(
            failed = at_coin(Error{Errc::non_canonical,
                                   fmt::format("{} does not come after {} (coins must be strictly ascending)",
                                               describe_outpoint(rec->first), describe_outpoint(*last))})));
    if (auto st = check_shard_coin(header, rec->first, rec->second); !st)
        return std::unexpected(*(failed = at_coin(st.error())));
    last = rec->first;
    ++coins_read;
    return std::optional<std::pair<OutPoint, Coin>>(std::move(*rec));
}

Result<ShardReader> ShardReader::open(const std::filesystem::path& path, std::size_t buffer_size) {
    UTXO_TRY_ASSIGN(auto file, ChunkedFileReader::open(path, buffer_size, IoWording::ours));
    ByteView head = file.unread();
    auto header = decode_shard_header(head.first(std::min(head.size(), ShardHeader::kSize)));
    if (!header)
        return fail(header.error().code, fmt::format("{}: {}", path.string(), header.error().message));
    file.skip(ShardHeader::kSize);
    auto impl = std::make_unique<Impl>();
    impl->file = std::move(file);
    impl->header = *header;
    return ShardReader(std::move(impl));
}

ShardReader::ShardReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ShardReader::~ShardReader() = default;
ShardReader::ShardReader(ShardReader&&) noexcept = default;
ShardReader& ShardReader::operator=(ShardReader&&) noexcept = default;

const ShardHeader& ShardReader::header() const { return impl_->header; }
Result<std::optional<std::pair<OutPoint, Coin>>> ShardReader::next() { return impl_->next(); }

}  // namespace utxo::core

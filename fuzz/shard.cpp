// Shard files are downloaded from strangers. Readers that see them: the record decoder over a byte
// span (read_shard_coin, used by the store's scans), the streaming ShardReader over a file, and,
// for files checked only against an unsigned manifest (a previous release given to an authority,
// indexer/previous_release.h), RawShardReader and the record skipper that copies records as they
// are (skip_coin, core::apply_patch_unchecked). Each must end in a value or an error, and
// skip_coin must step over exactly the bytes the raw decoder reads.
#include "core/shard.h"

#include "core/coin.h"
#include "core/serialize.h"
#include "core/shard_merge.h"
#include "fuzz_input.h"

using namespace utxo;

namespace {

// Coins the span decoder reads before its first error, or nullopt when the header is refused.
std::optional<std::size_t> coins_in_span(core::ByteView in) {
    if (in.size() < core::ShardHeader::kSize) return std::nullopt;
    auto header = core::decode_shard_header(in.first(core::ShardHeader::kSize));
    if (!header) return std::nullopt;
    core::Reader reader(in.subspan(core::ShardHeader::kSize));
    std::size_t coins = 0;
    while (!reader.empty()) {
        auto coin = core::read_shard_coin(reader);
        if (!coin) break;
        (void)core::check_shard_coin(*header, coin->first, coin->second);
        ++coins;
    }
    return coins;
}

// Over the same records, the skipper and the raw decoder agree on where each record ends.
void skip_agrees_with_raw_decoder(core::ByteView in) {
    if (in.size() < core::ShardHeader::kSize) return;
    core::Reader decoding(in.subspan(core::ShardHeader::kSize));
    core::Reader skipping(in.subspan(core::ShardHeader::kSize));
    core::OutPoint outpoint;
    core::Coin coin;
    while (!decoding.empty()) {
        const bool decoded = static_cast<bool>(core::read_shard_coin_raw(decoding, outpoint, coin));
        bool skipped = static_cast<bool>(skipping.hash<core::TxidTag>()) &&
                       static_cast<bool>(skipping.compact_size(UINT32_MAX));
        skipped = skipped && static_cast<bool>(core::skip_coin(skipping));
        if (decoded != skipped) __builtin_trap();
        if (!decoded) break;
        if (decoding.position() != skipping.position()) __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)coins_in_span(fuzz::bytes(data, size));
    skip_agrees_with_raw_decoder(fuzz::bytes(data, size));
    const auto file = fuzz::scratch_file(fuzz::text(data, size));
    if (auto raw = core::RawShardReader::open(file)) {
        core::ShardRecord record;
        for (auto more = raw->next(record); more && *more; more = raw->next(record)) {
        }
    }
    auto reader = core::ShardReader::open(file, 4096);
    if (!reader) return 0;
    while (true) {
        auto next = reader->next();
        if (!next || !*next) break;
    }
    return 0;
}

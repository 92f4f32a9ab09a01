// Shard files are downloaded from strangers. Two readers see them: the record decoder over a byte
// span (read_shard_coin, used by the store's scans) and the streaming ShardReader over a file.
// Both must end in a value or an error, and must agree on how many coins a file holds.
#include "core/shard.h"

#include "core/serialize.h"
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)coins_in_span(fuzz::bytes(data, size));
    auto reader = core::ShardReader::open(fuzz::scratch_file(fuzz::text(data, size)), 4096);
    if (!reader) return 0;
    while (true) {
        auto next = reader->next();
        if (!next || !*next) break;
    }
    return 0;
}

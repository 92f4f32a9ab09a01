#include "core/header_fields.h"

#include <fmt/format.h>

#include <cstring>

#include "core/shard.h"

namespace utxo::core {

Result<std::uint16_t> read_header_version(Reader& r, std::string_view kind) {
    UTXO_TRY_ASSIGN(auto version, r.u16());
    if (version != 1)
        return fail(Errc::invalid, fmt::format("{} version {} is not supported (only 1)", kind, version));
    return version;
}

Result<Network> read_header_network(Reader& r, std::string_view kind) {
    UTXO_TRY_ASSIGN(auto bytes, r.bytes(4));
    NetworkMagic magic;
    std::memcpy(magic.data(), bytes.data(), magic.size());
    auto net = network_from_magic(magic);
    if (!net) return fail(Errc::invalid, fmt::format("{} has unknown network magic {}", kind, to_hex(magic)));
    return *net;
}

Status check_shard_slot(std::uint32_t shard_index, std::uint32_t shard_count) {
    if (!valid_shard_count(shard_count))
        return fail(Errc::invalid, fmt::format("shard count {} is not a power of two between 1 and {}",
                                               shard_count, kMaxShardCount));
    if (shard_index >= shard_count)
        return fail(Errc::invalid,
                    fmt::format("shard index {} is not below the shard count {}", shard_index, shard_count));
    return {};
}

}  // namespace utxo::core

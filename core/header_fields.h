// Header fields our own release formats (shard file, patch file) share, read and checked once so
// the two formats cannot drift apart. Bitcoin Core's snapshot header has its own rules and wording.
#pragma once
#include <cstdint>
#include <string_view>

#include "core/error.h"
#include "core/network.h"
#include "core/serialize.h"

namespace utxo::core {

// The format version u16, which must be 1. kind names the file in the message ("shard file").
[[nodiscard]] Result<std::uint16_t> read_header_version(Reader& r, std::string_view kind);
// The 4-byte network magic, which must name a known network.
[[nodiscard]] Result<Network> read_header_network(Reader& r, std::string_view kind);
// The shard a header names: a count that valid_shard_count accepts and an index below it.
[[nodiscard]] Status check_shard_slot(std::uint32_t shard_index, std::uint32_t shard_count);

}  // namespace utxo::core

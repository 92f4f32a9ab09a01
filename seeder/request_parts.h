// The two parts of a request that come straight from a peer and need care: the target path
// (decoded segment by segment, with anything that could climb out of a directory refused) and
// the Range header (one byte range, RFC 9110 §14.1.2).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace utxo::seeder {

// "/a/b%20c?q" -> {"a", "b c"}. The query is dropped. Fails (invalid) on a target that does not
// start with '/', a bad percent escape, or a segment that decodes to "." or "..", or contains
// '/', '\\' or NUL (an encoded slash must never become a separator). Empty segments are kept,
// so "/a//b" matches no route rather than a different one.
[[nodiscard]] core::Result<std::vector<std::string>> split_target(std::string_view target);

// A web seed file of a release, as the indexer names them (docs/seeder.md): `NNNNN.shard` under
// `shards`, `NNNNN.patch` under `patches`, five decimal digits. Anything else is not served.
bool is_web_seed_file(std::string_view part, std::string_view name);

struct ByteRange {
    std::uint64_t first = 0;
    std::uint64_t length = 0;
};

// "bytes=a-b", "bytes=a-" or "bytes=-n" against a file of `size` bytes. nullopt when the header
// is malformed, names several ranges, or cannot be satisfied (first byte past the end, empty).
std::optional<ByteRange> parse_range(std::string_view header, std::uint64_t size);

}  // namespace utxo::seeder

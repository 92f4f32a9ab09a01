// Explains why two manifests are not byte-identical, so an authority sees what its indexer
// disagrees on before refusing to sign.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace utxo::signer {

// nullopt if the bytes are identical. Otherwise the first differing JSON field, as a key path
// with both values ("shards[17].sha256: ours 1a2b… theirs 9f8e…"), walking objects in key order
// and arrays in index order; if either side is not JSON, or both parse to the same JSON but differ
// in spelling, the first differing byte offset.
std::optional<std::string> first_difference(std::string_view ours, std::string_view theirs);

}  // namespace utxo::signer

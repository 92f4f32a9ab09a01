// Bencoding (BEP 3), only as far as the project's own formats need it: the DHT pointer's value and
// item file (core/dht_pointer.h) and the manifest torrent (core/manifest_torrent.h).
//
//   integer      i<decimal>e         no leading zeros, no "-0", within int64
//   byte string  <length>:<bytes>    length in decimal without leading zeros
//   list         l<values>e
//   dictionary   d<string key><value>...e   keys unique, sorted by their raw bytes
//
// Why not libtorrent's bdecode: core is linked by the signer, which must link no network code
// (docs/architecture.md, "The signer links no network code"), so core cannot link libtorrent.
//
// decode() takes untrusted bytes: it is bounded (input size, nesting depth, number of values) and
// accepts only the one canonical encoding of a value, so encode(decode(b)) == b for every b it
// accepts. Leading zeros, "-0", unsorted or duplicate keys and bytes after the value are refused.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/error.h"

namespace utxo::core::bencode {

struct Value;
using List = std::vector<Value>;
using Dict = std::vector<std::pair<std::string, Value>>;  // sorted by key, keys unique

struct Value {
    std::variant<std::int64_t, std::string, List, Dict> data;

    Value() : data(std::int64_t{0}) {}
    Value(std::int64_t i) : data(i) {}  // NOLINT: implicit, for building values inline
    Value(std::string s) : data(std::move(s)) {}
    Value(std::string_view s) : data(std::string(s)) {}
    Value(const char* s) : data(std::string(s)) {}
    Value(List l) : data(std::move(l)) {}
    // Sorts the entries by key; the keys must be unique.
    Value(Dict d);

    const std::int64_t* integer() const { return std::get_if<std::int64_t>(&data); }
    const std::string* string() const { return std::get_if<std::string>(&data); }
    const List* list() const { return std::get_if<List>(&data); }
    const Dict* dict() const { return std::get_if<Dict>(&data); }
    // The value under `key` of a dictionary; nullptr if absent or this is not a dictionary.
    const Value* find(std::string_view key) const;

    friend bool operator==(const Value&, const Value&) = default;
};

std::string encode(const Value& value);

struct Limits {
    std::size_t max_bytes = 1 << 20;
    std::size_t max_depth = 8;      // nested lists and dictionaries; a dictionary of strings is 1
    std::size_t max_values = 4096;  // every integer, string, list and dictionary counts one
};

// One whole value, nothing after it. Errors: Errc::truncated (input ends inside a value),
// Errc::non_canonical (leading zeros, "-0", keys out of order or repeated, bytes after the value),
// Errc::too_large (beyond `limits`, an integer beyond int64), Errc::invalid (anything else); the
// message names the offset.
[[nodiscard]] Result<Value> decode(std::string_view bytes, const Limits& limits);

}  // namespace utxo::core::bencode

// JSON from strangers, parsed only after a pass that allocates nothing has checked its shape: a
// nesting depth and a count of values. Without it a 16 MB body of '[' builds a document tree of
// hundreds of MB (nlohmann's DOM costs tens of bytes per value, more than the text it came from).
#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/error.h"

namespace utxo::core {

struct JsonBounds {
    std::size_t max_depth = 8;          // arrays and objects nested at most this deep
    std::size_t max_values = 1u << 20;  // scalars, arrays, objects and keys together
};

// Errc::invalid "not JSON (...)", "nested deeper than N levels" or "more than N values"; the
// caller adds whose answer it was. Otherwise the parsed document, bounded in size by the text and
// max_values.
// The check alone, for text that is parsed later by code of its own (a manifest: core/agreement.h).
[[nodiscard]] Status check_json_shape(std::string_view text, const JsonBounds& bounds);
[[nodiscard]] Result<nlohmann::json> parse_bounded_json(std::string_view text, const JsonBounds& bounds);

}  // namespace utxo::core

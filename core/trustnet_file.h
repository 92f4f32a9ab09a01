// The trustnet file: which authorities a client requires, in plain text a person can read, diff
// and edit (format: docs/trustnet.md). Parsing keeps every original line, so edits (trustnet/edit.h)
// preserve comments, blank lines and order. The verifier reads it too, so it lives in core.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/minisign.h"
#include "core/network.h"

namespace utxo::core {

inline constexpr std::string_view kTrustnetFormatLine = "utxo-trustnet 1";

struct Authority {
    std::string name;
    MinisignPublicKey key;
    std::vector<std::string> urls;  // where it publishes releases and signatures; may be empty
    std::size_t line = 0;           // 1-based line in the file
};

struct Trustnet {
    Network network = Network::mainnet;
    std::optional<std::uint32_t> require_k;  // nullopt: "require all" (the default)
    std::vector<Authority> authorities;      // in file order
    // "max-age DURATION": the newest accepted release must have been signed at most this long ago
    // (the freeze alarm, core/release_age.h); nullopt: no such line, no limit.
    std::optional<std::chrono::seconds> max_age;

    std::size_t required() const { return require_k ? *require_k : authorities.size(); }
    const Authority* find(const KeyId& id) const;
    const Authority* find(std::string_view name) const;
};

struct Problem {
    std::size_t line;  // 1-based; 0 for the file as a whole
    std::string message;
};

struct TrustnetDocument {
    std::vector<std::string> lines;  // the file as written, without line endings
    Trustnet trustnet;
};

// Syntax, duplicate names and duplicate keys: everything that makes a file unusable. Errors read
// "line N: ...". A file with no authorities, or "require K" above their count, still parses so it
// can be edited; check_trustnet reports those.
[[nodiscard]] Result<TrustnetDocument> parse_trustnet(std::string_view text);
// Every problem, with line numbers, including the semantic ones above. Empty means usable.
std::vector<Problem> check_trustnet(std::string_view text);
std::string render(const TrustnetDocument& doc);  // lines joined, with a final newline
// Reads and parses the file; refuses one larger than 1 MiB.
[[nodiscard]] Result<TrustnetDocument> load_trustnet(const std::filesystem::path& path);

// max-age's DURATION: a positive decimal integer without leading zeros and one unit, s, m, h or d
// ("90m", "48h", "7d"), at most kMaxMaxAge. nullopt for anything else.
inline constexpr std::chrono::seconds kMaxMaxAge{3650LL * 86400};
std::optional<std::chrono::seconds> parse_max_age(std::string_view text);
// The DURATION spelling in the largest unit that is exact: 172800 s is "2d", 5400 s "90m". Parses
// back to the same value.
std::string format_max_age(std::chrono::seconds duration);
std::string max_age_line(std::chrono::seconds duration);  // "max-age 2d"

// An authority's name: valid_authority_name (core/minisign.h).
bool valid_url(std::string_view url);
std::string authority_line(const Authority& authority);

}  // namespace utxo::core

// Edits of a trustnet document (the file format is core/trustnet_file.h). Each keeps every other
// line (comments, blank lines, order) as written, and the result always parses again.
#pragma once
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/agreement.h"
#include "core/error.h"
#include "core/trustnet_file.h"

namespace utxo::trustnet {

// The text `init` writes: a comment pointing at the docs, the format line, network, require all.
std::string initial_trustnet(core::Network network);

// Appends "authority NAME KEY URL..." after the last authority line (or at the end). Refuses a
// bad name or URL (Errc::usage) and a name, key or key id already listed (Errc::mismatch).
[[nodiscard]] core::Status add_authority(core::TrustnetDocument& doc, std::string name,
                                         const core::MinisignPublicKey& key, std::vector<std::string> urls);
// Removes that authority's line only. Errc::not_found if no such name; Errc::usage if the
// remaining authorities would be fewer than "require K".
[[nodiscard]] core::Status remove_authority(core::TrustnetDocument& doc, std::string_view name);

// Sets "max-age DURATION" (written as given, once parse_max_age accepts it) or, with nullopt,
// removes that line. An existing max-age line is replaced where it stands; a new one goes after the
// require line (else after the network line, else at the end). Errc::usage for a DURATION
// parse_max_age refuses. Removing when there is none changes nothing.
[[nodiscard]] core::Status set_max_age(core::TrustnetDocument& doc, std::optional<std::string_view> duration);

// Atomically replaces the file (the old file's mode is kept).
[[nodiscard]] core::Status save_trustnet(const std::filesystem::path& path, const core::TrustnetDocument& doc,
                                         const std::function<void()>& before_rename = {});

}  // namespace utxo::trustnet

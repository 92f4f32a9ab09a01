// Adds trackers (BEP 3 `announce`, BEP 12 `announce-list`) and web seeds (BEP 19 `url-list`) to a
// .torrent file outside its info dictionary. The info dictionary's bytes are copied verbatim, never
// re-encoded, so the infohash cannot change whatever the input looks like.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace utxo::seeder {

// torrent: a bencoded dictionary with an `info` key (Errc::invalid otherwise, or when anything
// follows it). Existing announce, announce-list and url-list keys are replaced; with no trackers
// (or no web seeds) the keys are left out. Each tracker gets its own tier, tried in the given order.
[[nodiscard]] core::Result<std::string> decorate_torrent(std::string_view torrent,
                                                         const std::vector<std::string>& trackers,
                                                         const std::vector<std::string>& web_seeds);

// The raw bytes of the top-level `info` value (what the v1 infohash is the SHA-1 of).
[[nodiscard]] core::Result<std::string_view> info_dict_bytes(std::string_view torrent);

}  // namespace utxo::seeder

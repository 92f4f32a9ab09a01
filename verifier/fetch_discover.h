// Discovery for `fetch`: what the seeders offer (GET /v1/releases, docs/seeder-http.md), and which
// offered release the agreement rule (core/agreement.h) accepts, newest first.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/agreement.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/manifest.h"
#include "core/network.h"
#include "core/trustnet_file.h"
#include "core/types.h"
#include "verifier/fetch_url.h"

namespace utxo::verifier {

struct TorrentOffer {
    core::InfoHash infohash;      // as the seeder claims it
    HttpUrl torrent;              // the .torrent file (trackers and web seed included)
    std::vector<HostPort> peers;  // the magnet's x.pe hints: the seeder's own BitTorrent address
};

// One release as one source lists it. Nothing here is trusted until the manifest is accepted.
struct Offer {
    HttpUrl source;  // the seeder (or authority URL) that listed it
    core::Network network = core::Network::regtest;
    core::Height height;
    std::optional<core::BlockHash> block_hash;  // as listed: nullopt when absent or not a block hash
    HttpUrl manifest;
    std::vector<HttpUrl> signatures;
    std::optional<TorrentOffer> shards;
    std::optional<TorrentOffer> patches;
};

// Parses one /v1/releases answer. Entries that are unusable (unknown network, bad URL, ...) are
// left out, each with a sentence in `skipped`; a body that is not the expected JSON fails.
[[nodiscard]] core::Result<std::vector<Offer>> parse_release_list(const HttpUrl& source,
                                                                  std::string_view body,
                                                                  std::vector<std::string>& skipped);

// The accepted release and every offer that serves byte-identical manifest bytes.
struct Accepted {
    std::string manifest_bytes;
    core::Manifest manifest;
    core::Verdict verdict;
    std::vector<Offer> offers;  // download sources, in source order
};

struct Discovery {
    std::optional<Accepted> accepted;
    // Nothing accepted: the refusal that decides (a conflict at any height offered above the
    // installed one wins; otherwise the newest release's refusal). none with up_to_date.
    core::Refusal refusal = core::Refusal::none;
    std::string message;      // one sentence for the user
    bool up_to_date = false;  // nothing above the installed height is offered
};

// Lists every source (failures of single sources are warnings; Errc::io if none answers), then
// evaluates the offered releases above `installed_height` from the newest down and keeps the
// first one accepted. A conflict stops the search: a signed contradiction is never out-voted by
// an older release.
[[nodiscard]] core::Result<Discovery> discover(const core::Trustnet& trustnet,
                                               const std::vector<HttpUrl>& sources,
                                               std::optional<core::Height> installed_height);

}  // namespace utxo::verifier

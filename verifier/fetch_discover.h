// Discovery for `fetch`: what the seeders offer (GET /v1/releases, docs/seeder-http.md), and which
// offered release the agreement rule (core/agreement.h) accepts, newest first.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
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
    core::InfoHash infohash;  // as the seeder claims it
    // The .torrent file (trackers and web seed included); nullopt for a DHT pointer's torrents,
    // whose metadata comes from the swarm (BEP 9) and is checked against the manifest the same way.
    std::optional<HttpUrl> torrent;
    std::vector<HostPort> peers;  // the magnet's x.pe hints: the seeder's own BitTorrent address
};

// One release as one source lists it. Nothing here is trusted until the manifest is accepted.
struct Offer {
    HttpUrl source;   // the seeder (or authority URL) that listed it; empty for DHT pointers
    std::string via;  // what gave an offer that no seeder listed ("the DHT pointers of alice, bob")
    core::Network network = core::Network::regtest;
    core::Height height;
    std::optional<core::BlockHash> block_hash;  // as listed: nullopt when absent or not a block hash
    HttpUrl manifest;
    std::vector<HttpUrl> signatures;
    std::optional<TorrentOffer> shards;
    std::optional<TorrentOffer> patches;
    // Where the offer came from, for messages: the manifest's URL, or `via`.
    std::string origin() const { return via.empty() ? manifest.str() : via; }
};

// An offer whose manifest and signature files are already in hand (the DHT pointers of
// fetch_dht.h), judged together with the sources' offers: its signatures add to those of
// byte-identical manifests from seeders, and a different signed manifest at its height conflicts.
struct ReadyOffer {
    Offer offer;
    std::shared_ptr<const std::string> manifest;
    std::vector<core::SignatureFile> signatures;
};

// What one discovery may cost, whatever the sources send (docs/verifier.md lists the defaults).
// Sources are asked at once, each on a thread of its own; a source's requests follow one another.
struct DiscoveryLimits {
    std::chrono::seconds timeout{60};            // the whole discovery, wall clock (--discovery-timeout)
    std::chrono::seconds request_timeout{20};    // each step of one request (connect, send, header, body)
    std::size_t max_list_bytes = 4u << 20;       // one /v1/releases (~1 KB a release)
    std::size_t max_manifest_bytes = 24u << 20;  // 65536 shards with patches are ~18 MB
    std::size_t max_signature_bytes = 8u << 10;  // a minisign signature file is ~400 bytes
    std::size_t offers_per_source = 8;           // a source's newest offers above the installed height
    std::size_t max_heights = 16;                // heights tried, newest first
    std::size_t max_offers_per_height = 16;      // copies of one height asked for, in source order
    std::size_t max_manifests_per_height = 4;    // different manifest bytes kept for one height
    std::uint64_t max_total_bytes = 128u << 20;  // everything discovery downloads, all sources
};

// Parses one /v1/releases answer (at most 6 levels deep and 200,000 JSON values, checked before a
// document is built). Entries that are unusable (unknown network, bad URL, a manifest URL on
// another origin, ...) are left out, each with a sentence in `skipped`; a body that is not the
// expected JSON fails. Every URL must be on the source's origin (scheme, host, port) or on one of
// `other_origins` (the trustnet authorities' "http://host:port"): other signature URLs and
// torrents are dropped with a sentence in `skipped`.
[[nodiscard]] core::Result<std::vector<Offer>> parse_release_list(
    const HttpUrl& source, std::string_view body, std::vector<std::string>& skipped,
    const std::vector<std::string>& other_origins = {});

// The key ID a signature URL names: ".../manifest.json.<16 hex digits>.minisig" (as utxo-signer
// names the files and the seeder lists them), or nullopt.
std::optional<core::KeyId> signature_key_id(const HttpUrl& url);

// The accepted release and every offer that serves byte-identical manifest bytes.
struct Accepted {
    std::string manifest_bytes;
    core::Manifest manifest;
    core::Verdict verdict;
    std::vector<Offer> offers;  // download sources, in source order
};

// A release above the one accepted (or installed) that is refused only for signatures not given
// yet: valid as far as it is signed, with no contradiction. Authorities may sign minutes or hours
// apart, so this is a wait, not a refusal.
struct Waiting {
    core::Network network = core::Network::regtest;
    core::Height height;
    std::vector<std::string> signers;  // who signed it, trustnet order
    std::vector<std::string> missing;  // trustnet authorities who have not, trustnet order
    std::size_t required = 0;          // signatures the trustnet requires
};

// "waiting for carol to sign regtest height 300 (signed by alice, bob; 3 required)"
std::string waiting_line(const Waiting& w);

struct Discovery {
    std::optional<Accepted> accepted;
    // Nothing accepted: the refusal that decides (a conflict at any height offered above the
    // installed one wins; otherwise the newest release's refusal). none with up_to_date.
    core::Refusal refusal = core::Refusal::none;
    std::string message;  // one sentence for the user
    // Nothing to install: nothing above the installed height is offered, or what is offered above it
    // lacks signatures only (then `waiting` says whose) and the installed release is the newest one
    // the trustnet accepts.
    bool up_to_date = false;
    // The newest release above `accepted` (or above the installed one, with up_to_date) that waits
    // for signatures only.
    std::optional<Waiting> waiting;
};

// Lists every source at once (failures of single sources are warnings; Errc::io if none answers
// before the deadline), then evaluates the offered releases above `installed_height` from the
// newest down and keeps the first one accepted. A conflict stops the search: a signed
// contradiction is never out-voted by an older release. Only signature files of trustnet keys are
// fetched, and a manifest only for an offer that has one. Once a release is accepted, sources
// still busy with higher heights are waited for at most one request timeout more (a slow or lying
// source cannot hold an honest one back longer); at the deadline, what is known decides.
//
// `ready` (non-null: the DHT answered) is one more source that has answered, with these offers
// (maybe none); with it, `sources` may be empty. `at_most` sets aside offers above that height:
// the newest accepted release at or below it (a patch chain's intermediate release).
[[nodiscard]] core::Result<Discovery> discover(const core::Trustnet& trustnet,
                                               const std::vector<HttpUrl>& sources,
                                               std::optional<core::Height> installed_height,
                                               const DiscoveryLimits& limits = {},
                                               const std::vector<ReadyOffer>* ready = nullptr,
                                               std::optional<core::Height> at_most = std::nullopt);

}  // namespace utxo::verifier

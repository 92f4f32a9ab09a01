// `utxo-verifier fetch`: discover releases, apply the agreement rule, download over BitTorrent,
// install into the store (or move it forward with patches), then seed back.
//
// Order of events, and why a crash anywhere is harmless:
//   1. discovery and agreement (network only; nothing written)
//   2. the release's files download into Store::staging_dir(m) (the installed release is untouched)
//   3. Store::install / forward verify every staged file against the signed manifest and switch
//      the installed release in one LMDB transaction
//   4. seeding from the installed files until the ratio, the timeout or a signal
// A rerun after a crash re-adds the torrent over the staged files; libtorrent checks them and
// downloads only what is missing.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/manifest.h"

namespace utxo::verifier {

struct FetchOptions {
    std::filesystem::path trustnet;
    std::vector<std::string> seeders;  // base URLs, e.g. http://127.0.0.1:8080
    std::filesystem::path db;
    // Wallet mode: only the shards of these. None of the three: the installed release's shards
    // again (all of them on a first fetch).
    std::vector<std::string> addresses;
    std::vector<std::string> scripts;  // scriptPubKey hex
    bool all = false;
    double seed_ratio = 2.0;  // keep seeding until uploaded >= ratio x downloaded; 0: stop at once
    std::chrono::seconds seed_timeout{600};
    std::chrono::seconds stall_timeout{120};
    // Discovery (listing, signatures, manifests, the agreement rule) as a whole, wall clock.
    std::chrono::seconds discovery_timeout{60};
    bool web_seeds = true;  // false: BitTorrent peers only (--no-web-seeds)
    std::string listen = "0.0.0.0:6881,[::]:6881";
    // --dht: the authorities' release pointers and the swarm's peers from the BitTorrent DHT
    // (fetch_dht.h), bootstrapped from `dht_nodes` (HOST:PORT) or, without them, the public DHT.
    bool dht = false;
    std::vector<std::string> dht_nodes;
    std::string dht_listen = "0.0.0.0:0";  // the DHT node that gets (and re-puts) the pointers; 0: any port
    bool progress = false;  // draw the progress line (the command sets it when stderr is a terminal)
};

// Told each line for stdout as it happens: the verdict and "installed" must show while the client
// goes on seeding.
using Say = std::function<void(const std::string& line)>;

// What a fetch ends with: the lines for stdout left at the end (up to date, what was seeded), and
// the freeze alarm when the release the store now holds (the newest the trustnet accepts) is older
// than the trustnet's max-age, or its age cannot be told under one (core/release_age.h's line).
struct FetchOutcome {
    std::vector<std::string> lines;
    std::optional<std::string> stale;
};

// Stops downloading or seeding at the next loop turn once `stop` is true. Errc::rejected is a
// negative verdict (the agreement rule refused, a conflict, data that contradicts the signed
// release); every other code is usage or I/O trouble.
[[nodiscard]] core::Result<FetchOutcome> run_fetch(const FetchOptions& options, const std::atomic<bool>& stop,
                                                   const Say& say);

// The shards a wallet needs: shard_of(script) for every script and every address (decoded for
// `network`), sorted and unique. Errc::usage names a bad address or hex.
[[nodiscard]] core::Result<std::vector<std::uint32_t>> wallet_shards(
    const std::vector<std::string>& addresses, const std::vector<std::string>& scripts, core::Network network,
    std::uint32_t shard_count);

}  // namespace utxo::verifier

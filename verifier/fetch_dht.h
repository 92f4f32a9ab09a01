// fetch --dht: the trustnet authorities' release pointers from the BitTorrent DHT (BEP 44 items,
// core/dht_pointer.h) turned into offers for discover(), with no server involved:
//   1. each authority's item under (its minisign key, dht_salt(network)), re-verified;
//   2. an item older (lower seq) than one this store saw before is a replay: refused, named;
//   3. the pointers above the installed height, grouped by the manifest they name, newest first;
//      each manifest through its manifest torrent (metadata and file from the swarm's peers),
//      checked against the SHA-256 the pointers carry;
//   4. each group becomes a ReadyOffer: the manifest and every pointer's .minisig, rebuilt byte for
//      byte, so the unchanged agreement rule decides (a missing pointer is a missing signature, two
//      pointers naming different manifests at one height a conflict).
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/dht_pointer.h"
#include "core/error.h"
#include "core/trustnet_file.h"
#include "verifier/fetch_discover.h"
#include "verifier/fetch_torrent.h"
#include "verifier/store.h"

namespace utxo::net {
class Dht;
}

namespace utxo::verifier {

// An authority's verified pointer.
struct AuthorityPointer {
    std::string authority;  // trustnet name
    core::DhtItem item;
    core::DhtPointer pointer;
};

struct DhtFound {
    std::vector<ReadyOffer> offers;
    std::vector<AuthorityPointer> pointers;          // every usable pointer, trustnet order
    std::vector<std::string> seeders;                // seeder URLs the pointers name, once each
    std::size_t items = 0;                           // authorities whose item the DHT gave (usable or not)
    std::chrono::steady_clock::time_point deadline;  // of the gets
};

struct DhtLimits {
    std::chrono::seconds get_timeout{20};        // one authority's item
    std::chrono::seconds timeout{60};            // every get together (fetch's --discovery-timeout)
    std::uint64_t max_total_bytes = 128u << 20;  // the manifests together (discovery's own cap)
    std::size_t max_heights = 4;                 // pointer heights whose manifests are fetched, newest first
    std::size_t max_manifests_per_height = 4;
    std::size_t max_manifest_bytes = 24u << 20;
};

// Steps 1-4 above. Trouble with one authority's pointer or one manifest is a warning naming it (the
// rule then counts that signature as missing); errors are the store's.
[[nodiscard]] core::Result<DhtFound> dht_offers(net::Dht& dht, Swarm& swarm, Store& store,
                                                const core::Trustnet& tn,
                                                std::optional<core::Height> installed,
                                                const DhtLimits& limits, const std::atomic<bool>& stop);

}  // namespace utxo::verifier

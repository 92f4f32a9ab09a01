// --dht: puts the pre-signed release pointers found in the kept releases (manifest.json.<KEYID>.dht,
// written by utxo-signer sign) into the BitTorrent DHT, and again every --dht-republish seconds, so
// an authority's pointer stays findable while its key and machine are offline. No key is needed:
// the items are signed already and are put exactly as they are. For each authority key and network
// only the item with the highest seq is put (DHT nodes keep only the highest). Puts run on a thread
// of their own: a slow DHT never holds up the rescan loop.
#pragma once
#include <memory>

#include "core/error.h"
#include "seeder/metrics.h"
#include "seeder/options.h"
#include "seeder/release_catalog.h"

namespace utxo::seeder {

class DhtPublisher {
public:
    [[nodiscard]] static core::Result<std::unique_ptr<DhtPublisher>> start(const Options& options,
                                                                           Metrics& metrics);
    ~DhtPublisher();  // stops the thread; a put in flight ends first (within its timeout)
    DhtPublisher(const DhtPublisher&) = delete;
    DhtPublisher& operator=(const DhtPublisher&) = delete;

    // The snapshot now seeded: items that are new or changed are put at once.
    void offer(std::shared_ptr<const Catalog> catalog);

private:
    struct Impl;
    explicit DhtPublisher(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace utxo::seeder

// One client's hold on its store for fetching, shared by `fetch` (one round, then seeding back) and
// `follow` (a round every interval, seeding in between): the store, locked for the whole session,
// the BitTorrent session and, with --dht, the DHT node. Not a public interface.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/dir_lock.h"
#include "core/error.h"
#include "net/dht.h"
#include "verifier/fetch.h"
#include "verifier/fetch_discover.h"
#include "verifier/fetch_internal.h"
#include "verifier/store.h"

namespace utxo::verifier {

struct ShardPlan {
    std::vector<std::uint32_t> shards;
    bool full = true;
};

struct FetchSession {
    FetchOptions options;
    core::DirLock lock;  // one writer per store, held to the end
    Store store;
    std::optional<net::Dht> dht;  // --dht
    std::optional<Swarm> swarm;   // started by the first round that needs it
};

// Takes the store's lock (Errc::busy-style io error naming the holder at once), opens the store,
// and with --dht starts the DHT node and the swarm.
[[nodiscard]] core::Result<std::unique_ptr<FetchSession>> open_fetch_session(const FetchOptions& options);

// What one round did.
struct Round {
    // The release installed by this round (nullopt: nothing new was installed).
    std::optional<Accepted> installed;
    std::uint64_t downloaded = 0;
    ShardPlan plan;
    std::optional<ReleaseTorrent> shards;  // the installed release's shards torrent, for seeding
    // Lines for the end: the waiting line ("waiting for carol to sign ..."), then, when nothing was
    // installed, "no release above the installed height H is offered" (or "... fully signed yet").
    std::vector<std::string> end_lines;
    std::optional<Waiting> waiting;
    core::Trustnet trustnet;  // as read for this round
};

// One round: reads the trustnet again, discovers, applies the agreement rule, and installs the
// newest accepted release (moving forward with patches when they are cheaper), then puts its DHT
// pointers back. Says the verdict and "installed ..." as they happen. Errc::rejected for a negative
// verdict; other codes are trouble. Nothing is seeded here.
[[nodiscard]] core::Result<Round> fetch_round(FetchSession& session, const std::atomic<bool>& stop,
                                              const Say& say);

// The installed release's shards torrent as install kept it (DIR/releases/.../shards.torrent),
// checked against the installed manifest; nullopt when there is none.
[[nodiscard]] std::optional<ReleaseTorrent> installed_shards_torrent(const Installed& cur);

// Seeds the installed release's held shards (and, with --dht, its manifest torrent) until
// `upload_goal` bytes went up, `timeout` passed or `stop`. Returns the bytes uploaded; `progress`
// sees each sample (peers, rates).
[[nodiscard]] core::Result<std::uint64_t> seed_installed(FetchSession& session, const ReleaseTorrent& t,
                                                         std::uint64_t upload_goal,
                                                         std::chrono::seconds timeout,
                                                         const ProgressFn& progress,
                                                         const std::atomic<bool>& stop);

}  // namespace utxo::verifier

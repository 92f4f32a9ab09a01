// BitTorrent for `fetch`: one libtorrent session that downloads chosen files of a release torrent
// into a directory, then seeds what the store holds. All libtorrent headers stay in
// fetch_torrent.cpp (libtorrent's exported CMake target carries ABI-selecting compile
// definitions, which must not leak to other targets).
//
// Resuming needs no state of our own: when a torrent is added over files already on disk,
// libtorrent checks them piece by piece and downloads only what is missing or wrong, so a fetch
// killed at any moment continues where it stopped.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/hash.h"
#include "net/torrent_file.h"
#include "verifier/fetch_url.h"

namespace utxo::verifier {

// A seeder's .torrent as net::read_torrent reads it, within 64 MiB (a torrent of 65536 shards stays
// far below that). Errc::invalid "not a usable .torrent file (...)" otherwise.
[[nodiscard]] core::Result<net::TorrentContents> read_torrent_facts(std::string_view torrent);

struct SwarmOptions {
    std::string listen = "0.0.0.0:6881,[::]:6881";  // libtorrent listen_interfaces
    // No outgoing uTP: on loopback and LAN uTP runs at ~5 MB/s against hundreds for TCP
    // (libtorrent 2.0's connect_peer tries uTP first: torrent_peer::supports_utp starts out true).
    bool tcp_only = false;
    // A download that gains no byte for this long fails (with the hash failures seen, if any).
    std::chrono::seconds stall_timeout{120};
    // Use the torrents' web seeds (BEP 19 url-list). Off: BitTorrent peers only.
    bool web_seeds = true;
    // Join the BitTorrent DHT to find peers (fetch --dht): nullopt keeps it off. An empty list
    // bootstraps from the public DHT, a given one from these nodes only (net/dht_settings.h).
    std::optional<std::vector<HostPort>> dht_nodes;
};

struct TransferSample {
    std::uint64_t done = 0;    // wanted bytes on disk and verified
    std::uint64_t wanted = 0;  // bytes of the wanted files
    std::uint64_t rate = 0;    // payload bytes/s
    int peers = 0;             // connected peers, web seeds included
    bool checking = false;     // libtorrent is checking existing files
};
using ProgressFn = std::function<void(const TransferSample&)>;

struct DownloadJob {
    std::string torrent;              // .torrent bytes, already matched against the signed manifest
    std::filesystem::path save_path;  // files land at save_path / <torrent file path>
    std::vector<int> wanted;          // file indices to download; the others get priority 0
    std::vector<HostPort> peers;      // connected directly (and again whenever none is connected)
    // Called (on the downloading thread) with a wanted file's index once all its pieces passed the
    // torrent's hash check and are written. Not called for files found complete on disk at start.
    std::function<void(int)> file_completed;
};

struct SeedJob {
    std::string torrent;
    std::filesystem::path save_path;
    std::vector<int> held;  // file indices on disk and verified
    std::vector<HostPort> peers;
    std::uint64_t upload_goal = 0;  // stop once this many payload bytes went up
    std::chrono::seconds timeout{600};
    // fetch --dht: the release's manifest torrent (core/manifest_torrent.h), seeded from save_path
    // alongside while the job lasts, so clients with only the DHT find manifest.json here too.
    std::string manifest_torrent;
};

class Swarm {
public:
    // Errc::io when the session cannot listen as asked.
    [[nodiscard]] static core::Result<Swarm> start(const SwarmOptions& options);
    ~Swarm();
    Swarm(Swarm&&) noexcept;
    Swarm& operator=(Swarm&&) noexcept;

    // Blocks until every wanted file is complete and flushed, then removes the torrent from the
    // session (and its ".parts" file of partial edge pieces). Returns the payload bytes
    // downloaded. Errc::mismatch when data failed hash checks and no good data came until the
    // stall timeout (a tampered source); Errc::io for a stall, a disk error or `stop`.
    [[nodiscard]] core::Result<std::uint64_t> download(const DownloadJob& job, const ProgressFn& progress,
                                                       const std::atomic<bool>& stop);
    // The metadata (info dictionary) of `infohash` from the swarm's peers (BEP 9), found through the
    // DHT and the `peers` hints, as .torrent bytes ("d4:info<info>e"): at most 64 MiB, within the
    // stall timeout. The caller checks it against what was signed. Nothing is downloaded.
    [[nodiscard]] core::Result<std::string> fetch_metadata(const core::InfoHash& infohash,
                                                           const std::vector<HostPort>& peers,
                                                           const std::atomic<bool>& stop);
    // Seeds `held` until upload_goal is reached, the timeout passes or `stop` is set. Returns the
    // payload bytes uploaded.
    [[nodiscard]] core::Result<std::uint64_t> seed(const SeedJob& job, const ProgressFn& progress,
                                                   const std::atomic<bool>& stop);

private:
    struct Impl;
    explicit Swarm(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace utxo::verifier

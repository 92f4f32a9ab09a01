// The BitTorrent side: one libtorrent session seeding release torrents from their directories.
// All libtorrent headers stay in torrent_session.cpp; its settings are made in one place there
// and its alerts are drained by one thread, which also feeds Metrics.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/hash.h"
#include "seeder/metrics.h"
#include "seeder/options.h"

namespace utxo::seeder {

class TorrentSession {
public:
    // Starts listening on options.listen (TCP; no fallback to other ports) with DHT, LSD, UPnP,
    // NAT-PMP and uTP as the options say (all off by default). Fails (io) when the port cannot be
    // bound within a few seconds.
    [[nodiscard]] static core::Result<std::unique_ptr<TorrentSession>> start(const Options& options,
                                                                             Metrics& metrics);
    ~TorrentSession();  // stops the alert loop, then the session (tracker "stopped" waits 3 s at most)
    TorrentSession(const TorrentSession&) = delete;
    TorrentSession& operator=(const TorrentSession&) = delete;

    // Seeds `torrent` (a release's own .torrent bytes) from save_path without hashing anything: the
    // indexer verified the files. Our trackers are added to the announce list. Fails (invalid) when
    // libtorrent cannot parse the torrent, (mismatch) when its infohash is not `infohash`. Without
    // `to_trackers` it is announced in the DHT only (a manifest torrent: not in any whitelist).
    [[nodiscard]] core::Status add(const std::string& key, std::string_view torrent,
                                   const std::filesystem::path& save_path, const core::InfoHash& infohash,
                                   bool to_trackers = true);
    // Stops seeding; the files stay on disk.
    void remove(const std::string& key);
    std::vector<std::string> keys() const;
    std::uint16_t listen_port() const;

private:
    struct Impl;
    explicit TorrentSession(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace utxo::seeder

// What the seeder serves: the kept releases under the releases directory, read into an immutable
// snapshot. The HTTP handler only ever answers from a snapshot, and the rescan loop replaces it as
// releases and signature files come and go.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/hash.h"
#include "core/types.h"

namespace utxo::seeder {

struct ReleaseTorrent {
    std::string part;         // "shards" or "patches": the torrent's name and its directory in the release
    core::InfoHash infohash;  // v1, as the manifest says
    std::string original;     // the release's .torrent bytes (what we seed)
    std::string served;       // the same with our trackers and web seed added outside `info`
    std::string magnet;
};

struct Release {
    std::string network;  // "regtest", ...
    core::Height height;
    core::BlockHash block_hash;
    std::string name;  // "<height>-<block hash>"
    std::filesystem::path dir;
    std::string manifest;                 // manifest.json bytes
    std::vector<std::string> signatures;  // "manifest.json.<KEYID>.minisig" names present, sorted
    std::vector<std::string> dht_items;   // "manifest.json.<KEYID>.dht" names present, sorted (DHT pointers)
    ReleaseTorrent shards;
    std::optional<ReleaseTorrent> patches;

    std::string key() const { return network + "/" + name; }
    const ReleaseTorrent* torrent(std::string_view part) const;
};

// How links in the snapshot are written.
struct LinkConfig {
    std::string http_base_url;  // "http://127.0.0.1:8080"
    std::string peer;           // our BitTorrent address for magnet x.pe, "127.0.0.1:6881"
    std::vector<std::string> trackers;
};

struct Catalog {
    std::filesystem::path root;  // weakly_canonical releases directory
    LinkConfig links;
    std::vector<Release> releases;  // newest first (height, then network and name)

    const Release* find(std::string_view network, std::string_view name) const;
};

// A release directory that was skipped, and why (logged once by the caller).
struct ScanProblem {
    std::filesystem::path dir;
    std::string message;
};

struct ScanResult {
    std::shared_ptr<const Catalog> catalog;
    std::vector<ScanProblem> problems;
};

// Reads RELEASES/<network>/<height>-<hash>/ (names that fit, with a manifest.json; `.tmp-*` and
// everything else ignored) and keeps the newest `keep` good ones per network (a broken
// directory is reported in `problems` and does not take a good release's place). Releases already in
// `previous` are reused and only their signature list is re-read, so a rescan costs a few
// directory listings. Fails (io) only when the root itself cannot be read.
[[nodiscard]] core::Result<ScanResult> scan_releases(const std::filesystem::path& root, unsigned keep,
                                                     const LinkConfig& links, const Catalog* previous);

// What `--prune` deletes, given the snapshot being seeded (`seeded`: only releases whose torrents
// are in the session). For each network whose newest `keep` releases are all being seeded: every
// release directory it recognises (a `<height>-<hash>` directory, not a symbolic link, whose
// manifest.json states that network, height and block) with a height below the oldest of them;
// and the `.pruning-<height>-<hash>` directories an interrupted deletion left. Nothing else:
// not `.tmp-*`, not files, not a directory whose manifest is unreadable or contradicts its name.
[[nodiscard]] std::vector<std::filesystem::path> prunable_releases(const Catalog& seeded, unsigned keep);

// Deletes one directory prunable_releases() chose: renamed first to `.pruning-<name>` beside it,
// so it leaves every scan at once and never shows half deleted, then removed. Fails (io) naming
// the directory.
[[nodiscard]] core::Status delete_release(const std::filesystem::path& dir);

// BEP 19 base URL of a release: "<base>/v1/files/<network>/<name>/".
std::string web_seed_url(const LinkConfig& links, const Release& r);
// The served .torrent of a release's part: "<base>/v1/releases/<network>/<name>/<part>.torrent".
std::string torrent_url(const LinkConfig& links, const Release& r, std::string_view part);
// "magnet:?xt=urn:btih:<hex>&dn=<part>&x.pe=<peer>&tr=<tracker>...&ws=<web seed>&xs=<torrent URL>",
// URLs percent-encoded: the web seed (BEP 19) and the .torrent let a client start without
// trackers, peers or the DHT.
std::string magnet_link(const core::InfoHash& infohash, const Release& r, std::string_view part,
                        const LinkConfig& links);
// RFC 3986 percent-encoding of everything but unreserved characters.
std::string url_encode(std::string_view s);

}  // namespace utxo::seeder

namespace utxo::seeder {

// The current snapshot, swapped by the rescan loop and read by HTTP handlers on other threads.
class CatalogBox {
public:
    std::shared_ptr<const Catalog> get() const {
        std::lock_guard lock(mutex_);
        return catalog_;
    }
    void set(std::shared_ptr<const Catalog> c) {
        std::lock_guard lock(mutex_);
        catalog_ = std::move(c);
    }

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const Catalog> catalog_ = std::make_shared<const Catalog>();
};

}  // namespace utxo::seeder

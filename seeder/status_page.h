// GET /: a page for the operator: the kept releases and whose signatures sit beside each, the
// BitTorrent peers and bytes sent, and how each tracker answered. Rendering is a pure function of
// a snapshot, so it is tested without a server.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "seeder/metrics.h"
#include "seeder/release_catalog.h"

namespace utxo::seeder {

struct StatusRelease {
    std::string network;
    std::uint32_t height = 0;
    std::string name;                          // "<height>-<block hash>"
    std::string block_hash;                    // display hex
    std::vector<std::string> signature_files;  // "manifest.json.<KEYID>.minisig", sorted
    std::string patches;                       // "yes" / "no"
};

struct StatusSnapshot {
    std::string version;   // "0.1.0 (f518c74)"
    std::int64_t now = 0;  // unix seconds
    std::vector<StatusRelease> releases;
    std::uint64_t peers = 0;
    std::uint64_t bytes_uploaded = 0;
    std::uint64_t http_bytes_sent = 0;
    std::uint64_t http_connections = 0;
    std::map<std::string, TrackerAnnounces> trackers;  // by announce URL
};

// The KEYID of "manifest.json.<KEYID>.minisig", or the name itself when it does not have that shape.
std::string signature_key_id(const std::string& file);

// What the page shows, from the current catalog and counters; `now` in unix seconds.
StatusSnapshot status_snapshot(const Catalog& catalog, const Metrics& metrics, std::int64_t now);

// The whole HTML page (UTF-8, inline style, no script, no external resource). Every string is
// HTML-escaped: names from the releases directory and tracker URLs are not trusted.
std::string render_status_page(const StatusSnapshot& s);

}  // namespace utxo::seeder

// Configuration of the seeder daemon: one struct, documented defaults. main.cpp fills it from the
// command line; nothing else reads the command line.
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "net/endpoint.h"

namespace utxo::seeder {

using net::HostPort;

struct Options {
    std::filesystem::path releases;  // RELEASES/<network>/<height>-<hash>/ as utxo-indexer writes it
    unsigned keep = 3;               // newest releases kept per network; older ones are dropped (not deleted)
    // --prune: also delete from disk a network's releases older than its newest `keep`, once those
    // are all being seeded (seeder/release_catalog.h prunable_releases).
    bool prune = false;
    HostPort listen{"127.0.0.1", 6881};  // BitTorrent listen address (TCP)
    HostPort http{"127.0.0.1", 8080};    // HTTP API and web seed
    // Base URL peers use to reach the HTTP server ("http://HOST:PORT" by default); set it when
    // the seeder sits behind a proxy or listens on a wildcard address.
    std::string public_http_url;
    // Our BitTorrent address as peers reach it, for magnet x.pe hints (`listen` with the port
    // bound by default); set it behind a NAT, a port forward or a proxy. Empty host: unset.
    HostPort public_peer{"", 0};
    std::vector<std::string> trackers;  // announce URLs added to served torrents, magnets and our announces
    // Kept up to date with the infohashes of the kept releases, one per line, for opentracker's
    // -w whitelist; the tracker with this pid (if > 0) is sent SIGHUP to re-read it.
    std::filesystem::path tracker_whitelist;
    int tracker_pid = 0;
    std::int64_t upload_rate = 0;  // bytes per second, 0 = unlimited; applies to local peers too
    bool dht = false, lsd = false, upnp = false, natpmp = false, utp = false;
    // With dht: bootstrap from these nodes instead of the public DHT (a private or test DHT).
    std::vector<HostPort> dht_nodes;
    // With dht: the node that puts the kept releases' pre-signed pointers (seeder/dht_publisher.h);
    // port 0 is any free port. Unset host: --listen's host.
    HostPort dht_listen{"", 0};
    std::chrono::seconds dht_republish{1800};     // pointers are put again this often (BEP 44 items expire)
    std::chrono::milliseconds rescan{2000};       // how often the releases directory is re-read
    std::chrono::seconds http_header_timeout{5};  // reading a request's header (idle keep-alive included)
    std::chrono::seconds http_timeout{10};        // each write of an answer or chunk, budget wait included
    unsigned max_connections = 256;               // HTTP connections open at once; more are closed at once
    unsigned max_connections_per_ip = 16;         // of those, from one IPv4 address or IPv6 /64
    // Called on the daemon's main thread on SIGHUP, before the releases directory is rescanned:
    // the executable reopens its log file and reads its config file again there (cli/daemon.h).
    std::function<void()> on_hangup;

    // public_http_url, or "http://HOST:PORT" from `http`.
    std::string http_base_url() const;
    // public_peer, or `listen` ("HOST:PORT", the x.pe hint).
    std::string peer_address() const;
};

}  // namespace utxo::seeder

// The DHT settings of a libtorrent session, in one place: net::Dht (net/dht.h) applies them to its
// own session, and the seeder's and the verifier's torrent sessions apply them to theirs when they
// use the DHT to find peers. Names libtorrent's types (forward-declared only), so like
// verifier/hashing_disk_io.h it is included from .cpp files only (scripts/check-deps.py).
//
// The rules:
//  - the DHT is on;
//  - `nodes` empty and not `private_dht`: libtorrent's default public bootstrap nodes (the real
//    DHT); otherwise no bootstrap node at all: the session joins through `nodes` (add_dht_nodes)
//    only, so a private DHT never reaches outside;
//  - a *local* DHT (no public bootstrap, and every node given is a loopback or private address,
//    net::is_local_address) relaxes what protects a node on the Internet and breaks one on one
//    machine or LAN: several nodes may share an IP in the routing table and in lookups
//    (dht_restrict_routing_ips, dht_restrict_search_ips), and the per-IP packet and upload rate
//    limits are raised (at the defaults the nodes of one IP ban each other after 50 packets and
//    stall for 15 s). Never relaxed when a public bootstrap node or a public address is in play.
#pragma once
#include <libtorrent/fwd.hpp>
#include <vector>

#include "net/endpoint.h"

namespace utxo::net {

// No public bootstrap and every given node local: the rate limits and IP restrictions are relaxed.
bool is_local_dht(const std::vector<HostPort>& nodes, bool private_dht);

// The DHT settings above on `pack` (enable_dht, dht_bootstrap_nodes, and for a local DHT the
// restrictions and limits). Leaves the listen interfaces alone: a DHT node on loopback needs an
// explicit "127.0.0.1:PORT" (a wildcard address starts no DHT node on loopback).
void apply_dht_settings(libtorrent::settings_pack& pack, const std::vector<HostPort>& nodes,
                        bool private_dht = false);

// Tells the session's DHT about `nodes` (names are resolved by libtorrent).
void add_dht_nodes(libtorrent::session& session, const std::vector<HostPort>& nodes);

}  // namespace utxo::net

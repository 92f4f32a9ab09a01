// A node of the BitTorrent DHT for BEP 44 mutable items: the authorities' release pointers
// (core/dht_pointer.h). A libtorrent session used only as a DHT node: no torrents, no local peer
// discovery, UPnP or NAT-PMP. libtorrent stays in dht.cpp (pimpl); its settings rules are
// net/dht_settings.h's, shared with the seeder's and the verifier's torrent sessions.
//
// Anyone can put an item that was signed once: a put needs no key, only the signed item. Nothing is
// sent that does not verify (core::verify_dht_item), and every item a get returns has been verified
// again with libsodium here, whatever the responding nodes or libtorrent did.
//
// Threading: every call may come from any thread; calls on one Dht run one at a time (a mutex), each
// pumping the session's alerts until its answer or its deadline. A get of an item whose earlier get
// timed out may be answered by that earlier lookup's late result (the same key and salt, verified
// all the same). A moved-from Dht may only be destroyed or assigned to.
#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/dht_pointer.h"
#include "core/error.h"
#include "net/endpoint.h"

namespace utxo::net {

struct DhtOptions {
    // The UDP (and TCP) address to listen on. The wildcard default serves the Internet; a DHT on
    // loopback needs an explicit 127.0.0.1 (a wildcard address starts no DHT node on loopback).
    // Port 0: a free port, endpoint() says which.
    HostPort listen{"0.0.0.0", 0};
    // Nodes to join through. Empty (and not private_dht): libtorrent's default public bootstrap
    // nodes, the real DHT. Given: only these, never the public ones.
    std::vector<HostPort> nodes;
    // A DHT of our own (tests, a LAN): never the public bootstrap nodes, even with `nodes` empty
    // (the first node of such a DHT; the others join through it).
    bool private_dht = false;
    // start() waits at most this long: for the listen socket and the DHT node, and with `nodes`
    // given for at least one node in the routing table (none by then is an error). On the public
    // DHT it stops waiting at the first node and does not fail without one (bootstrap goes on).
    std::chrono::milliseconds start_timeout{std::chrono::seconds(10)};
};
// When no node but a loopback or private address is involved (net/dht_settings.h), the per-IP rate
// limits and the one-node-per-IP rules are relaxed; never on the public DHT.

struct PutOutcome {
    int nodes_stored = 0;  // nodes that answered the put with success (a node may store a higher seq)
    std::chrono::milliseconds elapsed{0};
};

class Dht {
public:
    // Errc::io when the address cannot be bound, or when `nodes` were given and none of them
    // answered within start_timeout; Errc::usage for an address that is not numeric.
    [[nodiscard]] static core::Result<Dht> start(const DhtOptions& options);

    Dht(Dht&&) noexcept;
    Dht& operator=(Dht&&) noexcept;
    ~Dht();  // leaves the DHT (closes the session; the items it stored are gone with it)

    // Stores `item` on the nodes closest to its target, as signed (its seq and signature unchanged).
    // Refused before anything is sent: Errc::too_large for a value over core::kMaxDhtValueBytes or a
    // salt over 64 bytes; Errc::invalid for a bad signature (we never publish junk), a negative seq
    // or a value that is not canonical bencoding. When no node stored it: Errc::rejected if the
    // lookup found a higher seq stored (named), else Errc::io ("no DHT node stored the item"); also
    // Errc::io when no answer came within `timeout`.
    [[nodiscard]] core::Result<PutOutcome> put(const core::DhtItem& item, std::chrono::milliseconds timeout);

    // The item under (public_key, salt) with the highest seq: the authoritative one, or the best seen
    // by the deadline, or the best seen within kGetSettle after the first valid answer, whichever
    // comes first (a lookup that passed a node which left waits libtorrent's fixed 15 s request
    // timeout before it is authoritative; the answers of the live nodes come in milliseconds).
    // nullopt when no node has one. Errc::too_large for a salt over 64 bytes.
    static constexpr std::chrono::milliseconds kGetSettle{2000};
    [[nodiscard]] core::Result<std::optional<core::DhtItem>> get(
        const std::array<std::uint8_t, 32>& public_key, const std::string& salt,
        std::chrono::milliseconds timeout);

    // Tells the DHT about one more node (names are resolved by libtorrent).
    void add_node(const HostPort& node);
    // The UDP address others can use as a node (the listen address and the actual port).
    HostPort endpoint() const;

private:
    struct Impl;
    explicit Dht(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace utxo::net

// Network endpoints as the tools take them from a command line or a peer: "HOST:PORT" and
// "[V6]:PORT". The one parser for listen addresses, --http options and peer hints.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.h"

namespace utxo::net {

struct HostPort {
    std::string host;  // a numeric IPv4 or IPv6 address (without brackets), or a name
    std::uint16_t port = 0;
    // "127.0.0.1:6881", "[::1]:6881"
    std::string to_string() const;
    friend bool operator==(const HostPort&, const HostPort&) = default;
};

// A listen address, port 0-65535 (0: any free port). Errc::usage, naming the text, on a missing
// or out-of-range port or an empty host.
[[nodiscard]] core::Result<HostPort> parse_host_port(std::string_view text);

// A peer's address, as in a magnet's x.pe: port 1-65535; nullopt if malformed.
std::optional<HostPort> parse_peer_address(std::string_view text);

// True when `host` is a numeric address that never leaves this machine or its local network:
// loopback (127/8, ::1), private IPv4 (10/8, 172.16/12, 192.168/16), link-local (169.254/16,
// fe80::/10) or unique-local IPv6 (fc00::/7). A name is never local (it is not resolved here).
bool is_local_address(std::string_view host);

// A port number from 1 to 65535.
std::optional<std::uint16_t> parse_port(std::string_view text);
// "host", "host:port", "[v6]" or "[v6]:port" -> {host, port text (may be empty)}.
std::optional<std::pair<std::string, std::string>> split_host_port(std::string_view authority);

}  // namespace utxo::net

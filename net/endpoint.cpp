#include "net/endpoint.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <array>
#include <charconv>

namespace utxo::net {

using core::Errc;
using core::fail;

namespace {

// 0-65535; nullopt for anything but plain decimal digits in range.
std::optional<std::uint16_t> port_number(std::string_view text) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

}  // namespace

std::string HostPort::to_string() const {
    if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
    return fmt::format("{}:{}", host, port);
}

core::Result<HostPort> parse_host_port(std::string_view text) {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return fail(Errc::usage, fmt::format("'{}' is not HOST:PORT", text));
    std::string_view host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty()) return fail(Errc::usage, fmt::format("'{}' has no host", text));
    auto port = port_number(text.substr(colon + 1));
    if (!port) return fail(Errc::usage, fmt::format("'{}' has no valid port (0-65535)", text));
    return HostPort{std::string(host), *port};
}

std::optional<HostPort> parse_peer_address(std::string_view text) {
    auto hp = split_host_port(text);
    if (!hp || hp->first.empty()) return std::nullopt;
    auto port = parse_port(hp->second);
    if (!port) return std::nullopt;
    return HostPort{hp->first, *port};
}

bool is_local_address(std::string_view host) {
    const std::string text(host);
    std::array<unsigned char, 16> a{};
    if (inet_pton(AF_INET, text.c_str(), a.data()) == 1) {
        return a[0] == 127 || a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
               (a[0] == 192 && a[1] == 168) || (a[0] == 169 && a[1] == 254);
    }
    if (inet_pton(AF_INET6, text.c_str(), a.data()) == 1) {
        static constexpr std::array<unsigned char, 16> loopback{0, 0, 0, 0, 0, 0, 0, 0,
                                                                0, 0, 0, 0, 0, 0, 0, 1};
        return a == loopback || (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80);
    }
    return false;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
    auto port = port_number(text);
    if (!port || *port == 0) return std::nullopt;
    return port;
}

std::optional<std::pair<std::string, std::string>> split_host_port(std::string_view authority) {
    if (authority.starts_with('[')) {
        auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        auto rest = authority.substr(close + 1);
        if (!rest.empty() && !rest.starts_with(':')) return std::nullopt;
        return std::pair{std::string(authority.substr(1, close - 1)),
                         std::string(rest.empty() ? "" : rest.substr(1))};
    }
    auto colon = authority.rfind(':');
    if (colon == std::string_view::npos) return std::pair{std::string(authority), std::string()};
    return std::pair{std::string(authority.substr(0, colon)), std::string(authority.substr(colon + 1))};
}

}  // namespace utxo::net

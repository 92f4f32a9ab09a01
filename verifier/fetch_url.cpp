// URL and peer-address parsing for fetch_http.h, kept apart from Beast so it compiles fast and
// can be tested alone.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "verifier/fetch_http.h"

namespace utxo::verifier {

using core::Errc;
using core::fail;

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::uint16_t> parse_port(std::string_view s) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || value == 0 || value > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

// Splits "host", "host:port", "[v6]" or "[v6]:port"; the port may be empty.
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

}  // namespace

std::string HttpUrl::origin() const {
    bool v6 = host.find(':') != std::string::npos;
    return fmt::format("http://{}{}{}:{}", v6 ? "[" : "", host, v6 ? "]" : "", port);
}

std::string HttpUrl::str() const { return origin() + path; }

core::Result<HttpUrl> parse_http_url(std::string_view url) {
    constexpr std::string_view scheme = "http://";
    std::string head(url.substr(0, std::min(url.size(), scheme.size())));
    std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
    if (head != scheme) return fail(Errc::usage, fmt::format("{}: only http:// URLs are supported", url));
    std::string_view rest = url.substr(scheme.size());
    auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    if (authority.find('@') != std::string_view::npos)
        return fail(Errc::usage, fmt::format("{}: credentials in a seeder URL are not supported", url));
    auto hp = split_host_port(authority);
    if (!hp || hp->first.empty()) return fail(Errc::usage, fmt::format("{}: the URL names no host", url));
    HttpUrl out;
    out.host = hp->first;
    if (!hp->second.empty()) {
        if (!parse_port(hp->second))
            return fail(Errc::usage, fmt::format("{}: the URL's port is not a number from 1 to 65535", url));
        out.port = hp->second;
    }
    if (slash != std::string_view::npos) out.path = std::string(rest.substr(slash));
    for (char c : out.path)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return fail(Errc::usage,
                        fmt::format("{}: the URL's path holds a space or control character", url));
    return out;
}

core::Result<HttpUrl> resolve_reference(const HttpUrl& base, std::string_view reference) {
    if (reference.starts_with("/") && !reference.starts_with("//")) {
        HttpUrl out = base;
        out.path = std::string(reference);
        for (char c : out.path)
            if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
                return fail(Errc::invalid, "a path holds a space or control character");
        return out;
    }
    return parse_http_url(reference);
}

HttpUrl join_path(const HttpUrl& base, std::string_view relative) {
    HttpUrl out = base;
    while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
    while (relative.starts_with('/')) relative.remove_prefix(1);
    out.path += '/';
    out.path.append(relative);
    return out;
}

std::optional<PeerAddress> parse_peer_address(std::string_view text) {
    auto hp = split_host_port(text);
    if (!hp || hp->first.empty()) return std::nullopt;
    auto port = parse_port(hp->second);
    if (!port) return std::nullopt;
    return PeerAddress{hp->first, *port};
}

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;
        int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi << 4 | lo);
        i += 2;
    }
    return out;
}

}  // namespace utxo::verifier

// URL parsing and Basic authorization for http_client.h, kept apart from Beast.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "indexer/http_client.h"

namespace utxo::indexer {

using core::Errc;
using core::fail;

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Passwords may hold ':' '@' '/' only percent-encoded, as in any URL.
std::optional<std::string> percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        if (i + 2 >= s.size()) return std::nullopt;
        int hi = hex_digit(s[i + 1]), lo = hex_digit(s[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi << 4 | lo);
        i += 2;
    }
    return out;
}

bool all_digits(std::string_view s) {
    return !s.empty() && s.size() <= 5 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string HttpUrl::display() const {
    bool v6 = host.find(':') != std::string::npos;
    return fmt::format("http://{}{}{}:{}{}", v6 ? "[" : "", host, v6 ? "]" : "", port, path == "/" ? "" : path);
}

core::Result<HttpUrl> parse_http_url(std::string_view url) {
    constexpr std::string_view scheme = "http://";
    std::string lower(url.substr(0, std::min(url.size(), scheme.size())));
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower != scheme) return fail(Errc::usage, "only http:// URLs are supported");
    url.remove_prefix(scheme.size());
    HttpUrl out;
    auto slash = url.find('/');
    std::string_view authority = url.substr(0, slash);
    if (slash != std::string_view::npos) out.path = std::string(url.substr(slash));
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
        auto userinfo = percent_decode(authority.substr(0, at));
        if (!userinfo) return fail(Errc::usage, "the URL's user:password has a bad %-escape");
        out.user_password = std::move(*userinfo);
        authority.remove_prefix(at + 1);
    }
    std::string_view host = authority, port;
    if (authority.starts_with('[')) {  // [IPv6]:port
        auto close = authority.find(']');
        if (close == std::string_view::npos) return fail(Errc::usage, "the URL's IPv6 address lacks a ']'");
        host = authority.substr(1, close - 1);
        std::string_view rest = authority.substr(close + 1);
        if (rest.starts_with(':')) port = rest.substr(1);
        else if (!rest.empty()) return fail(Errc::usage, "the URL has text after the IPv6 address");
    } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty()) return fail(Errc::usage, "the URL names no host");
    out.host = std::string(host);
    if (!port.empty()) {
        if (!all_digits(port) || std::stoul(std::string(port)) > 65535)
            return fail(Errc::usage, fmt::format("the URL's port '{}' is not a number from 1 to 65535", port));
        out.port = std::string(port);
    }
    return out;
}

std::string basic_authorization(std::string_view user_password) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out = "Basic ";
    std::size_t i = 0;
    auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(user_password[k])); };
    for (; i + 3 <= user_password.size(); i += 3) {
        std::uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
        for (int s = 18; s >= 0; s -= 6) out += alphabet[(v >> s) & 63];
    }
    std::size_t rest = user_password.size() - i;
    if (rest > 0) {
        std::uint32_t v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

}  // namespace utxo::indexer

#include "net/url.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

namespace utxo::net {

using core::Errc;
using core::fail;

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

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

std::string HttpUrl::origin() const {
    bool v6 = host.find(':') != std::string::npos;
    return fmt::format("http://{}{}{}:{}", v6 ? "[" : "", host, v6 ? "]" : "", port);
}

std::string HttpUrl::str() const { return origin() + path; }

std::string HttpUrl::display() const { return path == "/" ? origin() : str(); }

core::Result<HttpUrl> parse_http_url(std::string_view url) {
    constexpr std::string_view scheme = "http://";
    std::string head(url.substr(0, std::min(url.size(), scheme.size())));
    std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
    if (head != scheme) return fail(Errc::usage, "only http:// URLs are supported");
    std::string_view rest = url.substr(scheme.size());
    auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    HttpUrl out;
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
        // Passwords may hold ':' '@' '/' only percent-encoded, as in any URL.
        auto userinfo = percent_decode(authority.substr(0, at));
        if (!userinfo) return fail(Errc::usage, "the URL's user:password has a bad %-escape");
        out.user_password = std::move(*userinfo);
        authority.remove_prefix(at + 1);
    }
    auto hp = split_host_port(authority);
    if (!hp) return fail(Errc::usage, "the URL's host is malformed");
    if (hp->first.empty()) return fail(Errc::usage, "the URL names no host");
    // A name or an IP literal: anything else (control bytes, brackets left inside) would print as
    // another URL than the one parsed.
    for (unsigned char c : hp->first)
        if (!std::isalnum(c) && c != '.' && c != '-' && c != '_' && c != ':')
            return fail(Errc::usage, "the URL's host is malformed");
    out.host = hp->first;
    if (!hp->second.empty()) {
        if (!parse_port(hp->second))
            return fail(Errc::usage,
                        fmt::format("the URL's port '{}' is not a number from 1 to 65535", hp->second));
        out.port = hp->second;
    }
    if (slash != std::string_view::npos) out.path = std::string(rest.substr(slash));
    for (char c : out.path)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return fail(Errc::usage, "the URL's path holds a space or control character");
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
    auto out = parse_http_url(reference);
    if (!out) return fail(out.error().code, fmt::format("{}: {}", reference, out.error().message));
    return out;
}

HttpUrl join_path(const HttpUrl& base, std::string_view relative) {
    HttpUrl out = base;
    while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
    while (relative.starts_with('/')) relative.remove_prefix(1);
    out.path += '/';
    out.path.append(relative);
    return out;
}

std::string basic_authorization(std::string_view user_password) {
    std::string b64(sodium_base64_ENCODED_LEN(user_password.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(user_password.data()),
                      user_password.size(), sodium_base64_VARIANT_ORIGINAL);
    b64.resize(std::strlen(b64.c_str()));
    return "Basic " + b64;
}

}  // namespace utxo::net

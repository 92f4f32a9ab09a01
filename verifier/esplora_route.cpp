// The API prefixes of Esplora clients, and the checks of serve's --base-path and --cors.
#include "verifier/esplora_route.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "core/printable.h"

namespace utxo::verifier {

namespace {

// "/a/b/c" -> {"a","b","c"}; nothing for a path not starting with "/".
std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.empty() || path.front() != '/') return out;
    path.remove_prefix(1);
    while (true) {
        auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

bool starts_with(const std::vector<std::string_view>& seg, const std::vector<std::string_view>& prefix) {
    return seg.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), seg.begin());
}

// The network segments deployments put before "/api": Blockstream's and mempool.space's, plus
// "regtest" for symmetry. One of them on a store of another network is a client set up for that
// network, told so instead of being answered with the wrong set.
constexpr std::array<std::string_view, 6> kNetworkSegments = {"testnet", "testnet4", "signet",
                                                              "regtest", "liquid",   "liquidtestnet"};

bool path_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

bool origin_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == ':' || c == '[' || c == ']';
}

}  // namespace

std::optional<std::string_view> network_prefix(core::Network net) {
    switch (net) {
        case core::Network::mainnet:
            return std::nullopt;
        case core::Network::testnet3:
            return "testnet";
        case core::Network::testnet4:
            return "testnet4";
        case core::Network::signet:
            return "signet";
        case core::Network::regtest:
            return "regtest";
    }
    return std::nullopt;
}

Route route_of(std::string_view target, core::Network store_network, std::string_view base_path) {
    if (auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
    Route r;
    r.segments = segments(target);
    auto drop = [&r](std::size_t n) { r.segments.erase(r.segments.begin(), r.segments.begin() + n); };
    if (!base_path.empty()) {
        const auto base = segments(base_path);
        if (starts_with(r.segments, base)) {
            drop(base.size());
            return r;
        }
    }
    if (r.segments.size() >= 2 && r.segments[1] == "api" &&
        std::find(kNetworkSegments.begin(), kNetworkSegments.end(), r.segments[0]) !=
            kNetworkSegments.end()) {
        if (r.segments[0] != network_prefix(store_network))
            r.other_network_prefix = fmt::format("/{}/api", r.segments[0]);
        drop(2);
        return r;
    }
    if (!r.segments.empty() && r.segments[0] == "api") drop(1);
    return r;
}

core::Result<std::string> normalize_base_path(std::string_view path) {
    const auto refuse = [path](std::string_view why) {
        return core::fail(core::Errc::usage,
                          fmt::format("--base-path {}: {}", core::printable(path.substr(0, 120)), why));
    };
    if (path.size() > 100) return refuse("longer than 100 characters");
    if (path.empty() || path.front() != '/') return refuse("must start with /");
    if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    if (path == "/") return refuse("the root is always served; give a path such as /esplora");
    const auto seg = segments(path);
    if (seg.size() > 8) return refuse("more than 8 segments");
    for (auto s : seg) {
        if (s.empty() || s == "." || s == "..") return refuse("has an empty, \".\" or \"..\" segment");
        if (!std::all_of(s.begin(), s.end(), path_char))
            return refuse("may hold only letters, digits, \"-._~\" and \"/\"");
    }
    return std::string(path);
}

core::Status check_cors_origin(std::string_view origin) {
    if (origin == "*") return {};
    std::string_view rest = origin;
    if (rest.starts_with("http://"))
        rest.remove_prefix(7);
    else if (rest.starts_with("https://"))
        rest.remove_prefix(8);
    else
        rest = {};
    if (origin.size() > 200 || rest.empty() || !std::all_of(rest.begin(), rest.end(), origin_char))
        return core::fail(
            core::Errc::usage,
            fmt::format("--cors {}: expected * or an origin such as https://wallet.example:8443 "
                        "(scheme, host and port, no path)",
                        core::printable(origin.substr(0, 120))));
    return {};
}

}  // namespace utxo::verifier

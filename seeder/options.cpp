#include "seeder/options.h"

#include <fmt/format.h>

#include <charconv>

namespace utxo::seeder {

using core::Errc;
using core::fail;

std::string HostPort::to_string() const {
    if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
    return fmt::format("{}:{}", host, port);
}

core::Result<HostPort> parse_host_port(std::string_view text) {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return fail(Errc::usage, fmt::format("'{}' is not HOST:PORT", text));
    std::string_view host = text.substr(0, colon), port = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty()) return fail(Errc::usage, fmt::format("'{}' has no host", text));
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || port.empty() || value > 65535)
        return fail(Errc::usage, fmt::format("'{}' has no valid port (0-65535)", text));
    return HostPort{std::string(host), static_cast<std::uint16_t>(value)};
}

std::string Options::http_base_url() const {
    if (!public_http_url.empty()) {
        std::string url = public_http_url;
        while (!url.empty() && url.back() == '/') url.pop_back();
        return url;
    }
    return "http://" + http.to_string();
}

}  // namespace utxo::seeder

// Seeder URLs, references in a seeder's answers and peer addresses, on top of net/url.h; kept
// apart from Beast so it compiles fast and can be tested alone.
#include <fmt/format.h>


#include "verifier/fetch_http.h"

namespace utxo::verifier {

using core::Errc;
using core::fail;

core::Result<HttpUrl> parse_http_url(std::string_view url) {
    auto out = net::parse_http_url(url);
    if (!out) return fail(out.error().code, fmt::format("{}: {}", url, out.error().message));
    if (!out->user_password.empty())
        return fail(Errc::usage, fmt::format("{}: credentials in a seeder URL are not supported", url));
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

}  // namespace utxo::verifier

// Seeder URLs and the GET on them, over net/; kept apart from fetch's logic so it is tested alone.
#include "verifier/fetch_url.h"

#include <fmt/format.h>

namespace utxo::verifier {

using core::Errc;
using core::fail;

namespace {

[[nodiscard]] core::Result<HttpUrl> without_credentials(HttpUrl url, std::string_view text) {
    if (!url.user_password.empty())
        return fail(Errc::usage, fmt::format("{}: credentials in a seeder URL are not supported", text));
    return url;
}

}  // namespace

core::Result<HttpUrl> parse_http_url(std::string_view url) {
    auto out = net::parse_http_url(url);
    if (!out) return fail(out.error().code, fmt::format("{}: {}", url, out.error().message));
    return without_credentials(std::move(*out), url);
}

core::Result<HttpUrl> resolve_seeder_reference(const HttpUrl& base, std::string_view reference) {
    UTXO_TRY_ASSIGN(auto out, net::resolve_reference(base, reference));
    return without_credentials(std::move(out), reference);
}

core::Result<std::optional<std::string>> seeder_get(const HttpUrl& url, std::size_t max_body,
                                                    std::chrono::seconds timeout) {
    auto got = net::http_get(url, {.user_agent = "utxo-verifier", .timeout = timeout, .max_body = max_body});
    // fetch's own sentence for an answer past the bound (net says "... the limit of 16 MiB").
    if (!got && got.error().code == Errc::too_large)
        return fail(Errc::too_large, fmt::format("the answer is larger than {} bytes", max_body));
    return got;
}

std::string why_no_body(const core::Result<std::optional<std::string>>& got) {
    return got ? "answered 404 (not found)" : got.error().message;
}

}  // namespace utxo::verifier

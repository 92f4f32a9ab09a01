// GET /v1/releases is the first thing fetch reads from any seeder: parse_release_list must turn
// any body into offers or one error, and every offer it keeps must name a usable height.
#include "fuzz_input.h"
#include "verifier/fetch_discover.h"
#include "verifier/fetch_url.h"

using namespace utxo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto source = verifier::parse_http_url("http://127.0.0.2:8080/");
    fuzz::require(source.has_value(), "the fixed source URL parses");
    std::vector<std::string> skipped;
    auto offers = verifier::parse_release_list(*source, fuzz::text(data, size), skipped);
    if (!offers) return 0;
    for (const auto& offer : *offers)
        fuzz::require(!offer.manifest.host.empty(), "an offer names a manifest host");
    return 0;
}

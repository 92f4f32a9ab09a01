// URLs arrive in release lists and trustnet files: parse_http_url and resolve_reference must
// refuse junk with an error, and a parsed URL must print to a string that parses the same way.
#include "net/url.h"

#include "fuzz_input.h"

using namespace utxo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::text(data, size);
    static const auto base = net::parse_http_url("http://127.0.0.2:8080/base/");
    fuzz::require(base.has_value(), "the fixed base URL parses");
    if (auto url = net::parse_http_url(input)) {
        auto again = net::parse_http_url(url->str());
        fuzz::require(
            again && again->host == url->host && again->port == url->port && again->path == url->path,
            "a parsed URL prints to one that parses the same");
    }
    if (auto ref = net::resolve_reference(*base, input))
        fuzz::require(!ref->host.empty(), "a reference has a host");
    (void)net::percent_decode(input);
    return 0;
}

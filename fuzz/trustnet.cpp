// Trustnet files are shared between users: parse_trustnet and check_trustnet must never crash,
// and a document that parses must render back to its own lines and parse again the same way.
#include "core/trustnet_file.h"
#include "fuzz_input.h"

using namespace utxo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::text(data, size);
    (void)core::check_trustnet(input);
    auto doc = core::parse_trustnet(input);
    if (!doc) return 0;
    auto again = core::parse_trustnet(core::render(*doc));
    fuzz::require(again.has_value(), "a rendered trustnet parses");
    fuzz::require(again->trustnet.authorities.size() == doc->trustnet.authorities.size(),
                  "a rendered trustnet keeps its authorities");
    fuzz::require(again->trustnet.max_age == doc->trustnet.max_age, "a rendered trustnet keeps its max-age");
    if (const auto& age = doc->trustnet.max_age)
        fuzz::require(core::parse_max_age(core::format_max_age(*age)) == age,
                      "a max-age formats back to the same duration");
    return 0;
}

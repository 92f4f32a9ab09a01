// Signature files come from seeders next to the manifest: parse_signature_file must refuse bad
// ones with an error, and re-encoding an accepted one must parse to the same fields.
#include "core/minisign.h"
#include "fuzz_input.h"

using namespace utxo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto sig = core::parse_signature_file(fuzz::text(data, size));
    if (!sig) return 0;
    auto again = core::parse_signature_file(core::signature_file(*sig));
    fuzz::require(again.has_value(), "a re-encoded signature file parses");
    fuzz::require(again->id == sig->id && again->signature == sig->signature &&
                      again->global_signature == sig->global_signature &&
                      again->trusted_comment == sig->trusted_comment,
                  "a re-encoded signature file keeps its fields");
    (void)core::parse_trusted_comment(sig->trusted_comment);
    return 0;
}

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
    // A statement that parses is canonical: it formats back to the very comment, signed_at included.
    if (auto statement = core::parse_trusted_comment(sig->trusted_comment)) {
        fuzz::require(core::format_trusted_comment(*statement) == sig->trusted_comment,
                      "a release statement formats back to its trusted comment");
        fuzz::require(!statement->signed_at || core::valid_signed_at(*statement->signed_at),
                      "a parsed signed_at is in range");
    }
    return 0;
}

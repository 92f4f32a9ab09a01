// Manifests come from seeders: decode_manifest must refuse anything non-canonical without
// crashing, and what it accepts must encode back to the same bytes (the signed statement names
// the manifest's SHA-256, so canonical bytes are the contract).
#include "core/manifest.h"

#include "core/minisign.h"
#include "fuzz_input.h"

using namespace utxo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::text(data, size);
    auto manifest = core::decode_manifest(input);
    if (!manifest) return 0;
    fuzz::require(core::encode_manifest(*manifest) == input, "an accepted manifest is canonical");
    auto statement = core::statement_for_manifest(fuzz::bytes(data, size));
    fuzz::require(statement.has_value(), "an accepted manifest yields a release statement");
    return 0;
}

// Public keys arrive in trustnet files and on the command line: both the key file and the bare
// base64 line must refuse junk with an error, and an accepted key must survive a round trip.
#include "core/minisign.h"
#include "fuzz_input.h"

using namespace utxo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::text(data, size);
    if (auto key = core::parse_public_key_file(input)) {
        auto again = core::parse_public_key_file(core::public_key_file(*key, "fuzz"));
        fuzz::require(again && *again == *key, "a re-encoded public key file gives the same key");
    }
    if (auto key = core::parse_public_key_line(input)) {
        auto again = core::parse_public_key_line(core::public_key_line(*key));
        fuzz::require(again && *again == *key, "a re-encoded public key line gives the same key");
    }
    if (auto decoded = core::base64_decode(input))
        fuzz::require(core::base64_decode(core::base64_encode(*decoded)) == decoded, "base64 round trip");
    return 0;
}

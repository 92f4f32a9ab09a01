// Patch files are downloaded from strangers: decode_patch makes every canonical check, so what
// it accepts must pass check_patch and encode back to the very same bytes.
#include "core/patch.h"

#include "fuzz_input.h"

using namespace utxo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::bytes(data, size);
    auto patch = core::decode_patch(input);
    if (!patch) return 0;
    fuzz::require(core::check_patch(*patch).has_value(), "a decoded patch passes check_patch");
    const auto again = core::encode_patch(*patch);
    fuzz::require(core::Bytes(input.begin(), input.end()) == again, "a decoded patch is canonical");
    (void)core::shard_header_after(patch->header);
    return 0;
}

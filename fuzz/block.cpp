// Blocks and transactions come from a node (RPC, REST, blk files): parse_block and
// parse_transaction must refuse bad bytes, and what they accept must serialize back to the input.
#include "core/transaction.h"
#include "fuzz_input.h"

using namespace utxo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::bytes(data, size);
    const core::Bytes original(input.begin(), input.end());
    if (auto block = core::parse_block(input))
        fuzz::require(core::serialize_block(*block) == original, "a parsed block serializes to its bytes");
    if (auto tx = core::parse_transaction(input))
        fuzz::require(core::serialize_transaction(*tx) == original,
                      "a parsed transaction serializes to its bytes");
    return 0;
}

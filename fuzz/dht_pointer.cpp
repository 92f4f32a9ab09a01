// DHT pointers come from strangers (any DHT node answers a get): bencode::decode,
// decode_pointer_value and decode_item_file must refuse what they cannot take without crashing or
// reading past their bounds, and what they accept must encode back to the very same bytes.
#include "core/dht_pointer.h"

#include "core/bencode.h"
#include "fuzz_input.h"

using namespace utxo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::text(data, size);
    if (auto value = core::bencode::decode(input, {.max_bytes = 4096, .max_depth = 8, .max_values = 512}))
        fuzz::require(core::bencode::encode(*value) == input, "accepted bencoding is canonical");
    if (auto pointer = core::decode_pointer_value(input)) {
        fuzz::require(input.size() <= core::kMaxDhtValueBytes, "an accepted pointer fits BEP 44");
        auto again = core::encode_pointer_value(*pointer);
        fuzz::require(again.has_value() && *again == input, "an accepted pointer encodes back to its bytes");
    }
    if (auto item = core::decode_item_file(input)) {
        auto again = core::encode_item_file(*item);
        fuzz::require(again.has_value() && *again == input,
                      "an accepted item file encodes back to its bytes");
        (void)core::verify_dht_item(*item);
        (void)core::decode_pointer_value(item->value);
    }
    return 0;
}

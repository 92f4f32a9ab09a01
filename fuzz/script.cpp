// Output scripts come from blocks and shard files: classification and address encoding must
// accept any bytes, and an address made from a script must decode to that script.
#include "core/script.h"

#include "core/address.h"
#include "fuzz_input.h"

using namespace utxo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto script = fuzz::bytes(data, size);
    (void)core::script_type_name(core::classify_script(script));
    (void)core::is_unspendable(script);
    if (auto program = core::witness_program(script))
        fuzz::require(program->program.size() >= 2 && program->program.size() <= 40,
                      "witness program length");
    for (auto net : {core::Network::mainnet, core::Network::regtest}) {
        auto address = core::script_to_address(script, net);
        if (!address) continue;
        auto back = core::address_to_script(*address, net);
        fuzz::require(back && *back == core::Bytes(script.begin(), script.end()),
                      "the address of a script decodes to that script");
    }
    return 0;
}

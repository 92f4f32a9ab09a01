// Addresses are typed by users and sent to `serve` (GET /address/:address/utxo): every decoder
// must refuse junk with an error, and an accepted address must be the one its script gives back.
#include "core/address.h"

#include "fuzz_input.h"

using namespace utxo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::text(data, size);
    for (auto net :
         {core::Network::mainnet, core::Network::testnet3, core::Network::signet, core::Network::regtest}) {
        auto script = core::address_to_script(input, net);
        if (!script) continue;
        auto address = core::script_to_address(*script, net);
        fuzz::require(address.has_value(), "the script of an address has an address");
        auto again = core::address_to_script(*address, net);
        fuzz::require(again && *again == *script, "an address round-trips through its script");
    }
    (void)core::base58check_parse(input);
    (void)core::bech32_decode(input);
    (void)core::segwit_address_parse("bc", input);
    return 0;
}

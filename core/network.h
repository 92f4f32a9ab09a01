// The Bitcoin networks this project knows, with the constants formats need.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/hash.h"

namespace utxo::core {

enum class Network { mainnet, testnet3, testnet4, signet, regtest };

using NetworkMagic = std::array<std::uint8_t, 4>;

struct NetworkParams {
    Network network;
    std::string_view name;        // "main", "test", "testnet4", "signet", "regtest" (Core's -chain names)
    NetworkMagic magic;           // pchMessageStart, as in snapshot headers and blk*.dat
    std::string_view bech32_hrp;  // "bc", "tb", "bcrt"
    std::uint8_t p2pkh_prefix;    // base58 version bytes
    std::uint8_t p2sh_prefix;
    BlockHash genesis;  // display hex in the table, raw here
    std::uint32_t subsidy_halving_interval;
};

const NetworkParams& params(Network net);
// Accepts Core's names and common aliases: main/mainnet/bitcoin, test/testnet/testnet3,
// testnet4, signet, regtest.
std::optional<Network> parse_network(std::string_view name);
std::optional<Network> network_from_magic(const NetworkMagic& magic);
std::string_view network_name(Network net);

}  // namespace utxo::core

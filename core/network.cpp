#include "core/network.h"

namespace utxo::core {

namespace {
BlockHash genesis(std::string_view display_hex) { return *BlockHash::from_display_hex(display_hex); }

const NetworkParams& table(Network net) {
    static const NetworkParams all[] = {
        {Network::mainnet,
         "main",
         {0xf9, 0xbe, 0xb4, 0xd9},
         "bc",
         0x00,
         0x05,
         genesis("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"),
         210000},
        {Network::testnet3,
         "test",
         {0x0b, 0x11, 0x09, 0x07},
         "tb",
         0x6f,
         0xc4,
         genesis("000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943"),
         210000},
        {Network::testnet4,
         "testnet4",
         {0x1c, 0x16, 0x3f, 0x28},
         "tb",
         0x6f,
         0xc4,
         genesis("00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043"),
         210000},
        {Network::signet,
         "signet",
         {0x0a, 0x03, 0xcf, 0x40},
         "tb",
         0x6f,
         0xc4,
         genesis("00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6"),
         210000},
        {Network::regtest,
         "regtest",
         {0xfa, 0xbf, 0xb5, 0xda},
         "bcrt",
         0x6f,
         0xc4,
         genesis("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"),
         150},
    };
    return all[static_cast<int>(net)];
}
}  // namespace

const NetworkParams& params(Network net) { return table(net); }

std::optional<Network> parse_network(std::string_view name) {
    if (name == "main" || name == "mainnet" || name == "bitcoin") return Network::mainnet;
    if (name == "test" || name == "testnet" || name == "testnet3") return Network::testnet3;
    if (name == "testnet4") return Network::testnet4;
    if (name == "signet") return Network::signet;
    if (name == "regtest") return Network::regtest;
    return std::nullopt;
}

std::optional<Network> network_from_magic(const NetworkMagic& magic) {
    for (auto net :
         {Network::mainnet, Network::testnet3, Network::testnet4, Network::signet, Network::regtest})
        if (params(net).magic == magic) return net;
    return std::nullopt;
}

std::string_view network_name(Network net) { return params(net).name; }

}  // namespace utxo::core

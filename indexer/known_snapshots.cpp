#include "indexer/known_snapshots.h"

namespace utxo::indexer {

namespace {
using core::Network;

struct Entry {
    Network network;
    std::uint32_t height;
    const char* block_hash;         // display hex
    const char* hash_serialized_3;  // display hex
};

// From Bitcoin Core v28-v32, src/kernel/chainparams.cpp (m_assumeutxo_data).
constexpr Entry kKnown[] = {
    {Network::mainnet, 840000, "0000000000000000000320283a032748cef8227873ff4872689bf23f1cda83a5",
     "a2a5521b1b5ab65f67818e5e8eccabb7171a517f9e2382208f77687310768f96"},
    {Network::mainnet, 880000, "000000000000000000010b17283c3c400507969a9c2afd1dcf2082ec5cca2880",
     "dbd190983eaf433ef7c15f78a278ae42c00ef52e0fd2a54953782175fbadcea9"},
    {Network::mainnet, 910000, "0000000000000000000108970acb9522ffd516eae17acddcb1bd16469194a821",
     "4daf8a17b4902498c5787966a2b51c613acdab5df5db73f196fa59a4da2f1568"},
    {Network::mainnet, 935000, "0000000000000000000147034958af1652b2b91bba607beacc5e72a56f0fb5ee",
     "e4b90ef9eae834f56c4b64d2d50143cee10ad87994c614d7d04125e2a6025050"},
    {Network::mainnet, 965000, "00000000000000000001595977e6000ce56129f5c9b4073e31ccc30b90b97da9",
     "4a8d794337118c0c615b574f817c7306c687584a537184b8d233df42bf477ec2"},
    {Network::testnet3, 2500000, "0000000000000093bcb68c03a9a168ae252572d348a2eaeba2cdf9231d73206f",
     "f841584909f68e47897952345234e37fcd9128cd818f41ee6c3ca68db8071be7"},
    {Network::testnet3, 4840000, "00000000000000f4971a7fb37fbdff89315b69a2e1920c467654a382f0d64786",
     "ce6bb677bb2ee9789c4a1c9d73e6683c53fc20e8fdbedbdaaf468982a0c8db2a"},
    {Network::testnet3, 5125000, "00000000000009ad1946e21cb4f1a6323ee99c89017b59d5166472672b868133",
     "d05430f34c9b7dd7eb98c0718cdf03782bcce8273847557d68ac2efc1365d4b8"},
    {Network::testnet4, 90000, "0000000002ebe8bcda020e0dd6ccfbdfac531d2f6a81457191b99fc2df2dbe3b",
     "784fb5e98241de66fdd429f4392155c9e7db5c017148e66e8fdbc95746f8b9b5"},
    {Network::testnet4, 120000, "000000000bd2317e51b3c5794981c35ba894ce27d3e772d5c39ecd9cbce01dc8",
     "10b05d05ad468d0971162e1b222a4aa66caca89da2bb2a93f8f37fb29c4794b0"},
    {Network::testnet4, 150000, "0000000000d9877342754dea8ec1eb24631517d38e3443c370465ee53a8b7434",
     "ca068cae50679d7c947454bbe4f0e6aeec1fbe2c6c2735a08bb988623649f950"},
    {Network::signet, 160000, "0000003ca3c99aff040f2563c2ad8f8ec88bd0fd6b8f0895cfaf1ef90353a62c",
     "fe0a44309b74d6b5883d246cb419c6221bcccf0b308c9b59b7d70783dbdf928a"},
    {Network::signet, 290000, "0000000577f2741bb30cd9d39d6d71b023afbeb9764f6260786a97969d5c9ac0",
     "97267e000b4b876800167e71b9123f1529d13b14308abec2888bbd2160d14545"},
    {Network::signet, 320000, "0000000740ae66b284da84387dcfa14d7b1385b0bad482005ba4e770ea6c4b95",
     "1aaf72ecb376cc16957fbb8d5d406bfd6e3165510e2fc83879b6d14cd20b4462"},
};
}  // namespace

std::optional<KnownSnapshot> find_known_snapshot(core::Network net, const core::BlockHash& base) {
    for (const auto& k : kKnown) {
        if (k.network != net || core::BlockHash::from_display_hex(k.block_hash) != base) continue;
        return KnownSnapshot{k.network, core::Height{k.height}, base,
                             *core::AssumeutxoHash::from_display_hex(k.hash_serialized_3)};
    }
    return std::nullopt;
}

}  // namespace utxo::indexer

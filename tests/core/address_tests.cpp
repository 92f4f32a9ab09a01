// Addresses: the BIP173 and BIP350 test vectors, known base58 addresses, and one clear error
// per way an address can be wrong.
#include <catch2/catch.hpp>

#include "core/address.h"
#include "core/script.h"

using namespace utxo::core;

namespace {

Bytes hex(std::string_view h) { return *from_hex(h); }

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

struct SegwitVector {
    const char* address;
    Network network;
    const char* script;
};

// BIP350's valid segwit addresses (the v0 ones are BIP173's too).
const SegwitVector kValidSegwit[] = {
    {"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", Network::mainnet,
     "0014751e76e8199196d454941c45d1b3a323f1433bd6"},
    {"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", Network::testnet3,
     "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"},
    {"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y", Network::mainnet,
     "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"},
    {"BC1SW50QGDZ25J", Network::mainnet, "6002751e"},
    {"bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", Network::mainnet, "5210751e76e8199196d454941c45d1b3a323"},
    {"tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy", Network::testnet3,
     "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
    {"tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c", Network::testnet3,
     "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
    {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", Network::mainnet,
     "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
};

}  // namespace

TEST_CASE("BIP173 valid bech32 and BIP350 valid bech32m strings decode with their variant") {
    for (const char* s :
         {"A12UEL5L", "a12uel5l",
          "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
          "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
          "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
          "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "?1ezyfcl"}) {
        CAPTURE(s);
        auto r = bech32_decode(s);
        REQUIRE(r);
        CHECK(r->variant == Bech32Variant::bech32);
        CHECK(bech32_encode(r->variant, r->hrp, r->values) == lower(s));
    }
    for (const char* s :
         {"A1LQFN3A", "a1lqfn3a",
          "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
          "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
          "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
          "split1checkupstagehandshakeupstreamerranterredcaperredlc445v", "?1v759aa"}) {
        CAPTURE(s);
        auto r = bech32_decode(s);
        REQUIRE(r);
        CHECK(r->variant == Bech32Variant::bech32m);
        CHECK(bech32_encode(r->variant, r->hrp, r->values) == lower(s));
    }
}

TEST_CASE("BIP173 and BIP350 invalid bech32 strings are refused") {
    const std::string invalid[] = {
        std::string("\x20") + "1nwldj5", std::string("\x7f") + "1axkwrx", std::string("\x80") + "1eym55h",
        "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
        "pzry9x0s0muk", "1pzry9x0s0muk", "x1b4n0q5v", "li1dgmt3", std::string("de1lg7wt") + "\xff",
        "A1G7SGD8", "10a06t8", "1qzzfhee",
        // BIP350
        std::string("\x20") + "1xj0phk", std::string("\x7f") + "1g6xzxy", std::string("\x80") + "1vctc34",
        "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
        "qyrz8wqd2c9m", "1qyrz8wqd2c9m", "y1b0jsk6g", "lt1igcx5c0", "in1muywd", "mm1crxm3i", "au1s5cgom",
        "M1VUXWEZ", "16plkw9", "1p2gdwpf"};
    for (const auto& s : invalid) {
        CAPTURE(s);
        auto r = bech32_decode(s);
        REQUIRE_FALSE(r);
        CHECK_FALSE(r.error().message.empty());
    }
    CHECK(bech32_decode("A12UeL5L").error().message.find("mixes") != std::string::npos);
    CHECK(bech32_decode("A1G7SGD8").error().message.find("checksum") != std::string::npos);
}

TEST_CASE("BIP350 valid segwit addresses map to their scripts and back") {
    for (const auto& v : kValidSegwit) {
        CAPTURE(v.address);
        auto script = address_to_script(v.address, v.network);
        if (!script) FAIL(script.error().message);
        CHECK(to_hex(*script) == v.script);
        CHECK(script_to_address(*script, v.network) == lower(v.address));
    }
}

TEST_CASE("BIP173 and BIP350 invalid segwit addresses are refused") {
    const char* invalid[] = {"tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty",
                             "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
                             "BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2", "bc1rw5uspcuh",
                             "bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90",
                             "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
                             "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7",
                             "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du",
                             "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv", "bc1gmk9yu",
                             // BIP350
                             "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
                             "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
                             "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
                             "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
                             "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
                             "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
                             "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
                             "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", "bc1pw5dgrnzv",
                             "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
                             "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
                             "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
                             "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j", "bc1gmk9yu"};
    for (const char* a : invalid) {
        CAPTURE(a);
        const std::string hrp = lower(std::string(a)).starts_with("tb") ? "tb" : "bc";
        CHECK_FALSE(segwit_address_decode(hrp, a));
        for (auto net : {Network::mainnet, Network::testnet3}) {
            auto r = address_to_script(a, net);
            REQUIRE_FALSE(r);
            CHECK_FALSE(r.error().message.empty());
        }
    }
}

TEST_CASE("segwit errors name the rule that was broken") {
    auto reason = [](const char* a) { return address_to_script(a, Network::mainnet).error().message; };
    CHECK(reason("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd").find("bech32m") !=
          std::string::npos);
    CHECK(reason("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5").find("checksum") != std::string::npos);
    CHECK(reason("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P").find("16-byte") != std::string::npos);
    CHECK(reason("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7").find("another network") !=
          std::string::npos);
    CHECK(reason("tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty").find("'tc'") != std::string::npos);
    CHECK(reason("hello world").find("not a base58 or bech32") != std::string::npos);
}

TEST_CASE("segwit_address_encode refuses programs no address can hold") {
    CHECK(segwit_address_encode("bc", 0, Bytes(21, 1)).empty());
    CHECK(segwit_address_encode("bc", 1, Bytes(1, 1)).empty());
    CHECK(segwit_address_encode("bc", 17, Bytes(32, 1)).empty());
    CHECK(segwit_address_encode("BC", 0, hex("751e76e8199196d454941c45d1b3a323f1433bd6")) ==
          "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
}

TEST_CASE("base58check: known mainnet and testnet P2PKH/P2SH addresses") {
    struct V {
        const char* address;
        Network network;
        const char* script;
    };
    const V vectors[] = {
        {"1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62i", Network::mainnet,
         "76a91465a16059864a2fdbc7c99a4723a8395bc6f188eb88ac"},
        {"3CMNFxN1oHBc4R1EpboAL5yzHGgE611Xou", Network::mainnet,
         "a91474f209f6ea907e2ea48f74fae05782ae8a66525787"},
        {"mo9ncXisMeAoXwqcV5EWuyncbmCcQN4rVs", Network::testnet3,
         "76a91453c0307d6851aa0ce7825ba883c6bd9ad242b48688ac"},
        {"2N2JD6wb56AfK4tfmM6PwdVmoYk2dCKf4Br", Network::testnet3,
         "a9146349a418fc4578d10a372b54b45c280cc8c4382f87"},
    };
    for (const auto& v : vectors) {
        CAPTURE(v.address);
        auto script = address_to_script(v.address, v.network);
        if (!script) FAIL(script.error().message);
        CHECK(to_hex(*script) == v.script);
        CHECK(script_to_address(*script, v.network) == std::string(v.address));
    }
    CHECK(base58check_encode(hex("0065a16059864a2fdbc7c99a4723a8395bc6f188eb")) ==
          "1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62i");
    CHECK(to_hex(*base58check_decode("3CMNFxN1oHBc4R1EpboAL5yzHGgE611Xou")) ==
          "0574f209f6ea907e2ea48f74fae05782ae8a665257");
}

TEST_CASE("the genesis coinbase key's hash160 is 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa") {
    // HASH160 of the 65-byte key paid by the genesis coinbase.
    const Bytes p2pkh = hex("76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac");
    CHECK(script_to_address(p2pkh, Network::mainnet) == "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
    CHECK(address_to_script("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", Network::mainnet) == p2pkh);
}

TEST_CASE("base58 errors: checksum, network, length, characters") {
    auto reason = [](const char* a, Network n) { return address_to_script(a, n).error().message; };
    CHECK(reason("1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62j", Network::mainnet).find("checksum") !=
          std::string::npos);
    CHECK(reason("1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62i", Network::testnet3).find("another network") !=
          std::string::npos);
    CHECK(reason("mo9ncXisMeAoXwqcV5EWuyncbmCcQN4rVs", Network::mainnet).find("another network") !=
          std::string::npos);
    const std::string short_payload = base58check_encode(hex("00aabbcc"));
    CHECK(reason(short_payload.c_str(), Network::mainnet).find("21 bytes") != std::string::npos);
    const std::string unknown_version = base58check_encode(hex("42" + std::string(40, '1')));
    CHECK(reason(unknown_version.c_str(), Network::mainnet).find("unknown") != std::string::npos);
    CHECK(reason("1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62I", Network::mainnet).find("not a base58 or bech32") !=
          std::string::npos);
    CHECK_FALSE(base58check_decode(""));
    CHECK_FALSE(base58check_decode(std::string(500, '2')));  // refused, not decoded quadratically
    CHECK(base58check_encode(hex("000000ff")).starts_with("111"));
    CHECK(base58check_decode(base58check_encode(hex("000000ff"))) == hex("000000ff"));
}

TEST_CASE("regtest bcrt1 addresses and other networks round-trip") {
    for (const char* script : {"0014751e76e8199196d454941c45d1b3a323f1433bd6",
                               "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262",
                               "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
                               "76a91465a16059864a2fdbc7c99a4723a8395bc6f188eb88ac",
                               "a91474f209f6ea907e2ea48f74fae05782ae8a66525787"}) {
        for (auto net :
             {Network::mainnet, Network::testnet3, Network::testnet4, Network::signet, Network::regtest}) {
            CAPTURE(script, network_name(net));
            auto address = script_to_address(hex(script), net);
            REQUIRE(address);
            if (net == Network::regtest && hex(script)[0] != 0x76 && hex(script)[0] != 0xa9)
                CHECK(address->starts_with("bcrt1"));
            CHECK(to_hex(*address_to_script(*address, net)) == script);
        }
    }
    auto regtest = script_to_address(hex("0014751e76e8199196d454941c45d1b3a323f1433bd6"), Network::regtest);
    CHECK(regtest == "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080");
    CHECK(address_to_script(*regtest, Network::mainnet).error().message.find("another network") !=
          std::string::npos);
}

TEST_CASE("scripts without an address") {
    CHECK_FALSE(script_to_address(hex("6a0401020304"), Network::mainnet));
    CHECK_FALSE(script_to_address(hex("21"
                                      "02" +
                                      std::string(64, 'a') + "ac"),
                                  Network::mainnet));                                      // P2PK
    CHECK_FALSE(script_to_address(hex("0015" + std::string(42, '1')), Network::mainnet));  // v0, 21 bytes
    CHECK(script_to_address(hex("6002751e"), Network::mainnet) == "bc1sw50qgdz25j");
}

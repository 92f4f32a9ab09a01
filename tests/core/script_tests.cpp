// Output script classification: real scripts from the fixture blocks, then hand-made edge cases
// around Core's templates (P2PK key sizes, multisig shape, witness program lengths).
#include <catch2/catch.hpp>
#include <map>

#include "chain_fixtures.h"
#include "core/script.h"
#include "core/transaction.h"

using namespace utxo::core;

namespace {

ScriptType classify_hex(std::string_view hex) { return classify_script(*from_hex(hex)); }

std::string key33(char prefix) { return std::string("0") + prefix + std::string(64, 'a'); }
std::string key65() { return "04" + std::string(128, 'b'); }

std::map<ScriptType, int> census(const Block& b) {
    std::map<ScriptType, int> out;
    for (const auto& tx : b.txs)
        for (const auto& o : tx.outputs) ++out[classify_script(o.script_pubkey)];
    return out;
}

}  // namespace

TEST_CASE("real output scripts classify as their templates") {
    // The genesis coinbase pays to an uncompressed key (P2PK).
    CHECK(classify_hex(
              "4104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e5"
              "1ec112de5c384df7ba0b8d578a4c702b6bf11d5fac") == ScriptType::p2pk);
    // From mainnet block 866342.
    CHECK(classify_hex("76a9142fc701e2049ee4957b07134b6c1d771dd5a96b2188ac") == ScriptType::p2pkh);
    CHECK(classify_hex("6a24aa21a9ed5f3a971216f37509e6b7e4e204333aa5b5a76f5c36e38f595e25f8a7ed24255d") ==
          ScriptType::null_data);
    CHECK(classify_hex("a9142c21151d54bd219dcc4c52e1cb38672dab8e36cc87") == ScriptType::p2sh);
    CHECK(classify_hex("001475d13773718dbce31bc7c15b011bc93868c83873") == ScriptType::p2wpkh);
    CHECK(classify_hex("002030dcce56de3936e97a4b7182415b89bb9958d6ecdcb8a631ca548f098db46b68") ==
          ScriptType::p2wsh);
    CHECK(classify_hex("5120884a2d15ff7cf2ac8fc1fb3ce8c72953786bae877b6ac43db8c9994b64e0f1fa") ==
          ScriptType::p2tr);
}

TEST_CASE("every output of the real blocks classifies as an independent count expects") {
    using chain_fixtures::read_binary;
    // Counts from a separate script-by-script tally of the same blocks.
    auto b866342 = parse_block(read_binary("blocks/mainnet-866342.raw"));
    REQUIRE(b866342);
    CHECK(census(*b866342) == std::map<ScriptType, int>{{ScriptType::p2pkh, 204},
                                                        {ScriptType::p2sh, 210},
                                                        {ScriptType::p2wpkh, 3113},
                                                        {ScriptType::p2wsh, 72},
                                                        {ScriptType::p2tr, 2757},
                                                        {ScriptType::null_data, 3971}});
    auto b413567 = parse_block(read_binary("blocks/mainnet-413567.raw"));
    REQUIRE(b413567);
    CHECK(census(*b413567) == std::map<ScriptType, int>{{ScriptType::p2pkh, 2841},
                                                        {ScriptType::p2sh, 737},
                                                        {ScriptType::null_data, 3}});
}

TEST_CASE("P2PK needs a key whose first byte matches its length") {
    CHECK(classify_hex("21" + key33('2') + "ac") == ScriptType::p2pk);
    CHECK(classify_hex("21" + key33('3') + "ac") == ScriptType::p2pk);
    CHECK(classify_hex("41" + key65() + "ac") == ScriptType::p2pk);
    CHECK(classify_hex("21" + key33('4') + "ac") == ScriptType::nonstandard);  // 04 wants 65 bytes
    CHECK(classify_hex("41" + std::string("02") + std::string(128, 'b') + "ac") == ScriptType::nonstandard);
    CHECK(classify_hex("21" + key33('2') + "ad") == ScriptType::nonstandard);  // CHECKSIGVERIFY
}

TEST_CASE("P2PKH and P2SH must match their exact byte templates") {
    const std::string h20(40, 'c');
    CHECK(classify_hex("76a914" + h20 + "88ac") == ScriptType::p2pkh);
    CHECK(classify_hex("76a914" + h20 + "88ac00") == ScriptType::nonstandard);
    CHECK(classify_hex("76a913" + h20.substr(2) + "88ac") == ScriptType::nonstandard);
    CHECK(classify_hex("a914" + h20 + "87") == ScriptType::p2sh);
    CHECK(classify_hex("a914" + h20 + "88") == ScriptType::nonstandard);
}

TEST_CASE("witness programs: v0 20/32, v1 32 is taproot, other versions and lengths") {
    CHECK(classify_hex("0014" + std::string(40, '1')) == ScriptType::p2wpkh);
    CHECK(classify_hex("0020" + std::string(64, '1')) == ScriptType::p2wsh);
    CHECK(classify_hex("0015" + std::string(42, '1')) == ScriptType::nonstandard);  // v0 of 21 bytes
    CHECK(classify_hex("5120" + std::string(64, '1')) == ScriptType::p2tr);
    CHECK(classify_hex("5114" + std::string(40, '1')) == ScriptType::witness_unknown);  // v1, not 32
    CHECK(classify_hex("6002751e") == ScriptType::witness_unknown);                     // v16, 2 bytes
    CHECK(classify_hex("5228" + std::string(80, '1')) == ScriptType::witness_unknown);  // v2, 40 bytes
    CHECK(classify_hex("5229" + std::string(82, '1')) == ScriptType::nonstandard);      // 41 bytes
    CHECK(classify_hex("5101aa") == ScriptType::nonstandard);                           // 1 byte
    CHECK(classify_hex("4f02aabb") == ScriptType::nonstandard);                         // OP_1NEGATE
}

TEST_CASE("bare multisig follows Core's template and the n <= 3 standard limit") {
    const std::string k1 = "21" + key33('2'), k2 = "21" + key33('3'), k3 = "41" + key65();
    CHECK(classify_hex("51" + k1 + "51ae") == ScriptType::multisig);                         // 1-of-1
    CHECK(classify_hex("52" + k1 + k2 + k3 + "53ae") == ScriptType::multisig);               // 2-of-3
    CHECK(classify_hex("53" + k1 + k2 + k3 + "53ae") == ScriptType::multisig);               // 3-of-3
    CHECK(classify_hex("51" + k1 + "4c21" + key33('3') + "52ae") == ScriptType::multisig);   // PUSHDATA1 key
    CHECK(classify_hex("54" + k1 + k2 + k3 + "53ae") == ScriptType::nonstandard);            // m > n
    CHECK(classify_hex("51" + k1 + k2 + k3 + k1 + "54ae") == ScriptType::nonstandard);       // n = 4
    CHECK(classify_hex("51" + k1 + k2 + "53ae") == ScriptType::nonstandard);                 // n != key count
    CHECK(classify_hex("51" + k1 + "21" + key33('5') + "52ae") == ScriptType::nonstandard);  // bad key
    CHECK(classify_hex("51" + k1 + "5100ae") == ScriptType::nonstandard);  // junk before CHECKMULTISIG
    CHECK(classify_hex("00" + k1 + "51ae") == ScriptType::nonstandard);    // OP_0 is not a count
    CHECK(classify_hex("51" + k1 + "51af") == ScriptType::nonstandard);    // CHECKMULTISIGVERIFY
    CHECK(classify_hex("51" + std::string("21") + key33('2').substr(0, 40) + "51ae") ==
          ScriptType::nonstandard);
}

TEST_CASE("null data, empty and odd scripts") {
    CHECK(classify_hex("6a") == ScriptType::null_data);
    CHECK(classify_hex("6a0401020304") == ScriptType::null_data);
    CHECK(classify_hex("6aff") == ScriptType::null_data);  // any OP_RETURN script, push-only or not
    CHECK(classify_hex("") == ScriptType::nonstandard);
    CHECK(classify_hex("51") == ScriptType::nonstandard);
    CHECK(classify_hex("4d") == ScriptType::nonstandard);  // PUSHDATA2 with no length
}

TEST_CASE("is_unspendable: OP_RETURN first or longer than 10,000 bytes") {
    CHECK(is_unspendable(*from_hex("6a")));
    CHECK(is_unspendable(*from_hex("6a24aa21a9ed")));
    CHECK_FALSE(is_unspendable(*from_hex("")));
    CHECK_FALSE(is_unspendable(*from_hex("516a")));  // OP_RETURN later is spendable-looking
    CHECK_FALSE(is_unspendable(Bytes(10000, 0x51)));
    CHECK(is_unspendable(Bytes(10001, 0x51)));
}

TEST_CASE("script type names") {
    CHECK(script_type_name(ScriptType::p2pk) == "p2pk");
    CHECK(script_type_name(ScriptType::p2pkh) == "p2pkh");
    CHECK(script_type_name(ScriptType::p2sh) == "p2sh");
    CHECK(script_type_name(ScriptType::p2wpkh) == "p2wpkh");
    CHECK(script_type_name(ScriptType::p2wsh) == "p2wsh");
    CHECK(script_type_name(ScriptType::p2tr) == "p2tr");
    CHECK(script_type_name(ScriptType::witness_unknown) == "witness_unknown");
    CHECK(script_type_name(ScriptType::multisig) == "multisig");
    CHECK(script_type_name(ScriptType::null_data) == "null_data");
    CHECK(script_type_name(ScriptType::nonstandard) == "nonstandard");
}

TEST_CASE("witness_program exposes version and program") {
    auto wp = witness_program(*from_hex("5120" + std::string(64, '7')));
    REQUIRE(wp);
    CHECK(wp->version == 1);
    CHECK(wp->program.size() == 32);
    CHECK(witness_program(*from_hex("6002751e"))->version == 16);
    CHECK_FALSE(witness_program(*from_hex("76a914" + std::string(40, 'c') + "88ac")));
}

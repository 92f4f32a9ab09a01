// Transactions: real ones round-trip byte for byte, ids match known values and both code paths
// (in-place hashing while parsing, re-serialization in compute_ids), malformed input is refused.
#include <catch2/catch.hpp>

#include "chain_fixtures.h"
#include "core/sha256.h"
#include "core/transaction.h"

using namespace utxo::core;
using chain_fixtures::read_binary;

namespace {

Bytes hex(std::string_view h) { return *from_hex(h); }

// The genesis coinbase, a plain pre-segwit transaction with a known txid.
constexpr std::string_view kGenesisCoinbase =
    "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104"
    "455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365"
    "636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967"
    "f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c"
    "702b6bf11d5fac00000000";

Transaction witness_tx() {
    Transaction tx;
    tx.version = 2;
    TxIn in;
    in.prevout = OutPoint{Txid::from_raw(hex(std::string(64, '1'))), 3};
    in.witness = {hex("3044"), hex("02aa")};
    tx.inputs.push_back(in);
    tx.outputs.push_back(TxOut{Amount{5000}, hex("0014751e76e8199196d454941c45d1b3a323f1433bd6")});
    tx.lock_time = 7;
    tx.compute_ids();
    return tx;
}

}  // namespace

TEST_CASE("the genesis coinbase parses, has its known txid and round-trips") {
    auto raw = hex(kGenesisCoinbase);
    auto tx = parse_transaction(raw);
    REQUIRE(tx);
    CHECK(tx->is_coinbase());
    CHECK_FALSE(tx->has_witness());
    CHECK(tx->txid.to_display_hex() == "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
    CHECK(hash_cast<Txid>(tx->wtxid) == tx->txid);
    REQUIRE(tx->outputs.size() == 1);
    CHECK(tx->outputs[0].value.sat == 50 * kCoin);
    CHECK(serialize_transaction(*tx) == raw);
}

TEST_CASE("megatx.raw (a 1 MB transaction) parses and re-serializes to the same bytes") {
    auto raw = read_binary("blocks/megatx.raw");
    auto tx = parse_transaction(raw);
    REQUIRE(tx);
    CHECK(serialize_transaction(*tx) == raw);
    CHECK(tx->txid == hash_cast<Txid>(sha256d(raw)));
    Transaction copy = *tx;
    copy.compute_ids();
    CHECK(copy.txid == tx->txid);
}

TEST_CASE("a witness transaction: txid covers no witness, wtxid does, both paths agree") {
    Transaction built = witness_tx();
    Bytes full = serialize_transaction(built);
    Bytes stripped = serialize_transaction(built, false);
    CHECK(full.size() > stripped.size());
    CHECK(full[4] == 0x00);
    CHECK(full[5] == 0x01);
    CHECK(built.txid == hash_cast<Txid>(sha256d(stripped)));
    CHECK(built.wtxid == hash_cast<Wtxid>(sha256d(full)));

    auto parsed = parse_transaction(full);
    REQUIRE(parsed);
    CHECK(parsed->txid == built.txid);  // streamed over the pieces while parsing
    CHECK(parsed->wtxid == built.wtxid);
    CHECK(parsed->inputs[0].witness == built.inputs[0].witness);
    CHECK(serialize_transaction(*parsed) == full);

    auto legacy = parse_transaction(stripped);
    REQUIRE(legacy);
    CHECK(legacy->txid == built.txid);
    CHECK_FALSE(legacy->has_witness());
}

TEST_CASE("witness marker rules of BIP144 are enforced") {
    Bytes full = serialize_transaction(witness_tx());

    SECTION("a flag other than 1 is refused") {
        for (std::uint8_t flag : {0x00, 0x02, 0x03, 0xff}) {
            Bytes bad = full;
            bad[5] = flag;
            auto r = parse_transaction(bad);
            REQUIRE_FALSE(r);
            if (flag != 0) CHECK(r.error().message.find("flag") != std::string::npos);
        }
    }
    SECTION("a witness flag with only empty witnesses is refused (superfluous witness record)") {
        Transaction tx = witness_tx();
        Bytes empty_witness = serialize_transaction(tx);
        // Replace the witness section (2 items) by one empty stack: 02 02 3044 02 02aa -> 00.
        Bytes w =
            hex("0202304402"
                "02aa");
        auto at = std::search(empty_witness.begin(), empty_witness.end(), w.begin(), w.end());
        REQUIRE(at != empty_witness.end());
        at = empty_witness.erase(at, at + static_cast<std::ptrdiff_t>(w.size()));
        empty_witness.insert(at, 0x00);
        auto r = parse_transaction(empty_witness);
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("superfluous") != std::string::npos);
    }
}

TEST_CASE("malformed transactions fail cleanly") {
    auto raw = hex(kGenesisCoinbase);

    SECTION("every truncation is refused") {
        for (std::size_t n = 0; n < raw.size(); ++n) {
            CAPTURE(n);
            auto r = parse_transaction(ByteView(raw).first(n));
            REQUIRE_FALSE(r);
            CHECK(r.error().code == Errc::truncated);
        }
    }
    SECTION("trailing bytes are refused") {
        raw.push_back(0);
        auto r = parse_transaction(raw);
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("trailing") != std::string::npos);
    }
    SECTION("a huge input count is refused before anything is allocated") {
        Bytes bad =
            hex("01000000"
                "fe00000001");  // 16M inputs claimed, nothing follows
        auto r = parse_transaction(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == Errc::truncated);
        bad =
            hex("01000000"
                "01" +
                std::string(72, '0') +
                "00"
                "ffffffff"
                "fdfd00");  // 253 outputs
        r = parse_transaction(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == Errc::truncated);
    }
    SECTION("a huge witness item count is refused") {
        Bytes full = serialize_transaction(witness_tx());
        std::size_t witness_at = full.size() - 4 - 7;  // 02 | 02 3044 | 02 02aa before lock time
        REQUIRE(full[witness_at] == 0x02);
        full[witness_at] = 0xfe;  // non-canonical or oversized either way
        CHECK_FALSE(parse_transaction(full));
    }
}

TEST_CASE("transactions built in code round-trip through their serialization") {
    Transaction tx;
    tx.version = 1;
    for (std::uint32_t i = 0; i < 300; ++i) {  // counts beyond one CompactSize byte
        TxIn in;
        in.prevout.vout = i;
        in.script_sig = Bytes(i % 7, static_cast<std::uint8_t>(i));
        in.sequence = i;
        tx.inputs.push_back(in);
        tx.outputs.push_back(TxOut{Amount{i * 1000}, Bytes(i % 260, 0x51)});
    }
    tx.lock_time = 500000;
    tx.compute_ids();
    Bytes raw = serialize_transaction(tx);
    auto parsed = parse_transaction(raw);
    REQUIRE(parsed);
    CHECK(parsed->txid == tx.txid);
    CHECK(parsed->outputs.size() == 300);
    CHECK(parsed->outputs[259].script_pubkey.size() == 259);
    CHECK(serialize_transaction(*parsed) == raw);
}

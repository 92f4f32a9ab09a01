// Coin record: the amount and script compression vectors of Core's src/compressor.cpp rules,
// the §1.6 worked record and the TxOutSer form of §2.
#include <catch2/catch.hpp>

#include "core/coin.h"

using namespace utxo::core;

namespace {

Bytes hex(std::string_view h) { return *from_hex(h); }

std::string compressed_script_hex(const Bytes& script) {
    Bytes out;
    Writer w(out);
    write_compressed_script(w, script);
    return to_hex(out);
}

Bytes read_back(const Bytes& encoded) {
    Reader r(encoded);
    auto s = read_compressed_script(r);
    REQUIRE(s);
    CHECK(r.empty());
    return *s;
}

std::string repeat(std::string_view unit, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += unit;
    return s;
}

const std::string kGenesisKey =
    "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384d"
    "f7ba0b8d578a"
    "4c702b6bf11d5f";

// The §1.6 coin: height 840000, not coinbase, 50000 sat, P2PKH to 20 x 0x11.
Coin worked_coin() {
    return Coin{Height{840000}, false, Amount{50000}, hex("76a914" + repeat("11", 20) + "88ac")};
}

}  // namespace

TEST_CASE("compress_amount gives the reference vectors and their VARINT bytes") {
    struct V {
        std::uint64_t sat;
        std::int64_t compressed;  // -1: not given in the reference, bytes only
        const char* varint;
    };
    const V vectors[] = {
        {0, 0, "00"},
        {1, 1, "01"},
        {50'000, 45, "2d"},
        {100'000'000, 9, "09"},
        {5'000'000'000, 50, "32"},
        {60'000'000'000, 600, "8358"},
        {234'925'952, -1, "86ef97d579"},
        {110'397, -1, "bbd123"},
        {2'100'000'000'000'000, 21'000'000, "8980dd40"},
    };
    for (const auto& v : vectors) {
        CAPTURE(v.sat);
        std::uint64_t c = compress_amount(v.sat);
        if (v.compressed >= 0) CHECK(c == static_cast<std::uint64_t>(v.compressed));
        Bytes b;
        Writer(b).varint(c);
        CHECK(to_hex(b) == v.varint);
        CHECK(decompress_amount(c) == v.sat);
    }
}

TEST_CASE("amount compression round-trips across magnitudes") {
    for (std::uint64_t base : {1ull, 7ull, 123ull, 99999ull, 2'099'999'997'690'000ull}) {
        for (std::uint64_t mul = 1; mul <= 1'000'000'000; mul *= 10) {
            std::uint64_t sat = base * mul;
            if (sat > 2'100'000'000'000'000ull) continue;
            CAPTURE(sat);
            CHECK(decompress_amount(compress_amount(sat)) == sat);
        }
    }
}

TEST_CASE("script compression: special forms 0-3") {
    const std::string h20 = repeat("ab", 20);
    const std::string x = repeat("5c", 32);
    const std::pair<std::string, std::string> cases[] = {
        {"76a914" + h20 + "88ac", "00" + h20},  // P2PKH
        {"a914" + h20 + "87", "01" + h20},      // P2SH
        {"2102" + x + "ac", "02" + x},          // P2PK compressed, even (no curve check, as Core)
        {"2103" + x + "ac", "03" + x},          // P2PK compressed, odd
    };
    for (const auto& [script, compressed] : cases) {
        CAPTURE(script);
        CHECK(compressed_script_hex(hex(script)) == compressed);
        CHECK(to_hex(read_back(hex(compressed))) == script);
    }
}

TEST_CASE("script compression: a real uncompressed P2PK key uses form 4/5 and decompresses back") {
    Bytes script = hex("41" + kGenesisKey + "ac");
    // y of the genesis key ends in 0x5f: odd, so form 5, followed by x.
    std::string expected = "05" + kGenesisKey.substr(2, 64);
    CHECK(compressed_script_hex(script) == expected);
    CHECK(read_back(hex(expected)) == script);
}

TEST_CASE("script compression: an off-curve 65-byte key stays raw") {
    std::string bad = kGenesisKey;
    bad.back() = 'e';  // y - 1: no longer on the curve
    Bytes script = hex("41" + bad + "ac");
    CHECK(compressed_script_hex(script) == "49" + to_hex(script));  // VARINT(67 + 6)
    CHECK(read_back(hex("49" + to_hex(script))) == script);
}

TEST_CASE("script compression: other scripts are raw with VARINT(len + 6)") {
    Bytes p2wpkh = hex("0014" + repeat("22", 20));
    CHECK(compressed_script_hex(p2wpkh) == "1c" + to_hex(p2wpkh));
    Bytes empty;
    CHECK(compressed_script_hex(empty) == "06");
    CHECK(read_back(hex("06")).empty());
    Bytes long_script(200, 0x51);  // 206 needs a 2-byte VARINT: 0x80 0x4e
    std::string enc = compressed_script_hex(long_script);
    CHECK(enc.substr(0, 4) == "804e");
    CHECK(read_back(hex(enc)) == long_script);
}

TEST_CASE("script decompression follows Core's edge cases") {
    SECTION("a raw script over 10,000 bytes is skipped and becomes OP_RETURN") {
        Bytes enc;
        Writer w(enc);
        w.varint(10001 + 6);
        enc.resize(enc.size() + 10001, 0x51);
        enc.push_back(0x99);  // the next field must still be where it belongs
        Reader r(enc);
        auto s = read_compressed_script(r);
        REQUIRE(s);
        CHECK(*s == Bytes{0x6a});
        CHECK(r.remaining() == 1);
    }
    SECTION("exactly 10,000 bytes is kept") {
        Bytes script(10000, 0x51);
        Bytes enc;
        Writer w(enc);
        write_compressed_script(w, script);
        CHECK(read_back(enc) == script);
    }
    SECTION("form 4 with an x that is not on the curve yields an empty script, as in Core") {
        // x = 5 has no y on secp256k1 (5^3 + 7 = 132 is not a square mod p).
        CHECK(read_back(hex("04" + repeat("00", 31) + "05")).empty());
    }
    SECTION("truncated payloads and oversize sizes are errors") {
        Bytes short_p2pkh = hex("00" + repeat("ab", 19));
        Reader r1(short_p2pkh);
        CHECK(read_compressed_script(r1).error().code == Errc::truncated);
        Bytes huge = hex("8efefeff00");  // VARINT 2^32 does not fit the uint32 nSize
        Reader r2(huge);
        CHECK(read_compressed_script(r2).error().code == Errc::too_large);
    }
}

TEST_CASE("the worked coin of §1.6 encodes to the reference bytes") {
    Bytes out;
    Writer w(out);
    write_coin(w, worked_coin());
    CHECK(to_hex(out) == "e5c4002d00" + repeat("11", 20));
    Reader r(out);
    auto back = read_coin(r);
    REQUIRE(back);
    CHECK(*back == worked_coin());
    CHECK(r.empty());
}

TEST_CASE("coin code and flags round-trip, an oversize code is refused") {
    Coin cb{Height{0x7fffffff}, true, Amount{0}, hex("51")};
    Bytes out;
    Writer w(out);
    write_coin(w, cb);
    Reader r(out);
    auto back = read_coin(r);
    REQUIRE(back);
    CHECK(*back == cb);

    Bytes bad =
        hex("8efefeff00"
            "00"
            "06");  // code 2^32
    Reader rb(bad);
    CHECK(read_coin(rb).error().code == Errc::too_large);
}

TEST_CASE("TxOutSer of the §1.6 coin is the 74 bytes of §2") {
    OutPoint op{Txid::from_raw(hex("01" + repeat("00", 31))), 1};
    Bytes out;
    Writer w(out);
    write_txout_ser(w, op, worked_coin());
    CHECK(out.size() == 74);
    CHECK(to_hex(out) == "01" + repeat("00", 31) +
                             "01000000"
                             "80a21900"
                             "50c3000000000000"
                             "19"
                             "76a914" +
                             repeat("11", 20) + "88ac");
}

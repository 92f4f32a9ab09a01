// VARINT and CompactSize (Core's src/serialize.h): known encodings, plus rejects.
#include <catch2/catch.hpp>

#include "core/serialize.h"

using namespace utxo::core;

static std::string varint_hex(std::uint64_t n) {
    Bytes b;
    Writer(b).varint(n);
    return to_hex(b);
}

static std::string compact_hex(std::uint64_t n) {
    Bytes b;
    Writer(b).compact_size(n);
    return to_hex(b);
}

TEST_CASE("Core VARINT encodes the reference vectors and reads them back") {
    const std::pair<std::uint64_t, const char*> vectors[] = {
        {0, "00"},           {127, "7f"},       {128, "8000"},       {255, "807f"},
        {256, "8100"},       {16383, "fe7f"},   {16384, "ff00"},     {16511, "ff7f"},
        {16512, "808000"},   {65535, "82fe7f"}, {2113663, "ffff7f"}, {4294967296ull, "8efefeff00"},
        {1680000, "e5c400"},
    };
    for (auto [value, hex] : vectors) {
        CAPTURE(value);
        CHECK(varint_hex(value) == hex);
        auto bytes = *from_hex(hex);
        Reader r(bytes);
        auto back = r.varint();
        REQUIRE(back);
        CHECK(*back == value);
        CHECK(r.empty());
    }
}

TEST_CASE("VARINT reader rejects overflow of the target type and truncation") {
    auto too_big_for_u32 = *from_hex("8efefeff00");  // 2^32
    Reader r(too_big_for_u32);
    auto v = r.varint(UINT32_MAX);
    REQUIRE_FALSE(v);
    CHECK(v.error().code == Errc::too_large);

    auto eleven = *from_hex("ffffffffffffffffffffff7f");
    Reader r2(eleven);
    CHECK_FALSE(r2.varint());

    auto truncated = *from_hex("80");
    Reader r3(truncated);
    auto t = r3.varint();
    REQUIRE_FALSE(t);
    CHECK(t.error().code == Errc::truncated);
}

TEST_CASE("CompactSize encodes the reference vectors and rejects non-canonical forms") {
    const std::pair<std::uint64_t, const char*> vectors[] = {
        {252, "fc"},
        {253, "fdfd00"},
        {65535, "fdffff"},
        {65536, "fe00000100"},
        {4294967296ull, "ff0000000001000000"},
    };
    for (auto [value, hex] : vectors) {
        CAPTURE(value);
        CHECK(compact_hex(value) == hex);
        auto bytes = *from_hex(hex);
        Reader r(bytes);
        auto back = r.compact_size(UINT64_MAX);
        REQUIRE(back);
        CHECK(*back == value);
    }
    for (const char* bad : {"fdfc00", "fe ffff0000", "ff ffffffff00000000"}) {
        std::string h(bad);
        std::erase(h, ' ');
        auto bytes = *from_hex(h);
        Reader r(bytes);
        auto v = r.compact_size(UINT64_MAX);
        REQUIRE_FALSE(v);
        CHECK(v.error().code == Errc::non_canonical);
    }
    auto over_max = *from_hex("fe01000002");  // 0x02000001 > MAX_SIZE
    Reader r(over_max);
    auto v = r.compact_size();
    REQUIRE_FALSE(v);
    CHECK(v.error().code == Errc::too_large);
}

TEST_CASE("Reader refuses to read past the end") {
    Bytes three{1, 2, 3};
    Reader r(three);
    CHECK_FALSE(r.u32());
    CHECK(r.u16());
    CHECK_FALSE(r.bytes(2));
    CHECK(r.u8());
    CHECK(r.empty());
}

TEST_CASE("Hashes print in display order and parse back") {
    auto h = BlockHash::from_display_hex("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
    REQUIRE(h);
    CHECK(h->raw()[0] == 0x6f);
    CHECK(h->raw()[31] == 0x00);
    CHECK(h->to_display_hex() == "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
    CHECK_FALSE(BlockHash::from_display_hex("00"));
    CHECK_FALSE(BlockHash::from_display_hex(std::string(64, 'g')));
}

TEST_CASE("Digests keep their natural order in bytes and hex") {
    // SHA256("abc"), FIPS 180-2 appendix B.1, as sha256sum prints it.
    const std::string abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    auto d = Sha256Digest::from_hex(abc);
    REQUIRE(d);
    CHECK(d->bytes()[0] == 0xba);
    CHECK(d->bytes()[31] == 0xad);
    CHECK(d->to_hex() == abc);
    CHECK(Sha256Digest::from_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD") == d);
    CHECK_FALSE(Sha256Digest::from_hex(abc.substr(2)));
    CHECK_FALSE(Sha256Digest::from_hex(abc + "00"));
    CHECK_FALSE(Sha256Digest::from_hex(std::string(64, 'g')));
    CHECK_FALSE(InfoHash::from_hex(abc));  // 40 digits, not 64
    CHECK(InfoHash::from_hex(std::string(40, '0')) == InfoHash{});
    // The same bytes read as a Bitcoin hash print reversed: the type decides, not the caller.
    CHECK(Hash256(d->bytes()).to_display_hex() ==
          "ad1500f261ff10b49c7a1796a36103b02322ae5dde404141eacf018fbf1678ba");
}

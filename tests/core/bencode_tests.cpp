// core/bencode: the encoder's bytes, round trips, and the decoder's refusals of everything that is
// not the one canonical encoding or is beyond its bounds.
#include <catch2/catch.hpp>
#include <limits>

#include "core/bencode.h"

using namespace utxo::core;
using namespace utxo::core::bencode;

namespace {
const Limits kLimits{};

Errc refusal(std::string_view bytes, const Limits& limits = kLimits) {
    auto r = decode(bytes, limits);
    REQUIRE_FALSE(r);
    return r.error().code;
}
}  // namespace

TEST_CASE("bencode: encode writes BEP 3's spelling with dictionary keys sorted", "[bencode][dht]") {
    CHECK(encode(Value(std::int64_t{0})) == "i0e");
    CHECK(encode(Value(std::int64_t{-42})) == "i-42e");
    CHECK(encode(Value(std::numeric_limits<std::int64_t>::min())) == "i-9223372036854775808e");
    CHECK(encode(Value("spam")) == "4:spam");
    CHECK(encode(Value("")) == "0:");
    CHECK(encode(Value(List{Value("a"), Value(std::int64_t{1}), Value(List{})})) == "l1:ai1elee");
    // Given out of order, written sorted by raw bytes (uppercase before lowercase, "a" before "ab").
    Value d(Dict{
        {"b", Value(std::int64_t{2})}, {"ab", Value("x")}, {"a", Value(std::int64_t{1})}, {"Z", Value("")}});
    CHECK(encode(d) == "d1:Z0:1:ai1e2:ab1:x1:bi2ee");
    REQUIRE(d.find("ab") != nullptr);
    CHECK(*d.find("ab")->string() == "x");
    CHECK(d.find("c") == nullptr);
    CHECK(Value("x").find("x") == nullptr);
}

TEST_CASE("bencode: decode gives back what encode wrote, binary strings included", "[bencode][dht]") {
    std::string binary("\x00\xff\x01:e", 5);
    Value v(Dict{
        {"info", Value(Dict{{"length", Value(std::int64_t{123})}, {"pieces", Value(binary)}})},
        {"list", Value(List{Value(std::int64_t{-1}), Value(std::numeric_limits<std::int64_t>::max())})}});
    auto bytes = encode(v);
    auto back = decode(bytes, kLimits);
    REQUIRE(back);
    CHECK(*back == v);
    CHECK(encode(*back) == bytes);
    CHECK(decode("i-9223372036854775808e", kLimits).value() ==
          Value(std::numeric_limits<std::int64_t>::min()));
}

TEST_CASE("bencode: decode refuses non-canonical spellings", "[bencode][dht]") {
    CHECK(refusal("i03e") == Errc::non_canonical);
    CHECK(refusal("i-0e") == Errc::non_canonical);
    CHECK(refusal("i-03e") == Errc::non_canonical);
    CHECK(refusal("03:abc") == Errc::non_canonical);
    CHECK(refusal("d1:bi1e1:ai2ee") == Errc::non_canonical);  // keys out of order
    CHECK(refusal("d1:ai1e1:ai2ee") == Errc::non_canonical);  // a repeated key
    CHECK(refusal("i1ei2e") == Errc::non_canonical);          // trailing bytes
    CHECK(refusal("4:spam\n") == Errc::non_canonical);
    CHECK(decode("d1:ai1e1:bi2ee", kLimits));
    CHECK(decode("0:", kLimits));
}

TEST_CASE("bencode: decode refuses truncated and malformed input", "[bencode][dht]") {
    CHECK(refusal("") == Errc::truncated);
    CHECK(refusal("i12") == Errc::truncated);
    CHECK(refusal("5:spam") == Errc::truncated);
    CHECK(refusal("l1:a") == Errc::truncated);
    CHECK(refusal("d1:a") == Errc::truncated);
    CHECK(refusal("4") == Errc::truncated);
    CHECK(refusal("ie") == Errc::invalid);
    CHECK(refusal("i-e") == Errc::invalid);
    CHECK(refusal("i+1e") == Errc::invalid);
    CHECK(refusal("i1x") == Errc::invalid);
    CHECK(refusal("4spam") == Errc::invalid);
    CHECK(refusal("di1ei2ee") == Errc::invalid);  // a key that is not a string
    CHECK(refusal("x") == Errc::invalid);
    CHECK(refusal("e") == Errc::invalid);
    CHECK(refusal("i9223372036854775808e") == Errc::too_large);
    CHECK(refusal("i-9223372036854775809e") == Errc::too_large);
    CHECK(refusal("i99999999999999999999999e") == Errc::too_large);
    CHECK(refusal("99999999999999999999999:x") == Errc::too_large);
    CHECK(refusal("18446744073709551615:x") == Errc::truncated);
}

TEST_CASE("bencode: decode holds to its bounds on size, depth and number of values", "[bencode][dht]") {
    const std::string list = "li1ei2ei3ee";
    CHECK(decode(list, {.max_bytes = list.size()}));
    CHECK(refusal(list, {.max_bytes = list.size() - 1}) == Errc::too_large);
    CHECK(decode(list, {.max_values = 4}));
    CHECK(refusal(list, {.max_values = 3}) == Errc::too_large);
    const std::string nested = "lld1:alleeeee";  // list, list, dict, list, list: depth 5
    CHECK(decode(nested, {.max_depth = 5}));
    CHECK(refusal(nested, {.max_depth = 4}) == Errc::too_large);
    CHECK(decode("i1e", {.max_depth = 0}));  // a lone integer has no depth
    // A hostile nesting is refused at the bound, not by exhausting the stack.
    std::string deep(100000, 'l');
    CHECK(refusal(deep, {.max_bytes = deep.size()}) == Errc::too_large);
}

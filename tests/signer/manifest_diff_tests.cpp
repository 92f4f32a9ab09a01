// The refusal message when an authority's own manifest differs: the first differing field.
#include <catch2/catch.hpp>

#include "signer/manifest_diff.h"

using utxo::signer::first_difference;

TEST_CASE("identical bytes have no difference") {
    CHECK_FALSE(first_difference("{\"a\":1}\n", "{\"a\":1}\n"));
}

TEST_CASE("the first differing field is named by its key path with both values") {
    std::string ours =
        R"({"height":5,"shards":[{"sha256":"1a2b3c4d5e6f70819293a4b5c6d7e8f9"},{"sha256":"1a2b"}]})";
    std::string theirs =
        R"({"height":5,"shards":[{"sha256":"1a2b3c4d5e6f70819293a4b5c6d7e8f9"},{"sha256":"9f8e7d6c5b4a39281716a5b4c3d2e1f0"}]})";
    CHECK(first_difference(ours, theirs) == "shards[1].sha256: ours 1a2b theirs 9f8e7d6c5b4a…");
    CHECK(first_difference(R"({"a":1,"b":2})", R"({"a":1,"c":2})") == "b: ours 2 theirs (absent)");
    CHECK(first_difference(R"({"h":1})", R"({"h":"1"})") == "h: ours 1 theirs 1");
    CHECK(first_difference(R"({"s":[1,2]})", R"({"s":[1,2,3]})") == "s: ours has 2 entries, theirs 3");
}

TEST_CASE("non-JSON or differently spelled JSON falls back to the byte offset") {
    CHECK(first_difference("abcdef", "abcxef") == "byte 3: ours is 6 bytes, theirs 6 bytes");
    CHECK(first_difference(R"({"a":1})", R"({"a": 1})") ==
          "same JSON values, different spelling at byte 5: ours is 7 bytes, theirs 8 bytes");
}

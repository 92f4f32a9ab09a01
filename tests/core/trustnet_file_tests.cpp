// The trustnet file: parsing, and checking with line numbers (edits: tests/trustnet/edit_tests.cpp).
#include <catch2/catch.hpp>

#include "core/trustnet_file.h"
#include "minisign_test_key.h"

using namespace utxo::core;

namespace {
const test::TestKey k1, k2, k3;

std::string sample() { return test::sample_trustnet(k1, k2); }
}  // namespace

TEST_CASE("a trustnet file parses into network, policy and authorities in order") {
    auto doc = parse_trustnet(sample());
    REQUIRE(doc);
    const auto& tn = doc->trustnet;
    CHECK(tn.network == utxo::core::Network::signet);
    CHECK(tn.require_k == 2u);
    CHECK(tn.required() == 2);
    REQUIRE(tn.authorities.size() == 2);
    CHECK(tn.authorities[0].name == "alice");
    CHECK(tn.authorities[0].key == k1.pub);
    CHECK(tn.authorities[0].urls == std::vector<std::string>{"https://a.example/r", "http://a2.example/r"});
    CHECK(tn.authorities[0].line == 7);
    CHECK(tn.find(k2.pub.id)->name == "bob");
    CHECK(render(*doc) == sample());
    CHECK(check_trustnet(sample()).empty());
}

TEST_CASE("require defaults to all") {
    auto doc = parse_trustnet(fmt::format("utxo-trustnet 1\nnetwork main\nauthority a {}\n", k1.line()));
    REQUIRE(doc);
    CHECK_FALSE(doc->trustnet.require_k);
    CHECK(doc->trustnet.required() == 1);
}

TEST_CASE("check reports every problem with its line number") {
    std::string bad = fmt::format(
        "utxo-trustnet 1\n"
        "network mainnet\n"            // 2: alias, not Core's name
        "require 0\n"                  // 3
        "authority alice {}\n"         // 4
        "authority alice {}\n"         // 5: duplicate name
        "authority carol {}\n"         // 6: duplicate key
        "authority dave RWQnotakey\n"  // 7: corrupted key
        "authority eve {} ftp:/x\n"    // 8: not a URL
        "authorty frank {}\n"          // 9: typo
        "authority -x {}\n",           // 10: bad name
        k1.line(), k2.line(), k1.line(), k3.line(), k3.line(), k3.line());
    auto problems = check_trustnet(bad);
    std::vector<std::size_t> lines;
    for (const auto& p : problems) lines.push_back(p.line);
    CHECK(lines == std::vector<std::size_t>{2, 3, 5, 6, 7, 8, 9, 10});
    CHECK(problems[2].message == "duplicate authority name \"alice\" (first on line 4)");
    CHECK(problems[3].message == "the key of \"carol\" is already listed for \"alice\" on line 4");
    CHECK(problems[4].message ==
          "public key of dave: not a minisign public key (expected base64 of 42 bytes)");
    auto doc = parse_trustnet(bad);
    REQUIRE_FALSE(doc);
    CHECK(doc.error().message.starts_with("line 2: expected \"network NAME\""));
}

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

TEST_CASE("max-age: absent by default, parsed in seconds, kept byte for byte by render") {
    auto plain = parse_trustnet(fmt::format("utxo-trustnet 1\nnetwork main\nauthority a {}\n", k1.line()));
    REQUIRE(plain);
    CHECK_FALSE(plain->trustnet.max_age);

    auto text =
        fmt::format("utxo-trustnet 1\nnetwork main\nrequire all\nmax-age\t48h\nauthority a {}\n", k1.line());
    auto doc = parse_trustnet(text);
    REQUIRE(doc);
    CHECK(doc->trustnet.max_age == std::chrono::seconds(48 * 3600));
    CHECK(render(*doc) == text);  // the tab and the spelling 48h stay
    CHECK(check_trustnet(text).empty());
}

TEST_CASE("max-age: DURATION is a positive integer without leading zeros and one unit s, m, h or d") {
    using std::chrono::seconds;
    CHECK(parse_max_age("1s") == seconds(1));
    CHECK(parse_max_age("90m") == seconds(5400));
    CHECK(parse_max_age("48h") == seconds(172800));
    CHECK(parse_max_age("7d") == seconds(604800));
    CHECK(parse_max_age("3650d") == kMaxMaxAge);
    CHECK(parse_max_age("87600h") == kMaxMaxAge);
    CHECK(parse_max_age("315360000s") == kMaxMaxAge);
    for (std::string bad : {"", "h", "0h", "0", "48", "048h", "48H", "48hh", "4 8h", "+48h", "-48h", "1.5h",
                            "48w", "3651d", "87601h", "315360001s", "99999999999d", "48h ", "d48"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_max_age(bad));
    }
}

TEST_CASE("max-age: formatted in the largest exact unit, which parses back") {
    using std::chrono::seconds;
    CHECK(format_max_age(seconds(172800)) == "2d");
    CHECK(format_max_age(seconds(3600 * 5)) == "5h");
    CHECK(format_max_age(seconds(5400)) == "90m");
    CHECK(format_max_age(seconds(61)) == "61s");
    CHECK(max_age_line(seconds(604800)) == "max-age 7d");
    for (auto s : {1, 59, 60, 3599, 3600, 86399, 86400, 90061, 315360000})
        CHECK(parse_max_age(format_max_age(seconds(s))) == seconds(s));
}

TEST_CASE("max-age: a bad or second line is a problem with its line number") {
    auto text = fmt::format(
        "utxo-trustnet 1\n"
        "network main\n"
        "max-age 2d\n"       // 3
        "max-age 3d\n"       // 4: second
        "authority a {}\n",  // 5
        k1.line());
    auto problems = check_trustnet(text);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].line == 4);
    CHECK(problems[0].message == "second max-age line");
    for (std::string bad : {"max-age", "max-age 0h", "max-age 48h 2d", "max-age 4000d", "max-age forever"}) {
        CAPTURE(bad);
        auto one = fmt::format("utxo-trustnet 1\nnetwork main\n{}\nauthority a {}\n", bad, k1.line());
        auto doc = parse_trustnet(one);
        REQUIRE_FALSE(doc);
        CHECK(
            doc.error().message ==
            "line 3: expected \"max-age DURATION\" with DURATION a positive integer and a unit s, m, h or d "
            "(e.g. 48h), at most 3650d");
    }
    // A misspelt directive names max-age among those expected.
    auto typo = parse_trustnet(fmt::format("utxo-trustnet 1\nnetwork main\nmaxage 2d\n"));
    REQUIRE_FALSE(typo);
    CHECK(typo.error().message ==
          "line 3: unknown directive \"maxage\" (expected network, require, max-age or authority)");
}

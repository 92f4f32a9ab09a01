// Edits of the trustnet file that keep what a person wrote (parsing: tests/core/trustnet_file_tests.cpp).
#include <catch2/catch.hpp>

#include "trustnet/edit.h"
#include "trustnet/test_support.h"

using namespace utxo::trustnet;
namespace core = utxo::core;

namespace {
const test::TestKey k1, k2, k3;

std::string sample() { return test::sample_trustnet(k1, k2); }
}  // namespace

TEST_CASE("check flags a trustnet that can never accept a release") {
    auto empty = core::check_trustnet(initial_trustnet(utxo::core::Network::regtest));
    REQUIRE(empty.size() == 1);
    CHECK(empty[0].message == "no authorities listed, so no release can ever be accepted");
    auto k_too_big = core::check_trustnet(
        fmt::format("utxo-trustnet 1\nnetwork main\nrequire 2\nauthority a {}\n", k1.line()));
    REQUIRE(k_too_big.size() == 1);
    CHECK(k_too_big[0].line == 3);
    CHECK(k_too_big[0].message == "require 2 but only 1 authorities are listed");
    CHECK(core::check_trustnet("").front().message == "empty trustnet: no \"utxo-trustnet 1\" line");
    CHECK(core::check_trustnet("utxo-trustnet 2\nnetwork main\n").front().line == 1);
}

TEST_CASE("add keeps comments and order, placing the new line after the last authority") {
    auto doc = core::parse_trustnet(sample());
    REQUIRE(doc);
    REQUIRE(add_authority(*doc, "carol", k3.pub, {"https://c.example"}));
    auto expected = sample();
    expected.insert(expected.find("# end"), fmt::format("authority carol {} https://c.example\n", k3.line()));
    CHECK(render(*doc) == expected);
    CHECK(doc->trustnet.authorities.size() == 3);
}

TEST_CASE("add refuses duplicate names, duplicate keys and bad names") {
    auto doc = core::parse_trustnet(sample());
    REQUIRE(doc);
    auto by_name = add_authority(*doc, "alice", k3.pub, {});
    REQUIRE_FALSE(by_name);
    CHECK(by_name.error().message == "an authority named \"alice\" is already listed on line 7");
    auto by_key = add_authority(*doc, "carol", k2.pub, {});
    REQUIRE_FALSE(by_key);
    CHECK(by_key.error().message ==
          fmt::format("this key (key id {}) is already listed for \"bob\" on line 8", k2.pub.id.to_hex()));
    auto same_bytes_other_id = k2.pub;  // same Ed25519 key under another key id is still the same key
    same_bytes_other_id.id = k3.pub.id;
    CHECK_FALSE(add_authority(*doc, "carol", same_bytes_other_id, {}));
    CHECK_FALSE(add_authority(*doc, "with space", k3.pub, {}));
    CHECK_FALSE(add_authority(*doc, "carol", k3.pub, {"not-a-url"}));
    CHECK(render(*doc) == sample());  // refused edits change nothing
}

TEST_CASE("remove deletes only that line, and refuses to go below require K") {
    auto doc = core::parse_trustnet(sample());
    REQUIRE(doc);
    REQUIRE(add_authority(*doc, "carol", k3.pub, {}));
    REQUIRE(remove_authority(*doc, "alice"));
    auto expected = sample();
    auto a = expected.find("authority alice");
    expected.erase(a, expected.find('\n', a) + 1 - a);
    expected.insert(expected.find("# end"), fmt::format("authority carol {}\n", k3.line()));
    CHECK(render(*doc) == expected);
    auto below = remove_authority(*doc, "bob");
    REQUIRE_FALSE(below);
    CHECK(
        below.error().message ==
        "removing \"bob\" would leave 1 authorities, fewer than \"require 2\"; lower the require line first");
    CHECK(remove_authority(*doc, "nobody").error().code == utxo::core::Errc::not_found);
}

TEST_CASE("an edit interrupted before the rename leaves the old file intact") {
    test::TempDir dir;
    auto file = dir / "trustnet.txt";
    test::write(file, sample());
    auto doc = core::load_trustnet(file);
    REQUIRE(doc);
    REQUIRE(add_authority(*doc, "carol", k3.pub, {}));
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {  // the "crash": the process dies with the new file written but not renamed
        (void)save_trustnet(file, *doc, [] { ::_exit(9); });
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 9);
    CHECK(test::read(file) == sample());
    // The next edit works and the result is complete.
    REQUIRE(save_trustnet(file, *doc));
    CHECK(test::read(file) == render(*doc));
    CHECK(core::load_trustnet(file)->trustnet.authorities.size() == 3);
}

TEST_CASE("a write that fails leaves the old file and no temporary file") {
    test::TempDir dir;
    auto file = dir / "trustnet.txt";
    test::write(file, sample());
    auto doc = core::load_trustnet(file);
    REQUIRE(doc);
    auto missing_dir = dir / "gone" / "trustnet.txt";
    CHECK_FALSE(save_trustnet(missing_dir, *doc));
    CHECK(test::read(file) == sample());
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path)) ++entries;
    CHECK(entries == 1);
}

TEST_CASE("max-age: set after the require line, replaced in place, removed, keeping every other line") {
    auto doc = core::parse_trustnet(sample());
    REQUIRE(doc);
    REQUIRE(set_max_age(*doc, "48h"));
    auto expected = sample();
    expected.insert(expected.find("require 2\n") + 10, "max-age 48h\n");
    CHECK(render(*doc) == expected);
    CHECK(doc->trustnet.max_age == std::chrono::hours(48));
    CHECK(doc->trustnet.authorities[0].line == 8);  // re-parsed: line numbers follow

    REQUIRE(set_max_age(*doc, "7d"));
    auto replaced = sample();
    replaced.insert(replaced.find("require 2\n") + 10, "max-age 7d\n");
    CHECK(render(*doc) == replaced);
    CHECK(doc->trustnet.max_age == std::chrono::hours(7 * 24));

    auto refused = set_max_age(*doc, "0d");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == core::Errc::usage);
    CHECK(render(*doc) == replaced);  // a refused edit changes nothing

    REQUIRE(set_max_age(*doc, std::nullopt));
    CHECK(render(*doc) == sample());
    CHECK_FALSE(doc->trustnet.max_age);
    REQUIRE(set_max_age(*doc, std::nullopt));  // none to remove: nothing changes
    CHECK(render(*doc) == sample());
}

TEST_CASE("max-age: without a require line it goes after the network line") {
    auto text = fmt::format("# mine\nutxo-trustnet 1\nnetwork main\n\nauthority a {}\n", k1.line());
    auto doc = core::parse_trustnet(text);
    REQUIRE(doc);
    REQUIRE(set_max_age(*doc, "90m"));
    CHECK(render(*doc) ==
          fmt::format("# mine\nutxo-trustnet 1\nnetwork main\nmax-age 90m\n\nauthority a {}\n", k1.line()));
    CHECK(doc->trustnet.max_age == std::chrono::minutes(90));
}

// Target splitting, file names and Range parsing on their own, including hostile input.
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "seeder/options.h"
#include "seeder/request_parts.h"
#include "seeder/torrent_decorate.h"

using namespace utxo::seeder;

TEST_CASE("split_target decodes segments and refuses escapes from the tree", "[seeder][parts]") {
    CHECK(*split_target("/v1/releases") == std::vector<std::string>{"v1", "releases"});
    CHECK(*split_target("/a%20b/c?x=/../") == std::vector<std::string>{"a b", "c"});
    CHECK(*split_target("/a//b") == std::vector<std::string>{"a", "", "b"});
    for (const char* bad :
         {"", "x", "/..", "/a/../b", "/%2E%2e", "/.", "/a%2Fb", "/a%5cb", "/a%00", "/a%2", "/a%g0"}) {
        CAPTURE(bad);
        CHECK_FALSE(split_target(bad));
    }
}

TEST_CASE("is_web_seed_file accepts NNNNN.shard under shards and NNNNN.patch under patches only",
          "[seeder][parts]") {
    CHECK(is_web_seed_file("shards", "00042.shard"));
    CHECK(is_web_seed_file("shards", "65535.shard"));
    CHECK(is_web_seed_file("patches", "00000.patch"));
    for (auto [part, name] : std::vector<std::pair<std::string, std::string>>{{"shards", "00042.patch"},
                                                                              {"patches", "00042.shard"},
                                                                              {"shards", "0042.shard"},
                                                                              {"shards", "000042.shard"},
                                                                              {"shards", "0004a.shard"},
                                                                              {"shards", "-0042.shard"},
                                                                              {"shards", "00042.shard.tmp"},
                                                                              {"shards", "00042.Shard"},
                                                                              {"shards", "x0042.shard"},
                                                                              {"shards", "notes.txt"},
                                                                              {"shards", ".00042.shard"},
                                                                              {"shards", ""},
                                                                              {"manifest", "00042.shard"},
                                                                              {"", "00042.shard"},
                                                                              {"shards", "00042.shard "}}) {
        CAPTURE(part, name);
        CHECK_FALSE(is_web_seed_file(part, name));
    }
}

TEST_CASE("parse_range accepts one byte range and nothing else", "[seeder][parts]") {
    auto r = parse_range("bytes=0-0", 10);
    REQUIRE(r);
    CHECK((r->first == 0 && r->length == 1));
    r = parse_range(" Bytes=2-4 ", 10);
    REQUIRE(r);
    CHECK((r->first == 2 && r->length == 3));
    r = parse_range("bytes=-20", 10);
    REQUIRE(r);
    CHECK((r->first == 0 && r->length == 10));
    r = parse_range("bytes=9-", 10);
    REQUIRE(r);
    CHECK((r->first == 9 && r->length == 1));
    for (const char* bad : {"bytes=10-", "bytes=-0", "bytes=3-2", "bytes=1-2,4-5", "bytes=", "bytes=-",
                            "bytes=a-b", "bytes=99999999999999999999999-", "0-1", "bytes=+1-2"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_range(bad, 10));
    }
    CHECK_FALSE(parse_range("bytes=0-", 0));
}

TEST_CASE("decorate_torrent adds trackers and web seeds outside info and refuses garbage",
          "[seeder][parts]") {
    std::string t = "d8:announce3:old4:infod4:name6:shardse7:comment1:xe";
    auto d = decorate_torrent(t, {"http://a/announce", "http://b/announce"}, {"http://w/"});
    REQUIRE(d);
    CHECK(*d ==
          "d8:announce17:http://a/announce13:announce-listll17:http://a/announceel17:http://b/announceee"
          "7:comment1:x4:infod4:name6:shardse8:url-listl9:http://w/ee");
    CHECK(*info_dict_bytes(*d) == "d4:name6:shardse");
    CHECK(*decorate_torrent(t, {}, {}) == "d7:comment1:x4:infod4:name6:shardsee");
    for (const char* bad : {"", "le", "d4:infod", "d3:abci1ee", "d4:infodeex", "d4:info5:abe",
                            "d99999999999999999999999:x4:infodee"}) {
        CAPTURE(bad);
        CHECK_FALSE(decorate_torrent(bad, {}, {}));
    }
    std::string deep = "d4:info" + std::string(100, 'l') + std::string(100, 'e') + "e";
    CHECK_FALSE(decorate_torrent(deep, {}, {}));
}

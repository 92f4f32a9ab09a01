// The pure parts of fetch: URLs, the seeder's release list and magnets, wallet shards, progress.
#include <catch2/catch.hpp>

#include "core/shard.h"
#include "verifier/fetch.h"
#include "verifier/fetch_discover.h"
#include "verifier/fetch_progress.h"
#include "verifier/fetch_url.h"

using namespace utxo::verifier;

TEST_CASE("Seeder URLs parse and resolve the paths a release list gives, without credentials", "[fetch]") {
    auto u = parse_http_url("http://127.0.0.1:8080");
    REQUIRE(u);
    CHECK(u->host == "127.0.0.1");
    CHECK(u->port == "8080");
    auto r = resolve_seeder_reference(*u, "/v1/releases/regtest/x/manifest.json");
    REQUIRE(r);
    CHECK(r->str() == "http://127.0.0.1:8080/v1/releases/regtest/x/manifest.json");
    CHECK(resolve_seeder_reference(*u, "http://[::1]:9/a")->origin() == "http://[::1]:9");
    CHECK_FALSE(parse_http_url("https://example.org"));
    CHECK_FALSE(parse_http_url("http://:80/"));
    CHECK_FALSE(parse_http_url("http://h:99999/"));
    CHECK_FALSE(parse_http_url("http://user:pw@h/"));
    CHECK(resolve_seeder_reference(*u, "http://user:pw@h/m").error().message ==
          "http://user:pw@h/m: credentials in a seeder URL are not supported");
    CHECK(resolve_seeder_reference(*u, "ftp://h/m").error().message ==
          "ftp://h/m: only http:// URLs are supported");
    CHECK(parse_peer_address("127.0.0.1:6881") == HostPort{"127.0.0.1", 6881});
    CHECK(parse_peer_address("[::1]:6881") == HostPort{"::1", 6881});
    CHECK_FALSE(parse_peer_address("127.0.0.1"));
    CHECK(percent_decode("127.0.0.1%3A6881") == "127.0.0.1:6881");
    CHECK_FALSE(percent_decode("%4"));
}

TEST_CASE("A release list gives offers with resolved URLs and magnet peer hints, bad entries are skipped",
          "[fetch]") {
    std::string hash(64, 'a'), ih(40, 'b');
    std::string body = R"({"releases":[
      {"network":"regtest","height":250,"block_hash":")" +
                       hash + R"(","name":"250-x",
       "manifest":"/v1/releases/regtest/250-x/manifest.json",
       "signatures":["/v1/releases/regtest/250-x/manifest.json.AB.minisig"],
       "web_seed":"http://127.0.0.1:8080/v1/files/regtest/250-x/",
       "torrents":{"shards":{"infohash":")" +
                       ih + R"(","torrent":"/v1/releases/regtest/250-x/shards.torrent",
                             "magnet":"magnet:?xt=urn:btih:)" +
                       ih + R"(&dn=shards&x.pe=127.0.0.1%3A6881&x.pe=10.0.0.2:7000&tr=x"},
                   "patches":null}},
      {"network":"mainnet","height":1},
      {"network":"regtest","height":200,"manifest":"/m","torrents":{"shards":{"infohash":"zz","torrent":"/t"}}}
    ]})";
    auto base = parse_http_url("http://127.0.0.1:8080");
    std::vector<std::string> skipped;
    auto offers = parse_release_list(*base, body, skipped);
    REQUIRE(offers);
    REQUIRE(offers->size() == 1);
    CHECK(skipped.size() == 2);  // "mainnet" is an alias, not Core's name; a bad infohash
    const auto& o = offers->front();
    CHECK(o.height == utxo::core::Height{250});
    CHECK(o.manifest.str() == "http://127.0.0.1:8080/v1/releases/regtest/250-x/manifest.json");
    REQUIRE(o.signatures.size() == 1);
    REQUIRE(o.shards);
    CHECK(o.shards->infohash.to_hex() == ih);
    CHECK(o.shards->peers == std::vector<HostPort>{{"127.0.0.1", 6881}, {"10.0.0.2", 7000}});
    CHECK_FALSE(o.patches);
    CHECK_FALSE(parse_release_list(*base, "[]", skipped));
    CHECK_FALSE(parse_release_list(*base, "not json", skipped));
}

TEST_CASE("A release entry whose height does not fit a block height (u32) is skipped", "[fetch]") {
    std::string body = R"({"releases":[
      {"network":"regtest","height":4294967295,"manifest":"/m"},
      {"network":"regtest","height":4294967296,"manifest":"/m"}
    ]})";
    auto base = parse_http_url("http://127.0.0.1:8080");
    std::vector<std::string> skipped;
    auto offers = parse_release_list(*base, body, skipped);
    REQUIRE(offers);
    REQUIRE(offers->size() == 1);
    CHECK(offers->front().height == utxo::core::Height{UINT32_MAX});
    CHECK(skipped ==
          std::vector<std::string>{"http://127.0.0.1:8080/: a release entry was skipped: no height"});
}

TEST_CASE("Wallet shards are the scripts' shards, sorted and unique, bad input is a usage error", "[fetch]") {
    auto p2pkh = "76a914" + std::string(40, '1') + "88ac";
    auto bytes = *utxo::core::from_hex(p2pkh);
    auto s = wallet_shards({}, {p2pkh, p2pkh}, utxo::core::Network::regtest, 1024);
    REQUIRE(s);
    CHECK(*s == std::vector<std::uint32_t>{utxo::core::shard_of(bytes, 1024)});
    auto bad = wallet_shards({"notanaddress"}, {}, utxo::core::Network::regtest, 1024);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == utxo::core::Errc::usage);
    CHECK_FALSE(wallet_shards({}, {"zz"}, utxo::core::Network::regtest, 1024));
}

TEST_CASE("The progress line shows bytes, percent, rate, ETA and peers", "[fetch]") {
    TransferSample s{1024 * 1024, 4 * 1024 * 1024, 1024 * 1024, 2, false};
    CHECK(progress_line("shards", s) == "shards  1.0 MiB / 4.0 MiB  25%  1.0 MiB/s  ETA 0:03  2 peers");
    s.rate = 0;
    s.peers = 1;
    CHECK(progress_line("shards", s).find("ETA --  1 peer") != std::string::npos);
    s.checking = true;
    CHECK(progress_line("shards", s) == "shards  checking files on disk  1 peer");
    CHECK(human_bytes(12) == "12 B");
}

// serve as a drop-in Esplora endpoint: the prefixes clients use, the release's block, the headers
// every answer carries, and what needs a full server's history (501).
#include <catch2/catch.hpp>

#include "esplora_serve.h"
#include "verifier/esplora.h"
#include "verifier/esplora_route.h"

using namespace utxo;
using verifier::EsploraOptions;
using verifier::HttpResponse;
using verifier::Store;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> route(std::string_view target, core::Network net = core::Network::regtest,
                               std::string_view base = "") {
    auto r = verifier::route_of(target, net, base);
    CHECK(!r.other_network_prefix);
    return {r.segments.begin(), r.segments.end()};
}

std::string header(const HttpResponse& res, std::string_view name) {
    const auto* v = res.header(name);
    return v ? *v : "(absent)";
}

Store open_with_200(const fs::path& dir, const fs::path& rel_dir) {
    auto s = Store::open(dir);
    REQUIRE(s);
    vt::install(*s, rel_dir);
    return std::move(*s);
}

// A store with release 200 of the fixture chain installed (all shards).
struct Installed200 {
    test::TempDir dir;
    fs::path rel_dir = vt::releases().at(200);
    Store store = open_with_200(dir / "store", rel_dir);
    std::shared_ptr<const verifier::Installed> cur = *store.current();
    std::string hash = cur->manifest.block.to_display_hex();

    HttpResponse get(const std::string& target, const EsploraOptions& o = {},
                     const std::string& method = "GET") {
        return verifier::handle_request({method, target}, store, o, cur->accepted_at + 42);
    }
};

}  // namespace

TEST_CASE("route_of removes the prefixes of mempool.js and Blockstream and the --base-path", "[esplora]") {
    using V = std::vector<std::string>;
    CHECK(route("/blocks/tip/height?x=/api") == V{"blocks", "tip", "height"});
    CHECK(route("/api/blocks/tip/height") == V{"blocks", "tip", "height"});
    CHECK(route("/regtest/api/address/a/utxo") == V{"address", "a", "utxo"});
    CHECK(route("/testnet/api/x", core::Network::testnet3) == V{"x"});
    CHECK(route("/testnet4/api/x", core::Network::testnet4) == V{"x"});
    CHECK(route("/signet/api/x", core::Network::signet) == V{"x"});
    CHECK(route("/api/x", core::Network::mainnet) == V{"x"});
    CHECK(route("/esplora/api/x", core::Network::regtest, "/esplora") == V{"api", "x"});
    CHECK(route("/a/b/x", core::Network::regtest, "/a/b") == V{"x"});
    CHECK(route("/a/x", core::Network::regtest, "/a/b") == V{"a", "x"});
    CHECK(route("/api//x") == V{"", "x"});
    CHECK(route("/api") == V{});
    CHECK(route("nothing") == V{});

    auto other = verifier::route_of("/testnet/api/blocks/tip/height", core::Network::regtest, "");
    CHECK(other.other_network_prefix == "/testnet/api");
    CHECK(verifier::route_of("/liquid/api/x", core::Network::mainnet, "").other_network_prefix ==
          "/liquid/api");
    CHECK(verifier::route_of("/regtest/api/x", core::Network::mainnet, "").other_network_prefix ==
          "/regtest/api");
}

TEST_CASE("serve's --base-path and --cors are checked before they are used", "[esplora]") {
    CHECK(verifier::normalize_base_path("/esplora") == "/esplora");
    CHECK(verifier::normalize_base_path("/a/b-c.d_e~f/") == "/a/b-c.d_e~f");
    for (std::string_view bad :
         {"", "/", "esplora", "/a//b", "/a/../b", "/a b", "/a?b", "/a/b/c/d/e/f/g/h/i"}) {
        INFO(bad);
        auto r = verifier::normalize_base_path(bad);
        REQUIRE(!r);
        CHECK(r.error().code == core::Errc::usage);
        CHECK(r.error().message.starts_with("--base-path "));
    }
    CHECK(!verifier::normalize_base_path("/" + std::string(100, 'a')));

    for (std::string_view good :
         {"*", "https://wallet.example", "http://127.0.0.1:8080", "https://[::1]:8443"})
        CHECK(verifier::check_cors_origin(good));
    for (std::string_view bad : {"", "wallet.example", "https://", "https://a/b", "https://a\r\nX-Evil: 1",
                                 "ftp://a", "https://a, https://b"}) {
        INFO(bad);
        auto r = verifier::check_cors_origin(bad);
        REQUIRE(!r);
        CHECK(r.error().code == core::Errc::usage);
    }
}

TEST_CASE("handle_request answers under /api, /regtest/api and the base path", "[esplora]") {
    Installed200 s;
    EsploraOptions o;
    o.base_path = "/esplora";
    auto [script, address] = vt::some_address(s.rel_dir);
    const auto expected = vt::sorted(vt::esplora_expected(vt::expectations(s.rel_dir).at(script)));
    for (std::string prefix : {"", "/api", "/regtest/api", "/esplora"}) {
        INFO(prefix);
        CHECK(s.get(prefix + "/blocks/tip/height", o).body == "200");
        auto r = s.get(prefix + "/address/" + address + "/utxo", o);
        CHECK(r.status == 200);
        CHECK(vt::sorted(nlohmann::json::parse(r.body)) == expected);
    }
    // Without --base-path the same path is unknown.
    auto r = s.get("/esplora/blocks/tip/height");
    CHECK(r.status == 404);
    CHECK(r.body.starts_with(
        "unknown endpoint /esplora/blocks/tip/height: utxo-verifier serve answers from a "
        "verified UTXO set (regtest at height 200); it answers GET /address/:address/utxo"));
    // A client set up for another network is told so, not answered with this one's set.
    for (std::string prefix : {"/testnet/api", "/signet/api", "/testnet4/api"}) {
        r = s.get(prefix + "/blocks/tip/height");
        CHECK(r.status == 404);
        CHECK(r.body ==
              prefix +
                  "/ is another network's API: utxo-verifier serve answers from a verified UTXO set "
                  "(regtest at height 200)\n");
    }
}

TEST_CASE("handle_request answers the release's block hash and no other block", "[esplora]") {
    Installed200 s;
    auto r = s.get("/api/blocks/tip/hash");
    CHECK(r.status == 200);
    CHECK(r.content_type == "text/plain");
    CHECK(r.body == s.hash);
    CHECK(s.get("/block-height/200").body == s.hash);
    r = s.get("/block-height/199");
    CHECK(r.status == 404);
    CHECK(r.body ==
          "block 199 is not known here: utxo-verifier serve answers from a verified UTXO set (regtest at "
          "height 200) and knows only the block of that height, signed with the release\n");
    CHECK(s.get("/block-height/201").status == 404);
    for (std::string bad : {"abc", "-1", "1e3", "", "4294967296", "00000000200"}) {
        INFO(bad);
        r = s.get("/block-height/" + bad);
        CHECK(r.status == 400);
        CHECK(r.body.starts_with("invalid block height"));
    }
}

TEST_CASE("handle_request says 501 for what needs a full Esplora server's history", "[esplora]") {
    Installed200 s;
    auto [script, address] = vt::some_address(s.rel_dir);
    const std::string txid(64, '0');
    for (const std::string& target : std::vector<std::string>{
             "/address/" + address + "/txs", "/address/" + address, "/api/address/" + address + "/txs/chain",
             "/scripthash/" + std::string(64, 'a'), "/tx/" + txid, "/tx/" + txid + "/hex", "/block/" + s.hash,
             "/blocks", "/api/mempool", "/fee-estimates", "/api/v1/fees/recommended"}) {
        INFO(target);
        auto r = s.get(target);
        CHECK(r.status == 501);
        CHECK(r.body.find(
                  "which this server does not have: utxo-verifier serve answers from a verified UTXO set "
                  "(regtest at height 200) and knows only its unspent outputs; it answers GET "
                  "/address/:address/utxo, /scripthash/:hash/utxo, /blocks/tip/height, "
                  "/blocks/tip/hash and /block-height/200\n") != std::string::npos);
        CHECK(std::count(r.body.begin(), r.body.end(), '\n') == 1);
        CHECK(header(r, "Cache-Control") == "no-store");
    }
    CHECK(s.get("/api/address/" + address + "/txs")
              .body.starts_with("GET /api/address/" + address + "/txs needs transaction history"));
    CHECK(s.get("/fee-estimates").body.starts_with("GET /fee-estimates needs fee estimates, "));
    CHECK(s.get("/api/v1/fees/recommended")
              .body.starts_with("GET /api/v1/fees/recommended needs fee estimates, "));
    CHECK(s.get("/api/v1/block/" + s.hash)
              .body.starts_with("GET /api/v1/block/" + s.hash + " needs block data, "));
    CHECK(s.get("/api/v1/lightning/statistics/latest").body.find("needs mempool.space's own API") !=
          std::string::npos);
    for (std::string target : {"/tx", "/api/tx", "/regtest/api/tx"}) {
        auto r = s.get(target, {}, "POST");
        CHECK(r.status == 501);
        CHECK(r.body.starts_with("POST " + target +
                                 " (broadcasting a transaction) needs a connection to the Bitcoin network, "
                                 "which this server does not have: utxo-verifier serve answers"));
    }
    auto r = s.get("/blocks/tip/height", {}, "POST");
    CHECK(r.status == 405);
    CHECK(header(r, "Allow") == "GET, HEAD, OPTIONS");
    CHECK(s.get("/blocks/tip/height", {}, "DELETE").status == 405);
}

TEST_CASE("every answer carries Cache-Control and the release and CORS headers as do HEAD and OPTIONS",
          "[esplora]") {
    Installed200 s;
    EsploraOptions o;
    o.cors_origin = "https://wallet.example";
    auto r = s.get("/api/blocks/tip/height", o);
    CHECK(header(r, "Cache-Control") == "public, max-age=10");
    CHECK(header(r, "X-Utxo-Release-Height") == "200");
    CHECK(header(r, "X-Utxo-Release-Block") == s.hash);
    CHECK(header(r, "X-Utxo-Release-Age") == "42");
    CHECK(header(r, "Access-Control-Allow-Origin") == "https://wallet.example");
    CHECK(header(r, "Access-Control-Expose-Headers") ==
          "X-Utxo-Release-Height, X-Utxo-Release-Block, X-Utxo-Release-Age");
    CHECK(!r.head);
    CHECK(header(s.get("/api/blocks/tip/height"), "Access-Control-Allow-Origin") == "(absent)");

    for (std::string target : {"/nothing", "/address/nope/utxo", "/tx/00"}) {
        r = s.get(target, o);
        CHECK(r.status >= 400);
        CHECK(header(r, "Cache-Control") == "no-store");
        CHECK(header(r, "X-Utxo-Release-Height") == "200");
        CHECK(header(r, "Access-Control-Allow-Origin") == "https://wallet.example");
    }
    // An age never goes negative when the clock stepped back.
    CHECK(header(verifier::handle_request({"GET", "/"}, s.store, o, s.cur->accepted_at - 5),
                 "X-Utxo-Release-Age") == "0");

    r = s.get("/blocks/tip/hash", o, "HEAD");
    CHECK(r.status == 200);
    CHECK(r.head);
    CHECK(r.body == s.hash);  // the server sends its length only
    CHECK(header(r, "X-Utxo-Release-Height") == "200");

    r = s.get("/api/address/x/utxo", o, "OPTIONS");
    CHECK(r.status == 204);
    CHECK(r.body.empty());
    CHECK(header(r, "Allow") == "GET, HEAD, OPTIONS");
    CHECK(header(r, "Access-Control-Allow-Methods") == "GET, HEAD, OPTIONS");
    CHECK(header(r, "Access-Control-Allow-Origin") == "https://wallet.example");

    test::TempDir empty;
    auto none = Store::open(empty / "store");
    REQUIRE(none);
    r = verifier::handle_request({"GET", "/api/blocks/tip/height"}, *none, o, 0);
    CHECK(r.status == 503);
    CHECK(header(r, "Cache-Control") == "no-store");
    CHECK(header(r, "X-Utxo-Release-Height") == "(absent)");
    CHECK(header(r, "Access-Control-Allow-Origin") == "https://wallet.example");
}

TEST_CASE(
    "utxo-verifier serve over HTTP: the prefixes and HEAD and OPTIONS and CORS and 501 and 413 with headers",
    "[esplora][e2e]") {
    test::TempDir dir;
    const auto rel_dir = vt::releases().at(200);
    {
        auto store = Store::open(dir / "store");
        REQUIRE(store);
        vt::install(*store, rel_dir);
    }
    for (std::string bad :
         {"--base-path /", "--base-path 'a b'", "--cors wallet.example", "--cors 'https://a/b'"}) {
        auto r =
            test::run(vt::verifier + " serve --db " + test::q(dir / "store") + " --http 127.0.0.1:0 " + bad);
        INFO(r.out);
        CHECK(r.exit_code == 2);
        CHECK(r.out.starts_with("utxo-verifier: --"));
    }
    vt::ServeProcess serve(dir.path(), " --base-path /esplora/ --cors https://wallet.example");
    const auto hash = vt::load_release(rel_dir).manifest.block.to_display_hex();
    const auto curl = [&](const std::string& args) { return test::run("curl -s " + args).out; };
    for (std::string prefix : {"", "/api", "/regtest/api", "/esplora"})
        CHECK(curl(serve.base + prefix + "/blocks/tip/hash") == hash);

    // HEAD: the GET answer's headers, no body.
    auto head = curl("-I " + serve.base + "/api/blocks/tip/height");
    INFO(head);
    CHECK(head.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(head.find("\r\nContent-Length: 3\r\n") != std::string::npos);
    CHECK(head.find("\r\nCache-Control: public, max-age=10\r\n") != std::string::npos);
    CHECK(head.find("\r\nX-Utxo-Release-Height: 200\r\n") != std::string::npos);
    CHECK(head.find("\r\nX-Utxo-Release-Block: " + hash + "\r\n") != std::string::npos);
    CHECK(head.find("\r\nX-Utxo-Release-Age: ") != std::string::npos);
    CHECK(head.find("\r\nAccess-Control-Allow-Origin: https://wallet.example\r\n") != std::string::npos);

    auto preflight =
        curl("-i -X OPTIONS -H 'Origin: https://wallet.example' -H 'Access-Control-Request-Method: GET' " +
             serve.base + "/api/address/x/utxo");
    INFO(preflight);
    CHECK(preflight.starts_with("HTTP/1.1 204 No Content\r\n"));
    CHECK(preflight.find("\r\nAccess-Control-Allow-Methods: GET, HEAD, OPTIONS\r\n") != std::string::npos);

    // A wallet broadcasting is told why not; a body beyond 16 KiB is refused before it is read,
    // with the same headers.
    auto tx = curl("-i -X POST --data-binary " + std::string(400, 'a') + " " + serve.base + "/api/tx");
    INFO(tx);
    CHECK(tx.starts_with("HTTP/1.1 501 Not Implemented\r\n"));
    CHECK(tx.find("POST /api/tx (broadcasting a transaction) needs a connection to the Bitcoin network") !=
          std::string::npos);
    test::write_file(dir / "big", core::as_bytes(std::string(17 * 1024, 'a')));
    auto big =
        curl("-i -X POST -H 'Expect:' --data-binary @" + test::q(dir / "big") + " " + serve.base + "/api/tx");
    INFO(big);
    CHECK(big.starts_with("HTTP/1.1 413 Payload Too Large\r\n"));
    CHECK(big.find("\r\nX-Utxo-Release-Height: 200\r\n") != std::string::npos);
    CHECK(big.find("\r\nAccess-Control-Allow-Origin: https://wallet.example\r\n") != std::string::npos);
    CHECK(
        big.find(
            "request too large: utxo-verifier serve answers GET, HEAD and OPTIONS, with a header of at most "
            "8192 bytes and a body of at most 16384 bytes") != std::string::npos);
    serve.stop();
}

// The HTTP API as a pure function, and `serve` end to end on 127.0.0.1.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "core/sha256.h"
#include "esplora_serve.h"
#include "test_process.h"
#include "verifier/esplora.h"
#include "verifier/http_server.h"

using namespace utxo;
using verifier::HttpRequest;
using verifier::Store;
using vt::esplora_expected;
using vt::ServeProcess;
using vt::some_address;
using vt::sorted;
namespace fs = std::filesystem;

TEST_CASE("handle_request answers the three endpoints and their errors", "[esplora]") {
    test::TempDir dir;
    const auto rel_dir = vt::releases().at(200);
    auto store = Store::open(dir / "store");
    REQUIRE(store);
    CHECK(verifier::handle_request({"GET", "/blocks/tip/height"}, *store).status == 503);
    vt::install(*store, rel_dir, {0, 1, 2, 3, 4, 5, 6, 7});
    const auto expected = vt::expectations(rel_dir);

    auto tip = verifier::handle_request({"GET", "/blocks/tip/height"}, *store);
    CHECK(tip.status == 200);
    CHECK(tip.content_type == "text/plain");
    CHECK(tip.body == "200");

    auto [script, address] = some_address(rel_dir, {0, 1, 2, 3, 4, 5, 6, 7});
    auto r = verifier::handle_request({"GET", "/address/" + address + "/utxo"}, *store);
    CHECK(r.status == 200);
    CHECK(sorted(nlohmann::json::parse(r.body)) == sorted(esplora_expected(expected.at(script))));
    r = verifier::handle_request({"GET", "/scripthash/" + core::sha256(script).to_hex() + "/utxo?x=1"},
                                 *store);
    CHECK(r.status == 200);
    CHECK(sorted(nlohmann::json::parse(r.body)) == sorted(esplora_expected(expected.at(script))));
    // Esplora's hash is in natural byte order; the reversed (Electrum) form finds nothing here.
    const std::string reversed = core::Hash256(core::sha256(script).bytes()).to_display_hex();
    r = verifier::handle_request({"GET", "/scripthash/" + reversed + "/utxo"}, *store);
    CHECK((r.status == 200 || r.status == 404));
    if (r.status == 200) CHECK(r.body == "[]");

    auto [other, other_address] = some_address(rel_dir, {8, 9, 10, 11, 12, 13, 14, 15});
    r = verifier::handle_request({"GET", "/address/" + other_address + "/utxo"}, *store);
    CHECK(r.status == 404);
    CHECK(r.body.find("is not held by this wallet store") != std::string::npos);
    r = verifier::handle_request({"GET", "/address/bc1qnotanaddress/utxo"}, *store);
    CHECK(r.status == 400);
    CHECK(r.body.starts_with("invalid address bc1qnotanaddress: "));
    CHECK(std::count(r.body.begin(), r.body.end(), '\n') == 1);
    CHECK(verifier::handle_request({"GET", "/scripthash/abcd/utxo"}, *store).status == 400);
    CHECK(verifier::handle_request({"GET", "/nothing"}, *store).status == 404);
    CHECK(verifier::handle_request({"POST", "/blocks/tip/height"}, *store).status == 405);
}

TEST_CASE("utxo-verifier serve answers over HTTP and stops on SIGTERM", "[esplora][e2e]") {
    test::TempDir dir;
    const auto rel_dir = vt::releases().at(200);
    {
        auto store = Store::open(dir / "store");
        REQUIRE(store);
        vt::install(*store, rel_dir);
    }
    ServeProcess serve(dir.path(), " --max-connections 4 --max-connections-per-ip 2");
    const std::string& port = serve.port;
    const std::string& base = serve.base;

    auto tip = test::run("curl -s " + base + "/blocks/tip/height");
    CHECK(tip.out == "200");
    auto [script, address] = some_address(rel_dir);
    auto r = test::run("curl -s " + base + "/address/" + address + "/utxo");
    CHECK(sorted(nlohmann::json::parse(r.out)) ==
          sorted(esplora_expected(vt::expectations(rel_dir).at(script))));
    auto bad = test::run("curl -s -o /dev/null -w '%{http_code}' " + base + "/address/nope/utxo");
    CHECK(bad.out == "400");
    auto big = test::run("curl -s -o /dev/null -w '%{http_code}' -H 'X-Big: " + std::string(20000, 'a') +
                         "' " + base + "/blocks/tip/height");
    CHECK(big.out == "431");

    {
        struct Connection {
            int fd;
            ~Connection() {
                if (fd >= 0) ::close(fd);
            }
        };
        const auto port_number = static_cast<std::uint16_t>(std::stoi(port));
        const auto tip_status = [&](const char* from) {
            return test::run("curl -s -o /dev/null -w '%{http_code}' --interface " + std::string(from) + " " +
                             base + "/blocks/tip/height")
                .out;
        };
        // 127.0.0.2 holds its two places (--max-connections-per-ip 2): a third from it is told 503,
        // while 127.0.0.3 is served at once.
        Connection hog1{test::connect_loopback(port_number, 5, "127.0.0.2")};
        Connection hog2{test::connect_loopback(port_number, 5, "127.0.0.2")};
        REQUIRE(hog1.fd >= 0);
        REQUIRE(hog2.fd >= 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        CHECK(tip_status("127.0.0.2") == "503");
        auto t0 = std::chrono::steady_clock::now();
        CHECK(tip_status("127.0.0.3") == "200");
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
        // Two more idle connections from 127.0.0.3 fill the whole cap (--max-connections 4).
        Connection idle1{test::connect_loopback(port_number, 5, "127.0.0.3")};
        Connection idle2{test::connect_loopback(port_number, 5, "127.0.0.3")};
        REQUIRE(idle1.fd >= 0);
        REQUIRE(idle2.fd >= 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        CHECK(tip_status("127.0.0.1") == "503");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto again = test::run("curl -s " + base + "/blocks/tip/height");
    CHECK(again.out == "200");
    {  // an idle connection is dropped after the 5 s header timeout, not the 15 s write timeout
        int idle = test::connect_loopback(static_cast<std::uint16_t>(std::stoi(port)), 20);
        REQUIRE(idle >= 0);
        const double took = test::seconds_until_closed(idle);
        CHECK(took > 3);
        CHECK(took < 10);
    }

    serve.stop();
}

TEST_CASE("utxo-verifier serve answers for a release installed by another process while it runs",
          "[esplora][e2e]") {
    test::TempDir dir;
    {
        auto store = Store::open(dir / "store");
        REQUIRE(store);
        vt::install(*store, vt::releases().at(150));
    }
    ServeProcess serve(dir.path(), "");
    const std::string& base = serve.base;
    CHECK(test::run("curl -s " + base + "/blocks/tip/height").out == "150");

    // A fetch beside serve installs release 200 (here the test process, through its own handle).
    const auto rel_dir = vt::releases().at(200);
    {
        auto store = Store::open(dir / "store");
        REQUIRE(store);
        vt::install(*store, rel_dir);
    }
    CHECK(test::run("curl -s " + base + "/blocks/tip/height").out == "200");
    auto [script, address] = some_address(rel_dir);
    const auto expected = sorted(esplora_expected(vt::expectations(rel_dir).at(script)));
    auto r = test::run("curl -s " + base + "/address/" + address + "/utxo");
    CHECK(sorted(nlohmann::json::parse(r.out)) == expected);
    r = test::run("curl -s " + base + "/scripthash/" + core::sha256(script).to_hex() + "/utxo");
    CHECK(sorted(nlohmann::json::parse(r.out)) == expected);

    serve.stop();
}

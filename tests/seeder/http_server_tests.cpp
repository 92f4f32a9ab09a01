// The seeder's HTTP server in-process on an ephemeral port: read timeouts (idle and slow headers),
// keep-alive with pipelined requests and the connection caps (in all and per client address), as
// /metrics counts them. The
// skeleton's own tests (limits, streaming, the upload budget) are in tests/net/http_server_tests.cpp.
#include <catch2/catch.hpp>

#include "seeder/http_server.h"
#include "seeder_test_support.h"

using namespace utxo::seeder;
namespace fs = std::filesystem;

namespace {

int connect_to(std::uint16_t port, const char* from = nullptr) {
    int s = test::connect_loopback(port, 5, from);
    REQUIRE(s >= 0);
    return s;
}

struct Server {
    test::TempDir dir;
    Options options;
    CatalogBox box;
    Metrics metrics;
    std::unique_ptr<HttpServer> server;
    explicit Server(unsigned max_connections = 256,
                    std::chrono::seconds header_timeout = std::chrono::seconds(1)) {
        options.http = {"127.0.0.1", 0};
        options.http_header_timeout = header_timeout;
        options.http_timeout = std::chrono::seconds(1);
        options.max_connections = max_connections;
        auto s = start_http_server(options, box, metrics);
        REQUIRE(s);
        server = std::move(*s);
    }
    std::uint16_t port() const { return server->port(); }
};

}  // namespace

TEST_CASE("Idle and slow clients are cut off after the read timeout", "[seeder][http]") {
    Server srv;
    int idle = connect_to(srv.port());
    CHECK(test::seconds_until_closed(idle) < 3);
    int slow = connect_to(srv.port());
    ::send(slow, "GET /v1/rel", 11, MSG_NOSIGNAL);  // a header that never ends
    CHECK(test::seconds_until_closed(slow) < 3);
}

TEST_CASE("Keep-alive answers pipelined requests on one connection", "[seeder][http]") {
    Server srv;
    auto r = seedtest::http_raw(srv.port(),
                                "GET /v1/releases HTTP/1.1\r\nHost: x\r\n\r\n"
                                "HEAD /v1/releases HTTP/1.1\r\nHost: x\r\n\r\n"
                                "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(r.status == 200);
    CHECK(r.body.starts_with("{\"releases\":[]}\n"));
    CHECK(r.body.find("HTTP/1.1 200") != std::string::npos);
    CHECK(r.body.find("HTTP/1.1 404") != std::string::npos);
    auto codes = srv.metrics.requests();
    CHECK(codes[200] == 2);
    CHECK(codes[404] == 1);
}

TEST_CASE("Connections beyond the cap are closed at once", "[seeder][http]") {
    Server srv(2);
    int a = connect_to(srv.port()), b = connect_to(srv.port());
    REQUIRE(test::eventually([&] { return srv.metrics.http_connections == 2; }, 3));
    int c = connect_to(srv.port());
    CHECK(test::seconds_until_closed(c) < 0.5);
    ::close(a);
    ::close(b);
}

TEST_CASE("One address holding its 16 connections does not lock out another", "[seeder][http]") {
    Server srv(256, std::chrono::seconds(30));  // the default per-address cap, 16
    REQUIRE(srv.options.max_connections_per_ip == 16);
    std::vector<int> hog;
    for (int i = 0; i < 16; ++i) hog.push_back(connect_to(srv.port(), "127.0.0.2"));
    REQUIRE(test::eventually([&] { return srv.metrics.http_connections == 16; }, 3));
    int more = connect_to(srv.port(), "127.0.0.2");
    CHECK(test::seconds_until_closed(more) < 0.5);
    auto t0 = std::chrono::steady_clock::now();
    int other = connect_to(srv.port(), "127.0.0.3");
    const std::string req = "GET /v1/releases HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    ::send(other, req.data(), req.size(), MSG_NOSIGNAL);
    auto in = test::read_until_closed(other);
    CHECK(in.starts_with("HTTP/1.1 200"));
    CHECK(in.ends_with("{\"releases\":[]}\n"));
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1));
    for (int fd : hog) ::close(fd);
}

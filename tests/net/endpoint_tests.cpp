// net/endpoint: HOST:PORT for listen addresses (port 0 allowed) and peer hints (port 1-65535).
#include <catch2/catch.hpp>

#include "net/endpoint.h"

using namespace utxo::net;

TEST_CASE("HOST:PORT parsing", "[net][endpoint]") {
    auto hp = parse_host_port("127.0.0.1:6881");
    REQUIRE(hp);
    CHECK((hp->host == "127.0.0.1" && hp->port == 6881));
    hp = parse_host_port("[::1]:80");
    REQUIRE(hp);
    CHECK((hp->host == "::1" && hp->to_string() == "[::1]:80"));
    CHECK(parse_host_port("127.0.0.1:8080").value() == HostPort{"127.0.0.1", 8080});
    CHECK(parse_host_port("[::1]:0").value().host == "::1");
    for (const char* bad :
         {"127.0.0.1", ":80", "h:", "h:65536", "h:-1", "h:8x", "127.0.0.1:99999", "host:12x"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_host_port(bad));
    }
    CHECK(parse_host_port("h:8x").error().message == "'h:8x' has no valid port (0-65535)");
    CHECK(parse_host_port(":80").error().message == "':80' has no host");
    CHECK(parse_host_port("h").error().message == "'h' is not HOST:PORT");
}

TEST_CASE("peer addresses need a port from 1 to 65535", "[net][endpoint]") {
    CHECK(parse_peer_address("127.0.0.1:6881") == HostPort{"127.0.0.1", 6881});
    CHECK(parse_peer_address("[::1]:6881") == HostPort{"::1", 6881});
    CHECK_FALSE(parse_peer_address("127.0.0.1"));
    CHECK_FALSE(parse_peer_address("127.0.0.1:0"));
    CHECK_FALSE(parse_peer_address(":6881"));
}

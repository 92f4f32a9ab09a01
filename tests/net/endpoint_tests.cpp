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

TEST_CASE("local addresses: loopback, private, link-local, never a name", "[net][endpoint][dht]") {
    for (const char* host : {"127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.0.1", "172.31.255.255",
                             "192.168.1.1", "169.254.3.4", "::1", "fd00::1", "fc00::", "fe80::1"})
        CHECK(is_local_address(host));
    for (const char* host : {"8.8.8.8", "172.32.0.1", "172.15.0.1", "192.169.0.1", "1.2.3.4", "2001:db8::1",
                             "::", "0.0.0.0", "localhost", "router.bittorrent.com", "", "127.0.0.1:80"})
        CHECK_FALSE(is_local_address(host));
}

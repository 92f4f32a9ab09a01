// net/url and net/endpoint: http URLs, percent-decoding, host:port and Basic authorization.
#include <catch2/catch.hpp>

#include "net/url.h"

using namespace utxo::net;
using utxo::core::Errc;

TEST_CASE("parse_http_url reads hosts, ports, paths and credentials") {
    auto u = parse_http_url("http://user:p%40ss%3Aword@127.0.0.1:8332/wallet/x");
    REQUIRE(u);
    CHECK(u->host == "127.0.0.1");
    CHECK(u->port == "8332");
    CHECK(u->path == "/wallet/x");
    CHECK(u->user_password == "user:p@ss:word");
    CHECK(u->display() == "http://127.0.0.1:8332/wallet/x");
    CHECK(u->str().find("p@ss") == std::string::npos);

    auto v6 = parse_http_url("HTTP://[::1]:9000");
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->origin() == "http://[::1]:9000");
    CHECK(v6->display() == "http://[::1]:9000");
    CHECK(parse_http_url("http://example")->port == "80");

    CHECK(parse_http_url("https://x").error().message == "only http:// URLs are supported");
    CHECK(parse_http_url("http://:80/").error().message == "the URL names no host");
    CHECK(parse_http_url("http://h:0").error().message ==
          "the URL's port '0' is not a number from 1 to 65535");
    CHECK(parse_http_url("http://h:99999").error().code == Errc::usage);
    CHECK(parse_http_url("http://[::1/").error().message == "the URL's host is malformed");
    CHECK(parse_http_url("http://a%zz@h").error().message == "the URL's user:password has a bad %-escape");
    // Found by fuzz/url.cpp: a host with control bytes before an IPv6 literal printed as another URL.
    CHECK(parse_http_url(std::string("http://user:pw@\0\0\0[::1]:99/a/b?c", 32)).error().message ==
          "the URL's host is malformed");
    CHECK(parse_http_url("http://a[b]c/").error().message == "the URL's host is malformed");
    CHECK(parse_http_url("http://h\x1b[31m/").error().message == "the URL's host is malformed");
    CHECK(parse_http_url("http://h/a b").error().message ==
          "the URL's path holds a space or control character");
}

TEST_CASE("percent_decode, parse_port and split_host_port") {
    CHECK(percent_decode("a%2Fb+c") == std::optional<std::string>("a/b+c"));
    CHECK_FALSE(percent_decode("%4"));
    CHECK_FALSE(percent_decode("%g0"));
    CHECK(parse_port("65535") == std::optional<std::uint16_t>(65535));
    CHECK_FALSE(parse_port("65536"));
    CHECK_FALSE(parse_port("8a"));
    CHECK_FALSE(parse_port(""));
    CHECK(split_host_port("h:1") == std::optional(std::pair<std::string, std::string>{"h", "1"}));
    CHECK(split_host_port("[::1]") == std::optional(std::pair<std::string, std::string>{"::1", ""}));
    CHECK_FALSE(split_host_port("[::1]x"));
}

TEST_CASE("basic_authorization is RFC 7617's") {
    CHECK(basic_authorization("Aladdin:open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    CHECK(basic_authorization("x:y") == "Basic eDp5");
    CHECK(basic_authorization("") == "Basic ");
}

TEST_CASE("resolve_reference and join_path give the URLs a server's answer points to") {
    auto u = parse_http_url("http://127.0.0.1:8080");
    REQUIRE(u);
    CHECK(join_path(*u, "v1/releases").str() == "http://127.0.0.1:8080/v1/releases");
    CHECK(join_path(*parse_http_url("http://h/base/"), "/v1/releases").str() ==
          "http://h:80/base/v1/releases");
    auto r = resolve_reference(*u, "/v1/releases/regtest/x/manifest.json");
    REQUIRE(r);
    CHECK(r->str() == "http://127.0.0.1:8080/v1/releases/regtest/x/manifest.json");
    CHECK(resolve_reference(*u, "http://[::1]:9/a")->origin() == "http://[::1]:9");
    CHECK(resolve_reference(*u, "//other/a").error().message == "//other/a: only http:// URLs are supported");
    CHECK(resolve_reference(*u, "/a b").error().code == Errc::invalid);
    CHECK(resolve_reference(*u, "/a b").error().message == "a path holds a space or control character");
    CHECK(resolve_reference(*u, "http://h/a\x01").error().code == Errc::usage);
}

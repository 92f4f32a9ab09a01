// net/http_client against a tiny scripted HTTP/1.1 server on 127.0.0.1: keep-alive and the one
// reconnect, any status as a result, the body limit (declared or streamed), timeouts, and
// http_get's 200 / 404 / other statuses.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "net/http_client.h"
#include "tiny_http_server.h"

using namespace utxo::net;
using test::Request;
using test::TinyServer;
using utxo::core::Errc;

namespace {

std::string reply(int status, const std::string& body) {
    return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
}

// Answers with the request's target as the body; /404 and /500 with those statuses.
std::string echo_target(const Request& r) {
    auto target = r.head.substr(r.head.find(' ') + 1);
    target = target.substr(0, target.find(' '));
    if (target == "/404") return reply(404, "not here");
    if (target == "/500") return reply(500, "broken");
    return reply(200, target);
}

HttpClientOptions options_for(const TinyServer& s, std::size_t max_body = 1000) {
    return {"127.0.0.1", s.port(), "utxo-test", std::chrono::seconds(5), max_body};
}

HttpUrl url_of(const TinyServer& s, const std::string& path) {
    HttpUrl u;
    u.host = "127.0.0.1";
    u.port = s.port();
    u.path = path;
    return u;
}

}  // namespace

TEST_CASE("HttpClient keeps one connection alive and any status is a result", "[http]") {
    TinyServer server(
        [](const Request& r) { return r.body.empty() ? echo_target(r) : reply(200, "posted " + r.body); });
    HttpClient client(options_for(server));
    auto a = client.get("/a", {});
    REQUIRE(a);
    CHECK(a->status == 200);
    CHECK(a->body == "/a");
    auto missing = client.get("/404", {});
    REQUIRE(missing);
    CHECK(missing->status == 404);
    CHECK(missing->body == "not here");
    auto broken = client.get("/500", {});
    REQUIRE(broken);
    CHECK(broken->status == 500);
    auto posted =
        client.post("/rpc", "{}", {{"Content-Type", "application/json"}, {"Authorization", "Basic eDp5"}});
    REQUIRE(posted);
    CHECK(posted->body == "posted {}");
    CHECK(server.connections() == 1);

    auto requests = server.requests();
    REQUIRE(requests.size() == 4);
    const std::string& head = requests[3].head;
    CHECK(head.starts_with("POST /rpc HTTP/1.1\r\n"));
    CHECK(head.find("Host: 127.0.0.1:" + server.port() + "\r\n") != std::string::npos);
    CHECK(head.find("User-Agent: utxo-test\r\n") != std::string::npos);
    CHECK(head.find("Content-Type: application/json\r\n") != std::string::npos);
    CHECK(head.find("Authorization: Basic eDp5\r\n") != std::string::npos);
}

TEST_CASE("HttpClient reconnects once when the server closed the kept-alive connection", "[http]") {
    TinyServer server(echo_target, 1);  // closes after every answer, without saying so
    HttpClient client(options_for(server));
    for (const char* target : {"/1", "/2", "/3"}) {
        auto r = client.get(target, {});
        INFO((r ? "" : r.error().message));
        REQUIRE(r);
        CHECK(r->body == target);
    }
    CHECK(server.connections() == 3);
}

TEST_CASE("HttpClient refuses answers over the limit, declared or streamed, and stays usable", "[http]") {
    TinyServer server([](const Request& r) {
        if (r.head.starts_with("GET /declared "))  // a length above the limit, and no body at all
            return std::string("HTTP/1.1 200 OK\r\nContent-Length: 5000000000\r\n\r\n");
        if (r.head.starts_with("GET /chunked "))
            return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n100\r\n" + std::string(256, 'x') +
                   "\r\n0\r\n\r\n";
        return echo_target(r);
    });
    {
        HttpClient client(options_for(server, 100));
        auto declared = client.get("/declared", {});
        REQUIRE_FALSE(declared);
        CHECK(declared.error().code == Errc::too_large);
        CHECK(declared.error().message == "the answer is larger than the limit of 100 bytes");
        auto chunked = client.get("/chunked", {});
        REQUIRE_FALSE(chunked);
        CHECK(chunked.error().code == Errc::too_large);
        auto small = client.get("/ok", {});
        REQUIRE(small);
        CHECK(small->body == "/ok");
    }  // the server serves one connection at a time: this one ends here
    HttpClient mib_client({"127.0.0.1", server.port(), "utxo-test", std::chrono::seconds(5), 1u << 20});
    CHECK(mib_client.get("/declared", {}).error().message == "the answer is larger than the limit of 1 MiB");
}

TEST_CASE("HttpClient says who did not answer: refused connections and timeouts", "[http]") {
    test::SilentServer server;
    const std::string port = server.port();

    HttpClient silent({"127.0.0.1", port, "utxo-test", std::chrono::seconds(1)});
    auto t0 = std::chrono::steady_clock::now();
    auto r = silent.get("/", {});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::io);
    CHECK(r.error().message == "no answer within 1 s");
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
    server.close();

    HttpClient refused({"127.0.0.1", port, "utxo-test", std::chrono::seconds(1)});
    CHECK(refused.get("/", {}).error().message == "cannot connect (Connection refused)");
}

TEST_CASE("http_get: 200 is the body, 404 is nothing, other statuses and big answers fail", "[http]") {
    TinyServer server([](const Request& r) {
        if (r.head.starts_with("GET /big ")) return reply(200, std::string(200, 'x'));
        return echo_target(r);
    });
    const GetOptions options{"utxo-test", std::chrono::seconds(5), 100};
    auto ok = http_get(url_of(server, "/v1/releases"), options);
    REQUIRE(ok);
    REQUIRE(*ok);
    CHECK(**ok == "/v1/releases");
    auto missing = http_get(url_of(server, "/404"), options);
    REQUIRE(missing);
    CHECK_FALSE(*missing);
    auto broken = http_get(url_of(server, "/500"), options);
    REQUIRE_FALSE(broken);
    CHECK(broken.error().code == Errc::io);
    CHECK(broken.error().message == "answered 500");
    auto big = http_get(url_of(server, "/big"), options);
    REQUIRE_FALSE(big);
    CHECK(big.error().code == Errc::too_large);
    CHECK(http_get(url_of(server, "/big"), {"utxo-test", std::chrono::seconds(5), 200}));

    // One request per connection, said so on the wire.
    CHECK(server.connections() == 5);
    for (const auto& r : server.requests()) CHECK(r.head.find("Connection: close\r\n") != std::string::npos);
}

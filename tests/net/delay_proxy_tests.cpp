// The test-only delaying proxy (tests/delay_proxy.h) that the slow-link tests put between fetch and
// its sources: round trips of 2 x delay (4 x on a new connection), a bandwidth cap per direction
// shared by the proxy's connections, bytes in order and intact, closes that cross after the delay,
// dead sources, its bounds, and a destructor that returns at once.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "delay_proxy.h"
#include "test_process.h"

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

bool send_all(int fd, const void* data, std::size_t n) {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
        ssize_t k = ::send(fd, p, n, MSG_NOSIGNAL);
        if (k <= 0) return false;
        p += k;
        n -= static_cast<std::size_t>(k);
    }
    return true;
}

bool recv_all(int fd, void* data, std::size_t n) {
    char* p = static_cast<char*>(data);
    while (n > 0) {
        ssize_t k = ::recv(fd, p, n, 0);
        if (k <= 0) return false;
        p += k;
        n -= static_cast<std::size_t>(k);
    }
    return true;
}

// The byte at offset i of the test streams: order and content show in every byte.
char pattern(std::uint64_t i) { return static_cast<char>((i * 131 + (i >> 13)) & 0xff); }

// A loopback TCP server on a thread of its own, each connection handled by `handler` on a thread
// of its own; joined on destruction (handlers end when their peer closes).
class Server {
public:
    explicit Server(std::function<void(int)> handler) : handler_(std::move(handler)) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(listener_, 16) == 0);
        socklen_t len = sizeof a;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        accepter_ = std::thread([this] {
            for (int fd; (fd = ::accept(listener_, nullptr, nullptr)) >= 0;) {
                std::lock_guard lock(mutex_);
                handlers_.emplace_back([this, fd] {
                    handler_(fd);
                    ::close(fd);
                });
            }
        });
    }
    ~Server() {
        ::shutdown(listener_, SHUT_RDWR);
        ::close(listener_);
        accepter_.join();
        for (auto& t : handlers_) t.join();
    }
    std::uint16_t port() const { return port_; }

private:
    std::function<void(int)> handler_;
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::thread accepter_;
    std::mutex mutex_;
    std::vector<std::thread> handlers_;
};

// Echoes until the peer half-closes, then closes.
void echo(int fd) {
    char buf[65536];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
        if (!send_all(fd, buf, static_cast<std::size_t>(n))) return;
}

// Reads until EOF, checking every byte against pattern(); answers "ok <count>" or "bad <offset>".
void sink(int fd) {
    std::vector<char> buf(1 << 16);
    std::uint64_t count = 0;
    for (ssize_t n; (n = ::recv(fd, buf.data(), buf.size(), 0)) > 0;)
        for (ssize_t i = 0; i < n; ++i, ++count)
            if (buf[static_cast<std::size_t>(i)] != pattern(count)) {
                auto bad = "bad " + std::to_string(count);
                send_all(fd, bad.data(), bad.size());
                return;
            }
    auto ok = "ok " + std::to_string(count);
    send_all(fd, ok.data(), ok.size());
}

// Sends `bytes` of pattern() upward through the proxy, half-closes and reads the sink's verdict.
std::string send_pattern(std::uint16_t port, std::uint64_t bytes) {
    int s = test::connect_loopback(port, 60);
    if (s < 0) return "no connection";
    std::vector<char> buf(1 << 16);
    for (std::uint64_t at = 0; at < bytes;) {
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), bytes - at));
        for (std::size_t i = 0; i < n; ++i) buf[i] = pattern(at + i);
        if (!send_all(s, buf.data(), n)) break;
        at += n;
    }
    ::shutdown(s, SHUT_WR);
    return test::read_until_closed(s);
}

test::DelayProxyOptions to(std::uint16_t port, std::chrono::milliseconds delay, std::uint64_t rate = 0) {
    test::DelayProxyOptions o;
    o.target_port = port;
    o.delay = delay;
    o.rate = rate;
    return o;
}

}  // namespace

TEST_CASE("DelayProxy: a round trip takes 2 x the delay, 4 x on a new connection, and not much more",
          "[net][delay_proxy]") {
    Server server(echo);
    const auto d = 150ms;
    test::DelayProxy proxy(to(server.port(), d));
    auto t0 = Clock::now();
    int s = test::connect_loopback(proxy.port(), 10);
    REQUIRE(s >= 0);
    char got[4] = {};
    REQUIRE(send_all(s, "ping", 4));
    REQUIRE(recv_all(s, got, 4));
    const double first = since(t0);
    CHECK(std::memcmp(got, "ping", 4) == 0);
    // The SYN crossing and the one round trip the client would have waited for the SYN-ACK.
    CHECK(first >= 0.6);
    CHECK(first < 0.6 + 0.5);
    for (int i = 0; i < 3; ++i) {
        auto t1 = Clock::now();
        REQUIRE(send_all(s, "pong", 4));
        REQUIRE(recv_all(s, got, 4));
        const double rtt = since(t1);
        CHECK(std::memcmp(got, "pong", 4) == 0);
        CHECK(rtt >= 0.3);
        CHECK(rtt < 0.3 + 0.3);
    }
    // A half-close crosses after the delay and the echo server's close comes back after another.
    auto t2 = Clock::now();
    ::shutdown(s, SHUT_WR);
    CHECK(test::read_until_closed(s).empty());
    CHECK(since(t2) >= 0.3);
    CHECK(since(t2) < 0.3 + 0.5);
    CHECK(test::eventually([&] { return proxy.stats().open == 0; }, 5));
    CHECK(proxy.stats().accepted == 1);
    CHECK(proxy.stats().bytes_up == 16);
    CHECK(proxy.stats().bytes_down == 16);
}

TEST_CASE("DelayProxy: a capped transfer runs at the cap, not at one window per round trip, in order",
          "[net][delay_proxy]") {
    Server server(sink);
    const std::uint64_t rate = 4'000'000, bytes = 8'000'000;  // 2 s at the cap
    test::DelayProxy proxy(to(server.port(), 100ms, rate));
    auto t0 = Clock::now();
    auto verdict = send_pattern(proxy.port(), bytes);
    const double took = since(t0);
    CHECK(verdict == "ok " + std::to_string(bytes));
    INFO("8 MB at 4 MB/s with 100 ms each way took " << took << " s");
    CHECK(took >= static_cast<double>(bytes) / static_cast<double>(rate));
    // A proxy that waited for each window to cross would take 10 s and more here.
    CHECK(took < 2.0 * 1.25 + 0.4 + 1.0);
    CHECK(proxy.stats().bytes_up == bytes);
}

TEST_CASE("DelayProxy: the cap is shared by the proxy's connections, and by proxies given one LinkRate",
          "[net][delay_proxy]") {
    Server server(sink);
    const std::uint64_t rate = 4'000'000, bytes = 4'000'000;
    SECTION("two connections of one proxy") {
        test::DelayProxy proxy(to(server.port(), 20ms, rate));
        auto t0 = Clock::now();
        std::string a, b;
        std::thread other([&] { a = send_pattern(proxy.port(), bytes); });
        b = send_pattern(proxy.port(), bytes);
        other.join();
        CHECK(a == "ok " + std::to_string(bytes));
        CHECK(b == "ok " + std::to_string(bytes));
        CHECK(since(t0) >= 2.0);  // 8 MB through one 4 MB/s link
        CHECK(since(t0) < 2.0 * 1.25 + 1.0);
    }
    SECTION("two proxies on one link") {
        auto up = std::make_shared<test::LinkRate>(rate);
        auto o = to(server.port(), 20ms);
        o.up_rate = up;
        test::DelayProxy p1(o), p2(o);
        auto t0 = Clock::now();
        std::string a, b;
        std::thread other([&] { a = send_pattern(p1.port(), bytes); });
        b = send_pattern(p2.port(), bytes);
        other.join();
        CHECK(a == "ok " + std::to_string(bytes));
        CHECK(b == "ok " + std::to_string(bytes));
        CHECK(since(t0) >= 2.0);
    }
}

TEST_CASE("DelayProxy: the download direction is delayed, capped and intact too", "[net][delay_proxy]") {
    const std::uint64_t bytes = 3'000'000;
    Server server([&](int fd) {
        std::vector<char> buf(1 << 16);
        for (std::uint64_t at = 0; at < bytes;) {
            std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), bytes - at));
            for (std::size_t i = 0; i < n; ++i) buf[i] = pattern(at + i);
            if (!send_all(fd, buf.data(), n)) return;
            at += n;
        }
    });
    test::DelayProxy proxy(to(server.port(), 200ms, 2'000'000));
    auto t0 = Clock::now();
    int s = test::connect_loopback(proxy.port(), 30);
    REQUIRE(s >= 0);
    auto got = test::read_until_closed(s);
    const double took = since(t0);
    REQUIRE(got.size() == bytes);
    std::uint64_t wrong = 0;
    for (std::uint64_t i = 0; i < bytes; ++i) wrong += got[i] != pattern(i) ? 1 : 0;
    CHECK(wrong == 0);
    // 1.5 s at the cap after the SYN crossing, plus the way back.
    CHECK(took >= 1.5 + 0.4);
    CHECK(took < 1.5 * 1.25 + 0.4 + 1.0);
}

TEST_CASE("DelayProxy: a dead proxy accepts and never answers, a refused target closes the client",
          "[net][delay_proxy]") {
    Server server(echo);
    auto o = to(server.port(), 0ms);
    o.dead = true;
    test::DelayProxy dead(o);
    int s = test::connect_loopback(dead.port(), 1);
    REQUIRE(s >= 0);
    REQUIRE(send_all(s, "GET / HTTP/1.1\r\n\r\n", 18));
    char c;
    auto t0 = Clock::now();
    CHECK(::recv(s, &c, 1, 0) < 0);  // the 1 s receive timeout, not an answer and not a close
    CHECK(since(t0) >= 0.9);
    ::close(s);
    CHECK(dead.stats().accepted == 1);
    CHECK(dead.stats().bytes_up == 0);

    test::DelayProxy nowhere(to(test::free_port(), 200ms));
    int r = test::connect_loopback(nowhere.port(), 5);
    REQUIRE(r >= 0);
    auto t1 = Clock::now();
    CHECK(test::read_until_closed(r).empty());
    CHECK(since(t1) >= 0.35);  // the SYN there, the refusal back
    CHECK(since(t1) < 0.4 + 1.0);
}

TEST_CASE("DelayProxy: connections over the cap are closed at once", "[net][delay_proxy]") {
    Server server(echo);
    auto o = to(server.port(), 0ms);
    o.max_connections = 2;
    test::DelayProxy proxy(o);
    int a = test::connect_loopback(proxy.port(), 5), b = test::connect_loopback(proxy.port(), 5);
    REQUIRE(a >= 0);
    REQUIRE(b >= 0);
    REQUIRE(test::eventually([&] { return proxy.stats().open == 2; }, 5));
    int c = test::connect_loopback(proxy.port(), 5);
    REQUIRE(c >= 0);
    auto t0 = Clock::now();
    CHECK(test::read_until_closed(c).empty());
    CHECK(since(t0) < 1.0);
    CHECK(proxy.stats().refused == 1);
    ::close(a);
    ::close(b);
}

TEST_CASE("DelayProxy: the destructor closes every connection at once, bytes in flight or not",
          "[net][delay_proxy]") {
    Server server(echo);
    std::optional<test::DelayProxy> proxy;
    proxy.emplace(to(server.port(), 5s));
    int s = test::connect_loopback(proxy->port(), 10);
    REQUIRE(s >= 0);
    std::vector<char> lots(1 << 20, 'x');
    REQUIRE(send_all(s, lots.data(), lots.size()));  // held for 5 s in the proxy
    auto t0 = Clock::now();
    proxy.reset();
    const double took = since(t0);
    CHECK(took < 1.0);
    auto t1 = Clock::now();
    CHECK(test::read_until_closed(s).empty());
    CHECK(since(t1) < 1.0);
}

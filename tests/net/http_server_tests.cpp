// net's HTTP server skeleton in-process on 127.0.0.1, port 0: the handler's answer as sent, HEAD,
// header and body limits, malformed requests, read timeouts (header and body apart), the
// connection caps (in all and per client address, closed or 503), keep-alive with pipelined
// requests, HTTP versions, file slices streamed in chunks under the upload budget (given back by
// clients that leave), the observer, listen errors and the stop signals.
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "net/http_server.h"
#include "test_process.h"
#include "test_support.h"

using namespace utxo::net;
namespace fs = std::filesystem;

namespace {

int connect_to(std::uint16_t port, const char* from = nullptr) {
    int s = test::connect_loopback(port, 5, from);
    REQUIRE(s >= 0);
    return s;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Sends `raw` (one or more whole requests) to 127.0.0.1:port and reads until the server closes.
std::string roundtrip(std::uint16_t port, const std::string& raw) {
    int s = connect_to(port);
    ::send(s, raw.data(), raw.size(), MSG_NOSIGNAL);
    return test::read_until_closed(s);
}

struct Reply {
    std::string version;  // "HTTP/1.1"
    int status = 0;
    std::map<std::string, std::string> headers;  // lowercase names
    std::string body;
};

// The first answer in `in`, its body as long as its Content-Length (none for HEAD); the text after
// it is left in `in`.
Reply take_reply(std::string& in, bool head = false) {
    Reply r;
    auto end = in.find("\r\n\r\n");
    REQUIRE(end != std::string::npos);
    r.version = in.substr(0, 8);
    r.status = std::stoi(in.substr(9, 3));
    for (std::size_t pos = in.find("\r\n") + 2; pos < end;) {
        auto eol = in.find("\r\n", pos);
        auto line = in.substr(pos, eol - pos);
        auto colon = line.find(':');
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), ::tolower);
        r.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
        pos = eol + 2;
    }
    std::size_t length = 0;
    if (!head && r.headers.contains("content-length")) length = std::stoull(r.headers["content-length"]);
    REQUIRE(in.size() >= end + 4 + length);
    r.body = in.substr(end + 4, length);
    in.erase(0, end + 4 + length);
    return r;
}

Reply get(std::uint16_t port, const std::string& target, const std::string& extra_headers = "") {
    auto in = roundtrip(
        port, "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + extra_headers + "\r\n");
    return take_reply(in);
}

// Counts what the skeleton reports; thread-safe like an observer of a server with threads must be.
struct Recorder : HttpObserver {
    std::atomic<int> opened{0}, closed{0};
    std::atomic<std::uint64_t> bytes{0};
    std::mutex mutex;
    std::vector<std::pair<unsigned, std::string>> answers;  // status, target ("" for a refusal)

    void connection_opened() override { ++opened; }
    void connection_closed() override { ++closed; }
    void answered(unsigned status, const HttpRequest* request) override {
        std::lock_guard lock(mutex);
        answers.emplace_back(status, request ? request->target : "");
    }
    void body_bytes_sent(std::uint64_t n) override { bytes += n; }
    std::vector<std::pair<unsigned, std::string>> seen() {
        std::lock_guard lock(mutex);
        return answers;
    }
};

// Routes of the test handler:
//   /echo          "METHOD TARGET range=RANGE" (text/plain, X-Extra: 1)
//   /file/O/L      L bytes of the data file from offset O, streamed from disk
//   /gone          a slice of a file that does not exist
//   anything else  "hello"
// HEAD gets the headers of the GET answer.
struct Fixture {
    test::TempDir dir;
    fs::path data = dir / "data.bin";
    std::string bytes;
    std::shared_ptr<Recorder> recorder = std::make_shared<Recorder>();
    std::unique_ptr<HttpServer> server;

    static HttpServerOptions defaults() {
        HttpServerOptions o;
        o.listen = {"127.0.0.1", 0};
        o.server_name = "test-server";
        o.header_timeout = std::chrono::seconds(1);
        o.timeout = std::chrono::seconds(1);
        return o;
    }

    explicit Fixture(HttpServerOptions options = defaults()) {
        for (std::size_t i = 0; i < 600 * 1024; ++i)
            bytes.push_back(static_cast<char>((i * 7 + i / 1000) & 0xff));
        test::write_file(data, utxo::core::as_bytes(bytes));
        auto s = HttpServer::start(
            std::move(options), [this](const HttpRequest& req) { return handle(req); }, recorder);
        REQUIRE(s);
        server = std::move(*s);
    }
    std::uint16_t port() const { return server->port(); }

    HttpResponse handle(const HttpRequest& req) const {
        HttpResponse res;
        res.content_type = "text/plain";
        res.head = req.method == "HEAD";
        if (req.target == "/echo") {
            res.body = req.method + " " + req.target + " range=" + req.range.value_or("-");
            res.headers.emplace_back("X-Extra", "1");
        } else if (req.target.starts_with("/file/")) {
            auto rest = req.target.substr(6);
            auto slash = rest.find('/');
            res.content_type = "application/octet-stream";
            res.file =
                FileSlice{data, std::stoull(rest.substr(0, slash)), std::stoull(rest.substr(slash + 1))};
        } else if (req.target == "/gone") {
            res.file = FileSlice{dir / "missing.bin", 0, 10};
        } else {
            res.body = "hello";
        }
        return res;
    }
};

}  // namespace

TEST_CASE("The handler's answer is sent as given, HEAD without its body", "[net][http]") {
    Fixture fx;
    auto r = get(fx.port(), "/echo", "Range: bytes=3-9\r\n");
    CHECK(r.version == "HTTP/1.1");
    CHECK(r.status == 200);
    CHECK(r.body == "GET /echo range=bytes=3-9");
    CHECK(r.headers["server"] == "test-server");
    CHECK(r.headers["content-type"] == "text/plain");
    CHECK(r.headers["x-extra"] == "1");
    CHECK(r.headers["content-length"] == "25");
    CHECK(r.headers["connection"] == "close");

    auto in = roundtrip(fx.port(), "HEAD /file/0/614400 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto head = take_reply(in, true);
    CHECK(head.status == 200);
    CHECK(head.headers["content-length"] == "614400");
    CHECK(head.headers["content-type"] == "application/octet-stream");
    CHECK(in.empty());  // no body follows
    in = roundtrip(fx.port(), "HEAD /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(take_reply(in, true).headers["content-length"] == "18");  // "HEAD /echo range=-"
    CHECK(in.empty());
}

TEST_CASE("Headers over the limit get 431, refused bodies 413, both then closed", "[net][http]") {
    Fixture fx;  // body_limit 0: no body is accepted
    auto big = get(fx.port(), "/", "X-Big: " + std::string(9000, 'a') + "\r\n");
    CHECK(big.status == 431);
    CHECK(big.body == "Request Header Fields Too Large\n");  // plain_refusal
    CHECK(big.headers["connection"] == "close");
    CHECK(get(fx.port(), "/", "X-Fits: " + std::string(7000, 'a') + "\r\n").status == 200);

    // A Content-Length body and a chunked one, each followed by a request that must not be read.
    auto in = roundtrip(fx.port(),
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\n\r\n");
    CHECK(take_reply(in).status == 413);
    CHECK(in.empty());
    in = roundtrip(fx.port(),
                   "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
                   "GET / HTTP/1.1\r\n\r\n");
    CHECK(take_reply(in).status == 413);
    CHECK(in.empty());
    CHECK(get(fx.port(), "/", "Content-Length: 0\r\n").status == 200);
}

TEST_CASE("Bodies up to body_limit are read and the next request answered", "[net][http]") {
    auto options = Fixture::defaults();
    options.body_limit = 16;
    Fixture fx(options);
    auto in =
        roundtrip(fx.port(),
                  "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n0123456789abcdef"
                  "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n"
                  "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(take_reply(in).body == "POST /echo range=-");
    CHECK(take_reply(in).body == "POST /echo range=-");
    CHECK(take_reply(in).body == "hello");
    CHECK(in.empty());
    CHECK(get(fx.port(), "/", "Content-Length: 17\r\n\r\n" + std::string(17, 'x')).status == 413);
    in = roundtrip(fx.port(), "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n11\r\n" +
                                  std::string(17, 'x') + "\r\n0\r\n\r\n");
    CHECK(take_reply(in).status == 413);
}

TEST_CASE("Malformed requests get 400, or are closed without an answer", "[net][http]") {
    const std::string bad = "G(T / HTTP/1.1\r\nHost: x\r\n\r\n";
    {
        Fixture fx;
        auto in = roundtrip(fx.port(), bad);
        auto r = take_reply(in);
        CHECK(r.status == 400);
        CHECK(r.headers["connection"] == "close");
        CHECK(in.empty());
        in = roundtrip(fx.port(), "GET / HTTP/1.1\r\nBad Field: x\r\n\r\n");
        CHECK(take_reply(in).status == 400);
    }
    auto options = Fixture::defaults();
    options.answer_malformed = false;
    Fixture fx(options);
    CHECK(roundtrip(fx.port(), bad).empty());
    CHECK(fx.recorder->seen().empty());
}

TEST_CASE("Idle and slow clients are cut off after the timeout", "[net][http]") {
    Fixture fx;  // 1 s
    int idle = connect_to(fx.port());
    auto took = test::seconds_until_closed(idle);
    CHECK(took > 0.5);
    CHECK(took < 3);
    int slow = connect_to(fx.port());
    ::send(slow, "GET /ec", 7, MSG_NOSIGNAL);  // a header that never ends
    CHECK(test::seconds_until_closed(slow) < 3);
    // One deadline covers the header and the body: a body that never ends is cut off as well.
    auto options = Fixture::defaults();
    options.body_limit = 100;
    Fixture with_body(options);
    int s = connect_to(with_body.port());
    const std::string partial = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\nabc";
    ::send(s, partial.data(), partial.size(), MSG_NOSIGNAL);
    CHECK(test::seconds_until_closed(s) < 3);
}

TEST_CASE("Keep-alive answers pipelined requests on one connection, in order", "[net][http]") {
    Fixture fx;
    auto in = roundtrip(fx.port(),
                        "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"
                        "HEAD /echo HTTP/1.1\r\nHost: x\r\n\r\n"
                        "GET /file/10/5 HTTP/1.1\r\nHost: x\r\n\r\n"
                        "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto a = take_reply(in);
    CHECK(a.body == "GET /echo range=-");
    CHECK_FALSE(a.headers.contains("connection"));
    CHECK(take_reply(in, true).headers["content-length"] == "18");
    CHECK(take_reply(in).body == fx.bytes.substr(10, 5));
    auto last = take_reply(in);
    CHECK(last.body == "hello");
    CHECK(last.headers["connection"] == "close");
    CHECK(in.empty());
    REQUIRE(test::eventually([&] { return fx.recorder->closed == fx.recorder->opened; }, 3));
    CHECK(fx.recorder->opened == 1);
}

TEST_CASE("Answers are HTTP/1.1, or in the request's version when asked, refusals always 1.1",
          "[net][http]") {
    const std::string v10 = "GET / HTTP/1.0\r\nHost: x\r\n\r\n";
    {
        Fixture fx;
        auto in = roundtrip(fx.port(), v10);
        auto r = take_reply(in);
        CHECK(r.version == "HTTP/1.1");
        CHECK(r.headers["connection"] == "close");
        CHECK(r.body == "hello");
    }
    auto options = Fixture::defaults();
    options.echo_request_version = true;
    Fixture fx(options);
    auto in = roundtrip(fx.port(), v10);
    auto r = take_reply(in);
    CHECK(r.version == "HTTP/1.0");
    CHECK_FALSE(r.headers.contains("connection"));
    in = roundtrip(
        fx.port(),
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    auto kept = take_reply(in);
    CHECK(kept.version == "HTTP/1.0");
    CHECK(kept.headers["connection"] == "keep-alive");
    CHECK(take_reply(in).version == "HTTP/1.1");
    in = roundtrip(fx.port(), "GET / HTTP/1.0\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n");
    auto refused = take_reply(in);
    CHECK(refused.status == 431);
    CHECK(refused.version == "HTTP/1.1");
}

TEST_CASE("Connections beyond the cap are closed at once, or answered 503", "[net][http]") {
    {
        auto options = Fixture::defaults();
        options.max_connections = 2;
        Fixture fx(options);
        int a = connect_to(fx.port()), b = connect_to(fx.port());
        REQUIRE(test::eventually([&] { return fx.recorder->opened == 2; }, 3));
        int c = connect_to(fx.port());
        CHECK(test::seconds_until_closed(c) < 0.5);
        CHECK(fx.recorder->opened == 2);  // the refused one was never served
        ::close(a);
        ::close(b);
        REQUIRE(test::eventually([&] { return fx.recorder->closed == 2; }, 3));
        CHECK(get(fx.port(), "/").status == 200);
    }
    auto options = Fixture::defaults();
    options.max_connections = 2;
    options.over_cap = OverCap::answer_503;
    options.timeout = std::chrono::seconds(5);
    Fixture fx(options);
    int a = connect_to(fx.port()), b = connect_to(fx.port());
    REQUIRE(test::eventually([&] { return fx.recorder->opened == 2; }, 3));
    auto full = get(fx.port(), "/");
    CHECK(full.status == 503);
    CHECK(full.body == "Service Unavailable\n");
    CHECK(full.headers["connection"] == "close");
    ::close(a);
    ::close(b);
    REQUIRE(test::eventually([&] { return fx.recorder->closed == fx.recorder->opened; }, 3));
    CHECK(get(fx.port(), "/").status == 200);
    auto seen = fx.recorder->seen();
    REQUIRE(seen.size() == 2);
    CHECK(seen[0] == std::pair<unsigned, std::string>{503, ""});
    CHECK(seen[1] == std::pair<unsigned, std::string>{200, "/"});
}

TEST_CASE("File slices are streamed from disk in chunks, a vanished file is 404", "[net][http]") {
    auto options = Fixture::defaults();
    options.threads = 2;
    Fixture fx(options);
    auto whole = get(fx.port(), "/file/0/614400");
    CHECK(whole.status == 200);
    CHECK(whole.body == fx.bytes);  // three chunks of 256 KiB at most
    auto part = get(fx.port(), "/file/1000/300000");
    CHECK(part.headers["content-length"] == "300000");
    CHECK(part.body == fx.bytes.substr(1000, 300000));
    CHECK(get(fx.port(), "/file/5/0").body.empty());
    CHECK(fx.recorder->bytes == 614400 + 300000 + 0);

    auto gone = get(fx.port(), "/gone");
    CHECK(gone.status == 404);
    CHECK(gone.body == "Not Found\n");
    auto seen = fx.recorder->seen();
    REQUIRE(seen.size() == 5);
    CHECK(seen[3] == std::pair<unsigned, std::string>{200, "/gone"});  // the handler's answer, then
    CHECK(seen[4] == std::pair<unsigned, std::string>{404, ""});       // the skeleton's
}

TEST_CASE("upload_rate paces file bodies of every connection together", "[net][http]") {
    auto options = Fixture::defaults();
    options.upload_rate = 2'000'000;  // 600 KiB in three chunks: waits of 0, 131 and 262 ms
    options.threads = 2;
    Fixture fx(options);
    auto t0 = std::chrono::steady_clock::now();
    auto r = get(fx.port(), "/file/0/614400");
    auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(r.body == fx.bytes);
    CHECK(took > 0.2);
    // Two downloads at once share the budget: 1.2 MiB take at least ~0.5 s.
    t0 = std::chrono::steady_clock::now();
    auto one = std::async(std::launch::async, [&] { return get(fx.port(), "/file/0/614400"); });
    auto two = get(fx.port(), "/file/0/614400");
    CHECK(one.get().body == fx.bytes);
    CHECK(two.body == fx.bytes);
    took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(took > 0.45);
}

TEST_CASE("Listen errors: a name instead of an address, a port in use", "[net][http]") {
    auto options = Fixture::defaults();
    options.listen.host = "localhost";
    auto none = HttpServer::start(options, [](const HttpRequest&) { return HttpResponse{}; });
    REQUIRE_FALSE(none);
    CHECK(none.error().code == utxo::core::Errc::usage);
    CHECK(none.error().message == "not a numeric address");

    Fixture fx;
    options.listen = {"127.0.0.1", fx.port()};
    auto busy = HttpServer::start(options, [](const HttpRequest&) { return HttpResponse{}; });
    REQUIRE_FALSE(busy);
    CHECK(busy.error().code == utxo::core::Errc::io);
    CHECK(busy.error().message == "Address already in use");
    options.listen = {"::1", 0};
    if (auto v6 = HttpServer::start(options, [](const HttpRequest&) { return HttpResponse{}; }))
        CHECK((*v6)->port() != 0);  // where the machine has IPv6
}

TEST_CASE("serve_until_stop_signal serves on the calling thread until SIGTERM", "[net][http]") {
    auto options = Fixture::defaults();
    std::promise<std::uint16_t> listening;
    auto stopped = std::async(std::launch::async, [&] {
        return serve_until_stop_signal(
            options,
            [](const HttpRequest& req) {
                HttpResponse res;
                res.body = req.target;
                return res;
            },
            [&](std::uint16_t port) { listening.set_value(port); });
    });
    auto port = listening.get_future().get();
    CHECK(port != 0);
    CHECK(get(port, "/abc").body == "/abc");
    ::kill(::getpid(), SIGTERM);
    auto result = stopped.get();
    REQUIRE(result);
    CHECK(*result == SIGTERM);
    CHECK(test::connect_loopback(port, 1) < 0);  // the listener is gone
}

TEST_CASE("The header has its own short timeout, the body the longer one", "[net][http]") {
    auto options = Fixture::defaults();
    options.header_timeout = std::chrono::seconds(1);
    options.timeout = std::chrono::seconds(4);
    options.body_limit = 100;
    Fixture fx(options);
    // A client that says nothing, and one idle after an answer (keep-alive), go after ~1 s.
    auto took = test::seconds_until_closed(connect_to(fx.port()));
    CHECK(took > 0.5);
    CHECK(took < 3);
    int kept = connect_to(fx.port());
    const std::string one = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    ::send(kept, one.data(), one.size(), MSG_NOSIGNAL);
    auto t0 = std::chrono::steady_clock::now();
    auto in = test::read_until_closed(kept);
    CHECK(take_reply(in).body == "hello");
    CHECK(seconds_since(t0) < 3);
    // A header sent in full starts the body's longer deadline: still open after the header's.
    int slow_body = connect_to(fx.port());
    const std::string partial = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\nabc";
    ::send(slow_body, partial.data(), partial.size(), MSG_NOSIGNAL);
    took = test::seconds_until_closed(slow_body);
    CHECK(took > 2.5);
    CHECK(took < 7);
}

TEST_CASE("One client address at its cap does not lock out another", "[net][http]") {
    for (auto over_cap : {OverCap::close, OverCap::answer_503}) {
        CAPTURE(static_cast<int>(over_cap));
        auto options = Fixture::defaults();
        options.header_timeout = std::chrono::seconds(30);  // the hog's idle connections stay
        options.max_connections = 8;
        options.max_connections_per_ip = 3;
        options.over_cap = over_cap;
        Fixture fx(options);
        std::vector<int> hog;
        for (int i = 0; i < 3; ++i) hog.push_back(connect_to(fx.port(), "127.0.0.2"));
        REQUIRE(test::eventually([&] { return fx.recorder->opened == 3; }, 3));
        // A fourth from 127.0.0.2 is refused at once, and so is every retry.
        for (int i = 0; i < 3; ++i) {
            auto t0 = std::chrono::steady_clock::now();
            auto in = test::read_until_closed(connect_to(fx.port(), "127.0.0.2"));
            CHECK(seconds_since(t0) < 1);
            if (over_cap == OverCap::close) CHECK(in.empty());
            if (over_cap == OverCap::answer_503) CHECK(take_reply(in).status == 503);
        }
        // 127.0.0.3 and 127.0.0.1 are served at once, long before the hog's connections time out.
        for (const char* other : {"127.0.0.3", "127.0.0.1"}) {
            CAPTURE(other);
            auto t0 = std::chrono::steady_clock::now();
            int s = connect_to(fx.port(), other);
            const std::string req = "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
            ::send(s, req.data(), req.size(), MSG_NOSIGNAL);
            auto in = test::read_until_closed(s);
            CHECK(take_reply(in).status == 200);
            CHECK(seconds_since(t0) < 1);
        }
        // Once the hog lets one go, its address gets that place back.
        ::close(hog.back());
        hog.pop_back();
        REQUIRE(test::eventually([&] { return fx.recorder->closed >= 3; }, 3));
        int again = connect_to(fx.port(), "127.0.0.2");
        const std::string req = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        ::send(again, req.data(), req.size(), MSG_NOSIGNAL);
        auto in = test::read_until_closed(again);
        CHECK(take_reply(in).body == "hello");
        for (int fd : hog) ::close(fd);
    }
}

TEST_CASE("Clients that abort rate-limited downloads give their budget back", "[net][http]") {
    auto options = Fixture::defaults();
    options.upload_rate = 1'000'000;  // chunks of 250,000 bytes, a quarter second each
    options.threads = 2;
    options.timeout = std::chrono::seconds(30);  // no abandoned wait ends by the timeout here
    options.max_connections_per_ip = 256;
    Fixture fx(options);
    // 50 clients each ask for 600 KiB, read the answer's header and leave: together they reserve
    // 50 x 250 kB of budget (12.5 s) before they go.
    const std::string req = "GET /file/0/614400 HTTP/1.1\r\nHost: x\r\n\r\n";
    for (int i = 0; i < 50; ++i) {
        int s = connect_to(fx.port());
        ::send(s, req.data(), req.size(), MSG_NOSIGNAL);
        std::string in;
        char buf[4096];
        for (ssize_t n; in.find("\r\n\r\n") == std::string::npos && (n = ::recv(s, buf, sizeof buf, 0)) > 0;)
            in.append(buf, static_cast<std::size_t>(n));
        CHECK(in.starts_with("HTTP/1.1 200"));
        ::close(s);
    }
    // They are noticed while waiting and closed, not when their turn would have come.
    CHECK(test::eventually([&] { return fx.recorder->closed == 50; }, 3));
    auto t0 = std::chrono::steady_clock::now();
    auto small = get(fx.port(), "/file/0/1000");
    CHECK(small.body == fx.bytes.substr(0, 1000));
    CHECK(seconds_since(t0) < 3);  // before: behind the 12.5 s reserved by the clients gone
}

TEST_CASE("A wait for the upload budget longer than the timeout is not started", "[net][http]") {
    auto options = Fixture::defaults();
    options.upload_rate = 4096;  // chunks of 4 KiB, a second each
    options.timeout = std::chrono::seconds(1);
    Fixture fx(options);
    // A takes 12 KiB: its chunks go at 0, 1 and 2 s, each wait under the timeout.
    auto t0 = std::chrono::steady_clock::now();
    auto a = std::async(std::launch::async, [&] { return get(fx.port(), "/file/0/12288"); });
    REQUIRE(test::eventually([&] { return fx.recorder->bytes >= 4096; }, 3));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // A has reserved its second chunk
    // B asks while A's second chunk holds the budget until 2 s: its wait would be over the
    // timeout, so it is cut at once (after its header) rather than kept waiting.
    auto tb = std::chrono::steady_clock::now();
    int b = connect_to(fx.port());
    const std::string req = "GET /file/0/100 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    ::send(b, req.data(), req.size(), MSG_NOSIGNAL);
    auto got_b = test::read_until_closed(b);
    CHECK(seconds_since(tb) < 1);
    CHECK(got_b.starts_with("HTTP/1.1 200"));
    CHECK(got_b.ends_with("\r\n\r\n"));  // the header only: none of the 100 bytes
    auto got_a = a.get();
    CHECK(got_a.body == fx.bytes.substr(0, 12288));
    CHECK(seconds_since(t0) > 1.5);
}

TEST_CASE("Small file answers on a kept-alive connection are not held back by Nagle's algorithm",
          "[net][http]") {
    Fixture fx;
    // A file answer is two writes (header, then body). With Nagle's algorithm on, the body waits
    // for the client's delayed ACK, about 40 ms a request on Linux: 10 requests took 0.40 s.
    int s = connect_to(fx.port());
    const std::string req = "GET /file/100/2000 HTTP/1.1\r\nHost: x\r\n\r\n";
    std::string in;
    char buf[65536];
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 10; ++i) {
        ::send(s, req.data(), req.size(), MSG_NOSIGNAL);
        while (in.find("\r\n\r\n") == std::string::npos || in.size() < in.find("\r\n\r\n") + 4 + 2000) {
            auto n = ::recv(s, buf, sizeof buf, 0);
            REQUIRE(n > 0);
            in.append(buf, static_cast<std::size_t>(n));
        }
        CHECK(take_reply(in).body == fx.bytes.substr(100, 2000));
    }
    CHECK(seconds_since(t0) < 0.3);
    ::close(s);
}

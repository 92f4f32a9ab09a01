// `utxo-verifier fetch` against hostile seeders: scripted loopback servers (TinyServer) that send
// what an attacker would, next to an honest one serving a real release (cut by utxo-indexer,
// signed in the test). Each case asserts the verdict the agreement rule gives, that nothing was
// installed, fetch's peak RSS (wait4's ru_maxrss) and its wall time against the discovery deadline.
// The honest release has no torrent here: fetch prints its verdict, then stops at "no usable
// shards torrent" (exit 2), so no BitTorrent session runs and each case takes seconds.
// UTXO_HOSTILE_VERIFIER=<path> runs the cases against another build (for before/after figures).
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <thread>

#include "core/bounded_json.h"
#include "core/printable.h"
#include "minisign_test_key.h"
#include "test_process.h"
#include "test_support.h"
#include "tiny_http_server.h"
#include "verifier/fetch_discover.h"
#include "verifier_fixture.h"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The bound fetch must stay under, whatever a seeder sends. Built with AddressSanitizer
// (build-asan/), fetch carries shadow memory, a quarantine of freed blocks and ASan's allocator: its
// harmless cases peak at 89-101 MB there. That bound stays far below the 400 MB to 1 GB that the
// unbounded parses took, so it still catches an amplification.
const long kMaxRssKiB = test::sanitizer_tree() ? 160 * 1024 : 64 * 1024;
constexpr int kDeadline = 10;  // --discovery-timeout for every case

std::string http(const std::string& status, const std::string& body) {
    return "HTTP/1.1 " + status + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}
std::string ok(const std::string& body) { return http("200 OK", body); }
std::string not_found() { return http("404 Not Found", ""); }
// A 200 answer declaring `declared` bytes, of which only the first MiB is sent: enough for a
// client that reads before it checks, and the test process (which fetch is forked from, so its
// RSS counts) stays small.
std::string declared(std::size_t declared_bytes, char fill) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(declared_bytes) + "\r\n\r\n" +
           std::string(1u << 20, fill);
}
std::string target(const test::Request& r) {
    auto a = r.head.find(' ');
    return r.head.substr(a + 1, r.head.find(' ', a + 1) - a - 1);
}

// The real release at height 200 (vt::releases()), signed by one key the trustnet holds.
struct Honest {
    test::TestKey key;
    std::string manifest = vt::load_release(vt::releases().at(200)).bytes;
    std::string signature = key.sign(manifest);
    std::string dir = "/v1/releases/regtest/200-h/";
    std::string sig_name = "manifest.json." + key.pub.id.to_hex() + ".minisig";

    std::string entry(const std::string& extra_signatures = "") const {
        return R"({"network":"regtest","height":200,"manifest":")" + dir +
               R"(manifest.json","signatures":[")" + dir + sig_name + "\"" + extra_signatures +
               R"(],"torrents":{"shards":{"infohash":")" + std::string(40, 'a') + R"(","torrent":")" + dir +
               R"(shards.torrent"},"patches":null}})";
    }
    std::string answer(const test::Request& r, const std::string& extra_signatures = "") const {
        auto t = target(r);
        if (t == "/v1/releases") return ok("{\"releases\":[" + entry(extra_signatures) + "]}");
        if (t == dir + "manifest.json") return ok(manifest);
        if (t == dir + sig_name) return ok(signature);
        return not_found();
    }
};

Honest& honest() {
    static Honest h;
    return h;
}

// A listing at `height` by a hostile seeder: its manifest and one signature named with the
// trustnet's key ID (so fetch has to look at them).
std::string fake_entry(int height, const std::string& manifest_url, const std::string& network = "regtest") {
    return R"({"network":")" + network + R"(","height":)" + std::to_string(height) + R"(,"manifest":")" +
           manifest_url + R"(","signatures":["/f/manifest.json.)" + honest().key.pub.id.to_hex() +
           R"(.minisig"]})";
}

struct Outcome {
    int exit_code = -1;
    std::string out;
    long max_rss_kib = 0;
    double seconds = 0;
};

// Runs fetch with its output in a file and measures it with wait4.
Outcome run_fetch(const test::TempDir& dir, const std::vector<std::string>& seeders) {
    const char* other = std::getenv("UTXO_HOSTILE_VERIFIER");
    std::vector<std::string> args{other ? other : vt::verifier,
                                  "fetch",
                                  "--trustnet",
                                  (dir / "trustnet").string(),
                                  "--db",
                                  (dir / "db").string(),
                                  "--seed-ratio",
                                  "0",
                                  "--listen",
                                  "127.0.0.1:" + std::to_string(test::free_port())};
    if (!other) args.insert(args.end(), {"--discovery-timeout", std::to_string(kDeadline)});
    for (const auto& s : seeders) args.insert(args.end(), {"--seeder", s});
    const fs::path log = dir / "fetch.out";
    auto t0 = std::chrono::steady_clock::now();
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1), dup2(fd, 2);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    REQUIRE(wait4(pid, &status, 0, &usage) == pid);
    Outcome o;
    o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    o.max_rss_kib = usage.ru_maxrss;
    std::ifstream in(log);
    o.out.assign(std::istreambuf_iterator<char>(in), {});
    return o;
}

void write_trustnet(const test::TempDir& dir) {
    std::ofstream(dir / "trustnet") << "utxo-trustnet 1\nnetwork regtest\nauthority alice "
                                    << honest().key.line() << "\n";
}

// The honest release was accepted (its verdict printed), nothing was installed, and fetch stayed
// small and within the deadline.
void check_accepted_and_bounded(const test::TempDir& dir, const Outcome& o) {
    INFO(o.out);
    INFO("peak RSS " << o.max_rss_kib << " KiB, " << o.seconds << " s");
    CHECK(o.out.find("accepted") != std::string::npos);
    CHECK(o.out.find("height 200") != std::string::npos);
    CHECK(o.exit_code == 2);  // the test release has no torrent to download
    CHECK(o.out.find("no usable shards torrent") != std::string::npos);
    CHECK(o.max_rss_kib < kMaxRssKiB);
    CHECK(o.seconds < kDeadline + 2);
    std::error_code ec;
    std::size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir / "db" / "releases", ec))
        files += e.is_regular_file() ? 1 : 0;
    CHECK(files == 0);
    WARN("peak RSS " << o.max_rss_kib << " KiB, " << o.seconds << " s");
}

}  // namespace

TEST_CASE("Hostile seeder: a list of nested brackets is refused small, the honest release is accepted",
          "[fetch][hostile]") {
    test::TempDir dir;
    write_trustnet(dir);
    const std::string nested_16mb = declared(16u << 20, '['), nested_4mb((4u << 20) - 64, '[');
    test::TinyServer big([&](const test::Request&) { return nested_16mb; });
    test::TinyServer under([&](const test::Request&) { return ok("{\"releases\":" + nested_4mb); });
    test::TinyServer good([](const test::Request& r) { return honest().answer(r); });
    auto o = run_fetch(dir, {"http://127.0.0.1:" + big.port(), "http://127.0.0.1:" + under.port(),
                             "http://127.0.0.1:" + good.port()});
    check_accepted_and_bounded(dir, o);
    CHECK(o.out.find("nested deeper than") != std::string::npos);
}

TEST_CASE("Hostile seeder: 3,000 junk signature URLs are not fetched, the release is accepted",
          "[fetch][hostile]") {
    test::TempDir dir;
    write_trustnet(dir);
    std::string junk_urls;
    for (int i = 0; i < 3000; ++i)
        junk_urls += i % 2 ? fmt::format(",\"/j/manifest.json.{:016X}.minisig\"", 0x1000 + i)
                           : fmt::format(",\"/j/{}.minisig\"", i);
    const std::string junk(64u << 10, 'x');
    test::TinyServer good([&](const test::Request& r) {
        return target(r).starts_with("/j/") ? ok(junk) : honest().answer(r, junk_urls);
    });
    auto o = run_fetch(dir, {"http://127.0.0.1:" + good.port()});
    check_accepted_and_bounded(dir, o);
    std::size_t junk_requests = 0;
    for (const auto& r : good.requests()) junk_requests += target(r).starts_with("/j/") ? 1 : 0;
    CHECK(junk_requests == 0);  // the trustnet's own signature comes first: one per key
}

TEST_CASE("Hostile seeder: six offers of a 60 MiB manifest at one height are refused unread",
          "[fetch][hostile]") {
    test::TempDir dir;
    write_trustnet(dir);
    const std::string huge = declared(60u << 20, ' ');
    std::string list = "{\"releases\":[";
    for (int i = 0; i < 6; ++i)
        list += (i ? "," : "") + fake_entry(300, "/f/m" + std::to_string(i) + ".json");
    list += "]}";
    test::TinyServer bad([&](const test::Request& r) {
        auto t = target(r);
        if (t == "/v1/releases") return ok(list);
        if (t.ends_with(".minisig")) return ok(honest().signature);  // a real signature, another manifest
        return huge;
    });
    test::TinyServer good([](const test::Request& r) { return honest().answer(r); });
    auto o = run_fetch(dir, {"http://127.0.0.1:" + bad.port(), "http://127.0.0.1:" + good.port()});
    check_accepted_and_bounded(dir, o);
    CHECK(o.out.find("larger than") != std::string::npos);
}

TEST_CASE("Hostile seeder: three slow fake higher releases do not hold the honest one back",
          "[fetch][hostile]") {
    test::TempDir dir;
    write_trustnet(dir);
    std::atomic<bool> done{false};
    auto slow = [&](const test::Request& r) {
        for (int i = 0; i < 20 && !done; ++i) std::this_thread::sleep_for(100ms);  // 2 s an answer
        auto t = target(r);
        if (t == "/v1/releases") return ok("{\"releases\":[" + fake_entry(300, "/f/manifest.json") + "]}");
        if (t.ends_with(".minisig")) return ok(honest().signature);
        return ok(test::manifest("regtest", 300));
    };
    std::vector<std::unique_ptr<test::TinyServer>> fakes;
    std::vector<std::string> urls;
    for (int i = 0; i < 3; ++i) {
        fakes.push_back(std::make_unique<test::TinyServer>(slow));
        urls.push_back("http://127.0.0.1:" + fakes.back()->port());
    }
    test::TinyServer good([](const test::Request& r) { return honest().answer(r); });
    urls.push_back("http://127.0.0.1:" + good.port());
    auto o = run_fetch(dir, urls);
    done = true;
    check_accepted_and_bounded(dir, o);
    CHECK(o.seconds < 8);  // the three fakes' 3 x 3 answers of 2 s each, asked at once: about 6 s
}

TEST_CASE("Hostile seeder: URLs on another origin are skipped with a warning, never fetched",
          "[fetch][hostile]") {
    test::TempDir dir;
    write_trustnet(dir);
    test::TinyServer third([](const test::Request&) { return ok("{}"); });
    const std::string elsewhere = "http://127.0.0.1:" + third.port();
    test::TinyServer bad([&](const test::Request&) {
        return ok("{\"releases\":[" + fake_entry(300, elsewhere + "/manifest.json") + "]}");
    });
    test::TinyServer good([&](const test::Request& r) {
        return honest().answer(r, ",\"" + elsewhere + "/manifest.json.0000000000000001.minisig\"");
    });
    auto o = run_fetch(dir, {"http://127.0.0.1:" + bad.port(), "http://127.0.0.1:" + good.port()});
    check_accepted_and_bounded(dir, o);
    CHECK(o.out.find("another origin") != std::string::npos);
    CHECK(third.requests().empty());
}

TEST_CASE("Hostile seeder: ANSI escapes in a network name never reach the terminal", "[fetch][hostile]") {
    test::TempDir dir;
    write_trustnet(dir);
    test::TinyServer bad([](const test::Request&) {
        return ok("{\"releases\":[" + fake_entry(300, "/f/manifest.json", "\\u001b[2J\\u001b[31mregtest") +
                  "]}");
    });
    test::TinyServer good([](const test::Request& r) { return honest().answer(r); });
    auto o = run_fetch(dir, {"http://127.0.0.1:" + bad.port(), "http://127.0.0.1:" + good.port()});
    check_accepted_and_bounded(dir, o);
    CHECK(o.out.find("[31mregtest") != std::string::npos);  // reported, without its ESC
    CHECK(o.out.find('\x1b') == std::string::npos);
}

TEST_CASE("printable drops C0, DEL and C1 controls and keeps the rest", "[fetch][hostile]") {
    CHECK(utxo::core::printable("\x1b[31mregtest\x07\r\n") == "[31mregtest");
    CHECK(utxo::core::printable("a\x7f\xc2\x9b"
                                "2Jb") == "a2Jb");  // DEL, CSI as U+009B
    CHECK(utxo::core::printable("caf\xc3\xa9 \xc2\xa0x") == "caf\xc3\xa9 \xc2\xa0x");
}

TEST_CASE("Bounded JSON refuses depth and value counts before building a document", "[fetch][hostile]") {
    using utxo::core::parse_bounded_json;
    CHECK(parse_bounded_json("[[[1]]]", {.max_depth = 3, .max_values = 10}));
    auto deep = parse_bounded_json(std::string(100000, '['), {.max_depth = 3, .max_values = 10});
    REQUIRE_FALSE(deep);
    CHECK(deep.error().message == "nested deeper than 3 levels");
    auto many = parse_bounded_json("[1,2,3,4]", {.max_depth = 3, .max_values = 4});
    REQUIRE_FALSE(many);
    CHECK(many.error().message == "more than 4 values");
    CHECK(parse_bounded_json("{\"a\":", {}).error().message.starts_with("not JSON"));
}

TEST_CASE("A release list's URLs must stay on the seeder's origin or an authority's", "[fetch][hostile]") {
    using namespace utxo::verifier;
    auto base = parse_http_url("http://127.0.0.1:8080");
    std::string body = R"({"releases":[
      {"network":"regtest","height":2,"manifest":"http://127.0.0.1:9/m",
       "signatures":["/s/manifest.json.00000000000000AB.minisig"]},
      {"network":"regtest","height":1,"manifest":"/m",
       "signatures":["/a","http://127.0.0.1:8081/b","http://auth.example:80/c"],
       "torrents":{"shards":{"infohash":")" +
                       std::string(40, 'b') + R"(","torrent":"http://127.0.0.2:8080/t"}}}
    ]})";
    std::vector<std::string> skipped;
    auto offers = parse_release_list(*base, body, skipped, {"http://auth.example:80"});
    REQUIRE(offers);
    REQUIRE(offers->size() == 1);
    CHECK(offers->front().signatures.size() == 2);  // its own and the authority's
    CHECK_FALSE(offers->front().shards);
    CHECK(skipped.size() == 3);
    CHECK(skipped.front().find("the manifest http://127.0.0.1:9/m is on another origin") !=
          std::string::npos);
    auto named = parse_http_url("http://h/v1/releases/regtest/x/manifest.json.00000000000000AB.minisig");
    CHECK(signature_key_id(*named)->to_hex() == "00000000000000AB");
    CHECK_FALSE(signature_key_id(*parse_http_url("http://h/x/manifest.json.zz.minisig")));
}

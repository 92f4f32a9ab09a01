// `utxo-verifier fetch` against a stock BitTorrent client as the only seed: Debian's aria2c 1.36
// seeds a release cut by the real utxo-indexer, and a static HTTP server inside this test stands
// in for discovery (/v1/releases, the manifest, its signature, the .torrent). No utxo-seeder, no
// tracker, no web seed, no DHT: the magnet's x.pe hint (aria2's listen port) is the one way to the
// data, so every byte fetch installs came from aria2.
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "test_process.h"
#include "test_support.h"

using test::q;
using test::run;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const std::string indexer = test::bin("utxo-indexer").string();
const std::string signer = test::bin("utxo-signer").string();
const std::string trustnet_bin = test::bin("utxo-trustnet").string();
const std::string verifier = test::bin("utxo-verifier").string();

bool accepts_connections(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

std::string slurp(const fs::path& p) {
    auto b = test::read_file(p);
    return {b.begin(), b.end()};
}

// A child process that is killed (SIGKILL) and reaped when this goes out of scope, whatever
// happened to the test; PR_SET_PDEATHSIG also takes it down if the test binary itself dies.
using test::free_port;
using test::Process;

// A loopback HTTP/1.1 server answering GETs for a fixed set of paths, one connection at a time,
// one request per connection (Connection: close). Unknown paths get 404. Stopped and joined when
// it goes out of scope.
class StaticHttp {
public:
    explicit StaticHttp(std::map<std::string, std::string> files) : files_(std::move(files)) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(listen_fd_, 16) == 0);
        socklen_t len = sizeof a;
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~StaticHttp() {
        stopping_ = true;
        ::shutdown(listen_fd_, SHUT_RDWR);
        if (thread_.joinable()) thread_.join();
        ::close(listen_fd_);
    }
    StaticHttp(const StaticHttp&) = delete;
    StaticHttp& operator=(const StaticHttp&) = delete;

    std::string url() const { return fmt::format("http://127.0.0.1:{}", port_); }
    std::multiset<std::string> requested() const {
        std::lock_guard lock(mutex_);
        return requested_;
    }

private:
    void serve() {
        while (!stopping_) {
            int c = ::accept(listen_fd_, nullptr, nullptr);
            if (c < 0) return;
            timeval tv{5, 0};
            ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            answer(c);
            ::close(c);
        }
    }

    void answer(int c) {
        std::string in;
        char buf[4096];
        while (in.find("\r\n\r\n") == std::string::npos && in.size() < 65536) {
            ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) return;
            in.append(buf, static_cast<std::size_t>(n));
        }
        std::string line = in.substr(0, in.find("\r\n"));  // "GET <target> HTTP/1.1"
        auto sp1 = line.find(' '), sp2 = line.rfind(' ');
        std::string method = line.substr(0, sp1);
        std::string target = sp1 < sp2 ? line.substr(sp1 + 1, sp2 - sp1 - 1) : std::string();
        {
            std::lock_guard lock(mutex_);
            requested_.insert(target);
        }
        auto it = files_.find(target);
        int status = method != "GET" ? 405 : it == files_.end() ? 404 : 200;
        std::string body = status == 200 ? it->second : std::string("not here\n");
        std::string type = target == "/v1/releases" ? "application/json" : "application/octet-stream";
        std::string out = fmt::format(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", status,
            status == 200 ? "OK" : "Error", type, body.size());
        out += body;
        for (std::size_t sent = 0; sent < out.size();) {
            ssize_t n = ::send(c, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return;
            sent += static_cast<std::size_t>(n);
        }
    }

    std::map<std::string, std::string> files_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::multiset<std::string> requested_;
};

std::map<std::string, utxo::core::Bytes> shard_files(const fs::path& release) {
    std::map<std::string, utxo::core::Bytes> out;
    for (const auto& e : fs::directory_iterator(release / "shards"))
        out[e.path().filename().string()] = test::read_file(e.path());
    return out;
}

}  // namespace

TEST_CASE("fetch downloads a release that only aria2c seeds", "[fetch][aria2]") {
    auto started = std::chrono::steady_clock::now();
    test::TempDir dir;  // declared first: removed only after aria2c and the server are gone

    // A release at height 200 (16 shards, about 1.2 MiB: 20 pieces of 64 KiB), signed by one
    // authority, and a trustnet of that authority alone.
    auto chain = dir / "chain.dat", releases = dir / "releases", trustnet = dir / "trustnet";
    REQUIRE(
        run(indexer + " synth --out " + q(chain) + " --blocks 200 --txs-per-block 200 --seed 7").exit_code ==
        0);
    auto cut = run(indexer + " run --source blocks:" + q(chain) + " --network regtest --db " +
                   q(dir / "indexer.db") + " --releases " + q(releases) +
                   " --shards 16 --release-every 50 --confirmations 1");
    INFO(cut.out);
    REQUIRE(cut.exit_code == 0);
    fs::path rel;
    for (const auto& e : fs::directory_iterator(releases / "regtest"))
        if (e.path().filename().string().starts_with("200-")) rel = e.path();
    REQUIRE(!rel.empty());
    REQUIRE(
        run(signer + " keygen --unencrypted --out " + q(dir / "alice.key") + " --pub " + q(dir / "alice.pub"))
            .exit_code == 0);
    auto sign =
        run(signer + " sign --key " + q(dir / "alice.key") + " --release " + q(rel) + " --own " + q(rel));
    INFO(sign.out);
    REQUIRE(sign.exit_code == 0);
    REQUIRE(run(trustnet_bin + " init " + q(trustnet) + " --network regtest").exit_code == 0);
    REQUIRE(run(trustnet_bin + " add " + q(trustnet) + " alice " + q(dir / "alice.pub")).exit_code == 0);

    fs::path signature;
    for (const auto& e : fs::directory_iterator(rel))
        if (e.path().filename().string().starts_with("manifest.json.") && e.path().extension() == ".minisig")
            signature = e.path();
    REQUIRE(!signature.empty());
    auto manifest = test::read_json(rel / "manifest.json");
    REQUIRE(manifest["torrents"]["shards"].is_string());
    auto infohash = manifest["torrents"]["shards"].get<std::string>();

    // aria2c, the only BitTorrent seed: the release's own shards.torrent (v1, no trackers, no
    // url-list) over a copy of its files, checked (-V) before it seeds them. Loopback only.
    auto seed_dir = dir / "aria2-seed";
    fs::create_directories(seed_dir / "shards");
    for (const auto& e : fs::directory_iterator(rel / "shards"))
        fs::copy_file(e.path(), seed_dir / "shards" / e.path().filename());
    int aria2_port = free_port();
    auto aria2_log = dir / "aria2.log", aria2_out = dir / "aria2.out";
    Process aria2({"/usr/bin/aria2c",
                   "--seed-ratio=0.0",
                   "--seed-time=10",
                   "-V",
                   "--bt-seed-unverified=false",
                   "--enable-dht=false",
                   "--enable-dht6=false",
                   "--bt-enable-lpd=false",
                   "--enable-peer-exchange=false",
                   fmt::format("--listen-port={}", aria2_port),
                   "--interface=127.0.0.1",
                   "--disable-ipv6",
                   "--bt-external-ip=127.0.0.1",
                   "--dir=" + seed_dir.string(),
                   "--file-allocation=none",
                   "--auto-file-renaming=false",
                   "--bt-save-metadata=false",
                   "--summary-interval=0",
                   "--log=" + aria2_log.string(),
                   "--log-level=info",
                   (rel / "shards.torrent").string()},
                  aria2_out);
    bool listening = false;
    for (auto until = std::chrono::steady_clock::now() + 15s;
         !listening && std::chrono::steady_clock::now() < until;) {
        listening = aria2.running() && accepts_connections(aria2_port);
        if (!listening) std::this_thread::sleep_for(100ms);
    }
    INFO("aria2c output:\n" << slurp(aria2_out));
    REQUIRE(listening);

    // Discovery without utxo-seeder: the JSON of docs/seeder-http.md, with no web_seed, and a
    // magnet whose x.pe hint is aria2's port; the files it names are the release's own.
    std::string base = "/v1/releases/regtest/" + rel.filename().string() + "/";
    nlohmann::json entry = {{"network", "regtest"},
                            {"height", 200},
                            {"block_hash", rel.filename().string().substr(4)},
                            {"name", rel.filename().string()},
                            {"manifest", base + "manifest.json"},
                            {"signatures", nlohmann::json::array({base + signature.filename().string()})},
                            {"torrents",
                             {{"shards",
                               {{"infohash", infohash},
                                {"torrent", base + "shards.torrent"},
                                {"magnet", fmt::format("magnet:?xt=urn:btih:{}&dn=shards&x.pe=127.0.0.1:{}",
                                                       infohash, aria2_port)}}},
                              {"patches", nullptr}}}};
    StaticHttp http({{"/v1/releases", nlohmann::json{{"releases", nlohmann::json::array({entry})}}.dump()},
                     {base + "manifest.json", slurp(rel / "manifest.json")},
                     {base + signature.filename().string(), slurp(signature)},
                     {base + "shards.torrent", slurp(rel / "shards.torrent")}});

    auto db = dir / "store";
    auto fetch_start = std::chrono::steady_clock::now();
    auto r =
        run(fmt::format("timeout -s KILL 90 {} fetch --trustnet {} --seeder {} --db {} --all --no-web-seeds "
                        "--seed-ratio 0 --stall-timeout 60 --listen 127.0.0.1:{}",
                        verifier, q(trustnet), http.url(), q(db), free_port()));
    auto fetch_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - fetch_start).count();
    INFO(r.out << "\naria2c log (handshakes):\n" << slurp(aria2_log).substr(0, 20000));
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("release regtest height 200 accepted: signed by alice") != std::string::npos);
    CHECK(r.out.find("installed regtest height 200 (16 of 16 shards") != std::string::npos);

    // The bytes are the release's, byte for byte, and the store answers for them.
    auto st = run(verifier + " status --json --db " + q(db));
    REQUIRE(st.exit_code == 0);
    auto status = nlohmann::json::parse(st.out.substr(st.out.find('{')));
    CHECK(status["height"] == 200);
    CHECK(status["full"] == true);
    CHECK(shard_files(status["dir"].get<std::string>()) == shard_files(rel));
    auto text = run(verifier + " status --db " + q(db));
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("regtest") != std::string::npos);
    CHECK(text.out.find(rel.filename().string().substr(4)) != std::string::npos);  // the block hash
    bool height_line = false;
    for (std::size_t at = 0; at < text.out.size();) {
        auto end = text.out.find('\n', at);
        std::string line = text.out.substr(at, end == std::string::npos ? std::string::npos : end - at);
        if (line.starts_with("height") && line.ends_with(" 200")) height_line = true;
        at = end == std::string::npos ? text.out.size() : end + 1;
    }
    CHECK(height_line);

    // The data path was aria2: the discovery server served metadata only, and aria2's log has our
    // libtorrent client's handshake on its listen port.
    auto asked = http.requested();
    CHECK(asked.count("/v1/releases") >= 1);
    CHECK(asked.count(base + "shards.torrent") >= 1);
    for (const auto& target : asked) CHECK((target == "/v1/releases" || target.starts_with(base)));
    CHECK(slurp(aria2_log).find("extended handshake client=libtorrent") != std::string::npos);
    CHECK(aria2.running());  // still seeding: it never stopped or crashed under our client

    fmt::print(stderr, "aria2c-only seed: fetch took {:.2f} s, the whole test {:.2f} s\n", fetch_seconds,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

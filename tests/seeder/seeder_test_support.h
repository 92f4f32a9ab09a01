// Helpers for the seeder tests: real releases made by utxo-indexer, free loopback ports, child
// processes that are always killed, and a minimal HTTP/1.1 client on raw sockets.
#pragma once
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/serialize.h"
#include "test_process.h"
#include "test_support.h"

namespace seedtest {

namespace fs = std::filesystem;

inline std::string slurp(const fs::path& p) {
    auto b = test::read_file(p);
    return {b.begin(), b.end()};
}

// A regtest chain cut into releases 50 and 100 (16 shards; 100 has patches), made once per run;
// `full` holds 20 more blocks so a second `run` adds release 150.
struct Chain {
    test::TempDir dir;
    fs::path prefix = dir / "prefix.dat", full = dir / "full.dat";
    Chain() {
        auto indexer = test::bin("utxo-indexer").string();
        auto hex = dir / "chain.hex";
        auto r = test::run(indexer + " synth --out " + test::q(hex) +
                           " --blocks 160 --txs-per-block 30 --seed 21");
        if (r.exit_code != 0) throw std::runtime_error("synth failed: " + r.out);
        std::vector<std::string> lines;
        std::ifstream in(hex);
        for (std::string l; std::getline(in, l);)
            if (!l.empty()) lines.push_back(l);
        write_blk(prefix, lines, 121);
        write_blk(full, lines, lines.size());
    }
    static void write_blk(const fs::path& p, const std::vector<std::string>& lines, std::size_t n) {
        utxo::core::Bytes file;
        utxo::core::Writer w(file);
        for (std::size_t i = 0; i < n && i < lines.size(); ++i) {
            auto block = *utxo::core::from_hex(lines[i]);
            w.bytes(std::array<std::uint8_t, 4>{0xfa, 0xbf, 0xb5, 0xda});
            w.u32(static_cast<std::uint32_t>(block.size()));
            w.bytes(block);
        }
        test::write_file(p, file);
    }
};

inline Chain& chain() {
    static Chain c;
    return c;
}

// Runs the indexer over `blocks` into releases/ (db beside it), as an operator would.
inline void cut_releases(const fs::path& blocks, const fs::path& db, const fs::path& releases) {
    auto r = test::run(test::bin("utxo-indexer").string() + " run --source blocks:" + test::q(blocks) +
                       " --network regtest --db " + test::q(db) + " --releases " + test::q(releases) +
                       " --release-every 50 --confirmations 1 --shards 16");
    if (r.exit_code != 0) throw std::runtime_error("indexer run failed: " + r.out);
}

inline fs::path release_dir(const fs::path& releases, int height) {
    for (const auto& e : fs::directory_iterator(releases / "regtest"))
        if (e.path().filename().string().starts_with(std::to_string(height) + "-")) return e.path();
    throw std::runtime_error("no release at height " + std::to_string(height));
}

using test::free_port;
using test::Process;

struct Reply {
    int status = 0;
    std::map<std::string, std::string> headers;  // lowercase names
    std::string body;
};

// Sends `raw` (a whole request) to 127.0.0.1:port, reads until the server closes or 5 s pass.
inline Reply http_raw(std::uint16_t port, const std::string& raw) {
    Reply reply;
    int s = test::connect_loopback(port);
    if (s < 0) return reply;
    ::send(s, raw.data(), raw.size(), MSG_NOSIGNAL);
    std::string in;
    char buf[65536];
    for (ssize_t n; (n = ::recv(s, buf, sizeof buf, 0)) > 0;) in.append(buf, static_cast<std::size_t>(n));
    ::close(s);
    auto end = in.find("\r\n\r\n");
    if (in.size() < 12 || end == std::string::npos) return reply;
    reply.status = std::stoi(in.substr(9, 3));
    std::size_t pos = in.find("\r\n") + 2;
    while (pos < end) {
        auto eol = in.find("\r\n", pos);
        auto line = in.substr(pos, eol - pos);
        auto colon = line.find(':');
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), ::tolower);
        reply.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
        pos = eol + 2;
    }
    reply.body = in.substr(end + 4);
    return reply;
}

inline Reply http_get(std::uint16_t port, const std::string& target, const std::string& extra_headers = "") {
    return http_raw(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                              extra_headers + "\r\n");
}

// Debian's opentracker on 127.0.0.1:port serving only the infohashes listed in dir/whitelist (it
// chroots to dir and runs as nobody, so dir must be world-readable). Started through sh so that its
// pid, which the seeder's --tracker-pid and SIGHUP need, is known.
struct Tracker {
    fs::path dir;
    std::uint16_t port;
    fs::path whitelist = dir / "wl.txt";
    Process process{
        {"/bin/sh", "-c",
         "echo $$ > tracker.pid && exec /usr/bin/opentracker -i 127.0.0.1 -p " + std::to_string(port) +
             " -P " + std::to_string(port) + " -d " + test::q(dir) + " -w wl.txt"},
        dir / "tracker.log",
        {.cwd = dir, .env = {}}};

    std::string announce_url() const { return "http://127.0.0.1:" + std::to_string(port) + "/announce"; }
    int pid() const { return std::stoi(slurp(dir / "tracker.pid")); }
    bool up() const { return http_get(port, "/stats").status != 0; }
    // Seeders (peers that announced `complete` and not yet `stopped`) of an infohash (40 hex), from a
    // scrape: 0 when the tracker does not know the torrent.
    int seeders(const std::string& infohash) const {
        std::string target = "/scrape?info_hash=";
        for (std::size_t i = 0; i + 1 < infohash.size(); i += 2) target.append("%").append(infohash, i, 2);
        auto body = http_get(port, target).body;
        auto pos = body.find("8:completei");
        return pos == std::string::npos ? 0 : std::stoi(body.substr(pos + 11));
    }
};

// The infohashes (40 hex) a release's manifest names, shards first.
inline std::vector<std::string> infohashes(const fs::path& release) {
    auto m = nlohmann::json::parse(slurp(release / "manifest.json"));
    std::vector<std::string> out{m["torrents"]["shards"].get<std::string>()};
    if (m["torrents"]["patches"].is_string()) out.push_back(m["torrents"]["patches"].get<std::string>());
    return out;
}

}  // namespace seedtest

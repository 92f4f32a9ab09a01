// utxo-seeder end to end with real binaries on 127.0.0.1: releases cut by utxo-indexer, Debian's
// opentracker as the only way peers find each other, aria2c as the stock client (BitTorrent only
// via a magnet, mixed via the served .torrent, web seed only via a torrent whose url-list points
// at us), /metrics, raw HTTP edge cases, new releases and signatures picked up, SIGTERM.
#include <fmt/format.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "seeder/torrent_decorate.h"
#include "seeder_test_support.h"

namespace fs = std::filesystem;
using seedtest::http_get;
using seedtest::slurp;
using test::eventually;
using test::q;

namespace {

std::map<std::string, std::string> tree(const fs::path& root) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file()) out[fs::relative(e.path(), root).string()] = slurp(e.path());
    return out;
}

// aria2c with everything but the tracker and the torrent's own sources off; exits when complete.
test::CommandResult aria2(const fs::path& out, std::uint16_t port, const std::string& what) {
    auto start = std::chrono::steady_clock::now();
    auto r = test::run(fmt::format(
        "timeout 60 aria2c --enable-dht=false --enable-dht6=false --bt-enable-lpd=false "
        "--enable-peer-exchange=false "
        "--seed-time=0 --interface=127.0.0.1 --listen-port={} --dir={} --file-allocation=none "
        "--bt-stop-timeout=30 "
        "--bt-tracker-connect-timeout=5 --bt-tracker-timeout=5 --summary-interval=0 --console-log-level=warn "
        "--bt-save-metadata=false --auto-file-renaming=false {}",
        port, q(out), what));
    fmt::print(stderr, "aria2c {}: {:.2f} s\n", what.substr(0, 60),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return r;
}

std::uint64_t metric(std::uint16_t port, const std::string& name) {
    auto body = http_get(port, "/metrics").body;
    auto pos = body.find("\n" + name + " ");
    return pos == std::string::npos ? 0 : std::stoull(body.substr(pos + name.size() + 2));
}

}  // namespace

TEST_CASE("utxo-seeder: aria2c downloads over a tracker and a web seed, rescans, SIGTERM", "[seeder][e2e]") {
    test::TempDir dir;
    auto rel = dir / "rel", db = dir / "db";
    seedtest::cut_releases(seedtest::chain().prefix, db, rel);
    auto r100 = seedtest::release_dir(rel, 100), r50 = seedtest::release_dir(rel, 50);

    // opentracker (Debian's build only tracks whitelisted infohashes; it chroots to -d and runs as
    // nobody). The seeder keeps the whitelist: it must list exactly the kept releases' infohashes.
    auto expected_whitelist = [&](std::vector<fs::path> releases) {
        std::set<std::string> hashes;
        for (const auto& r : releases) {
            auto manifest = nlohmann::json::parse(slurp(r / "manifest.json"));
            for (const auto& [part, ih] : manifest["torrents"].items())
                if (!ih.is_null()) hashes.insert(ih.get<std::string>());
        }
        std::string text;
        for (const auto& h : hashes) text += h + "\n";
        return text;
    };
    ::chmod(dir.path().c_str(), 0755);
    auto tp = seedtest::free_port(), bt = seedtest::free_port(), hp = seedtest::free_port();
    auto tracker_url = fmt::format("http://127.0.0.1:{}/announce", tp);
    seedtest::Process seeder(
        {test::bin("utxo-seeder").string(), "--releases", rel.string(), "--keep", "2", "--listen",
         fmt::format("127.0.0.1:{}", bt), "--http", fmt::format("127.0.0.1:{}", hp), "--tracker", tracker_url,
         "--tracker-whitelist", (dir / "wl.txt").string(), "-v"},
        dir / "seeder.log");
    REQUIRE(eventually([&] { return fs::exists(dir / "wl.txt"); }, 10));
    CHECK(slurp(dir / "wl.txt") == expected_whitelist({r50, r100}));
    CHECK((fs::status(dir / "wl.txt").permissions() & fs::perms::others_read) != fs::perms::none);
    seedtest::Process tracker({"/usr/bin/opentracker", "-i", "127.0.0.1", "-p", std::to_string(tp), "-P",
                               std::to_string(tp), "-d", dir.path().string(), "-w", "wl.txt"},
                              dir / "tracker.log", {.cwd = dir.path()});
    REQUIRE(eventually([&] { return http_get(tp, "/stats").status != 0; }, 5));
    REQUIRE(eventually([&] { return http_get(hp, "/v1/releases").status == 200; }, 10));
    auto list = nlohmann::json::parse(http_get(hp, "/v1/releases").body)["releases"];
    REQUIRE(list.size() == 2);
    REQUIRE(list[0]["height"] == 100);

    // (a) BitTorrent only: the magnet has our tracker and no web seed; aria2 ignores x.pe, so the
    // tracker is how it finds us.
    auto magnet = list[0]["torrents"]["shards"]["magnet"].get<std::string>();
    auto bt_only = aria2(dir / "dl-magnet", seedtest::free_port(), q(magnet));
    INFO(bt_only.out << "\nseeder log:\n"
                     << slurp(dir / "seeder.log") << "\ntracker log:\n"
                     << slurp(dir / "tracker.log"));
    REQUIRE(bt_only.exit_code == 0);
    CHECK(tree(dir / "dl-magnet" / "shards") == tree(r100 / "shards"));
    CHECK(eventually([&] { return metric(hp, "utxo_seeder_bytes_uploaded_total") > 0; }, 5));

    // (b) the served .torrent (tracker and web seed) of the patches
    auto served = http_get(hp, list[0]["torrents"]["patches"]["torrent"].get<std::string>());
    REQUIRE(served.status == 200);
    test::write_file(dir / "patches.torrent", utxo::core::as_bytes(served.body));
    auto mixed = aria2(dir / "dl-torrent", seedtest::free_port(), q(dir / "patches.torrent"));
    INFO(mixed.out);
    REQUIRE(mixed.exit_code == 0);
    CHECK(tree(dir / "dl-torrent" / "patches") == tree(r100 / "patches"));

    // (c) web seed only: no tracker, no DHT, so every byte comes over HTTP ranges
    auto web_seed = list[1]["web_seed"].get<std::string>();
    auto ws_torrent = utxo::seeder::decorate_torrent(slurp(r50 / "shards.torrent"), {}, {web_seed});
    REQUIRE(ws_torrent);
    test::write_file(dir / "ws.torrent", utxo::core::as_bytes(*ws_torrent));
    auto http_before = metric(hp, "utxo_seeder_http_bytes_sent_total");
    auto ws = aria2(dir / "dl-webseed", seedtest::free_port(), q(dir / "ws.torrent"));
    INFO(ws.out);
    REQUIRE(ws.exit_code == 0);
    CHECK(tree(dir / "dl-webseed" / "shards") == tree(r50 / "shards"));
    CHECK(metric(hp, "utxo_seeder_http_bytes_sent_total") > http_before);

    // Raw HTTP: a range, HEAD, bodies and oversized headers refused, traversal refused.
    auto target = fmt::format("/v1/files/regtest/{}/shards/00001.shard", r100.filename().string());
    auto bytes = slurp(r100 / "shards" / "00001.shard");
    auto range = http_get(hp, target, "Range: bytes=3-9\r\n");
    CHECK(range.status == 206);
    CHECK(range.body == bytes.substr(3, 7));
    CHECK(range.headers["content-length"] == "7");
    CHECK(range.headers["content-range"] == fmt::format("bytes 3-9/{}", bytes.size()));
    CHECK(http_get(hp, target, fmt::format("Range: bytes={}-\r\n", bytes.size())).status == 416);
    auto head =
        seedtest::http_raw(hp, "HEAD " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(head.status == 200);
    CHECK(head.headers["content-length"] == std::to_string(bytes.size()));
    CHECK(head.body.empty());
    CHECK(seedtest::http_raw(hp, "GET /v1/releases HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
              .status == 413);
    CHECK(http_get(hp, "/v1/releases", "X-Big: " + std::string(9000, 'a') + "\r\n").status == 431);
    CHECK(http_get(hp, "/v1/files/../../../etc/passwd").status == 400);
    CHECK(http_get(hp, "/v1/files/regtest/%2e%2e/%2e%2e/etc/passwd").status == 400);
    CHECK(
        seedtest::http_raw(hp, "POST /v1/releases HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status ==
        405);

    // A new signature and a new release appear without a restart; --keep 2 drops release 50.
    auto sig = "manifest.json.8577CC89AAA5A7C6.minisig";
    test::write_file(r100 / sig, utxo::core::as_bytes(std::string("untrusted comment: t\n")));
    seedtest::cut_releases(seedtest::chain().full, db, rel);
    CHECK(eventually(
        [&] {
            auto l = nlohmann::json::parse(http_get(hp, "/v1/releases").body)["releases"];
            return l.size() == 2 && l[0]["height"] == 150 && l[1]["height"] == 100 &&
                   l[1]["signatures"].size() == 1;
        },
        10));
    CHECK(http_get(hp, fmt::format("/v1/releases/regtest/{}/{}", r100.filename().string(), sig)).body ==
          "untrusted comment: t\n");
    CHECK(metric(hp, "utxo_seeder_releases") == 2);
    CHECK(fs::exists(r50 / "manifest.json"));  // dropped, not deleted
    auto r150 = seedtest::release_dir(rel, 150);
    CHECK(eventually([&] { return slurp(dir / "wl.txt") == expected_whitelist({r100, r150}); }, 10));

    // Ports in use and bad options are usage/IO errors (exit 2), never a silent move to another port.
    auto second = "timeout 20 " + test::bin("utxo-seeder").string() + " --releases " + q(rel);
    auto busy_bt = test::run(
        second + fmt::format(" --listen 127.0.0.1:{} --http 127.0.0.1:{}", bt, seedtest::free_port()));
    CHECK(busy_bt.exit_code == 2);
    CHECK(busy_bt.out.find("cannot listen") != std::string::npos);
    CHECK(test::run(second +
                    fmt::format(" --listen 127.0.0.1:{} --http 127.0.0.1:{}", seedtest::free_port(), hp))
              .exit_code == 2);
    CHECK(test::run(second + " --keep 0").exit_code == 2);

    // --upload-rate also caps HTTP file bodies, all connections together.
    {
        auto capped_http = seedtest::free_port();
        const std::uint64_t rate = 4'000;  // the 16 small shard files take about 3 s
        seedtest::Process capped(
            {test::bin("utxo-seeder").string(), "--releases", rel.string(), "--listen",
             fmt::format("127.0.0.1:{}", seedtest::free_port()), "--http",
             fmt::format("127.0.0.1:{}", capped_http), "--upload-rate", std::to_string(rate)},
            dir / "capped.log");
        // Up once the first scan lists release 100 (an empty list is served before that).
        const auto listed = [&] {
            return http_get(capped_http, "/v1/releases").body.find(r100.filename().string()) !=
                   std::string::npos;
        };
        REQUIRE(eventually(listed, 10));
        std::uint64_t bytes = 0, largest = 0;
        auto t0 = std::chrono::steady_clock::now();
        for (const auto& e : fs::directory_iterator(r100 / "shards")) {
            auto got =
                http_get(capped_http, fmt::format("/v1/files/regtest/{}/shards/{}", r100.filename().string(),
                                                  e.path().filename().string()));
            REQUIRE(got.status == 200);
            CHECK(got.body == slurp(e.path()));
            bytes += got.body.size();
            largest = std::max<std::uint64_t>(largest, got.body.size());
        }
        const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        fmt::print(stderr, "capped HTTP: {} bytes in {:.2f} s\n", bytes, took);
        INFO(bytes << " bytes in " << took << " s");
        REQUIRE(bytes > 2 * largest);
        // Each file waits for the ones before it; only the last one's own time is not waited for.
        CHECK(took >= 0.9 * static_cast<double>(bytes - largest) / static_cast<double>(rate));
        CHECK(took < 3.0 * static_cast<double>(bytes) / static_cast<double>(rate) + 2.0);
    }

    // SIGTERM: a clean stop, exit 0, within a couple of seconds
    auto t0 = std::chrono::steady_clock::now();
    CHECK(seeder.stop(SIGTERM, std::chrono::seconds(5)) == 0);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
}

// utxo-seeder end to end with real binaries on 127.0.0.1: releases cut by utxo-indexer, Debian's
// opentracker as the only way peers find each other, aria2c as the stock client (BitTorrent only
// via a magnet, mixed via the served .torrent, web seed only via a torrent whose url-list points
// at us), /metrics, raw HTTP edge cases, new releases and signatures picked up, SIGTERM; and the
// tracker side of a new release: announced only once the tracker's whitelist has it, downloaded
// through the tracker alone within seconds, refused announces retried, "stopped" announces heard.
#include <fmt/format.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
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

// aria2c with everything but the tracker and the torrent's own sources off; exits when complete,
// or after `seconds` at most (aria2c gives up when no byte came for half that time, exit 7).
test::CommandResult aria2(const fs::path& out, std::uint16_t port, const std::string& what,
                          int seconds = 60) {
    auto start = std::chrono::steady_clock::now();
    auto r = test::run(fmt::format(
        "timeout {} aria2c --enable-dht=false --enable-dht6=false --bt-enable-lpd=false "
        "--enable-peer-exchange=false "
        "--seed-time=0 --interface=127.0.0.1 --listen-port={} --dir={} --file-allocation=none "
        "--bt-stop-timeout={} "
        "--bt-tracker-connect-timeout=5 --bt-tracker-timeout=5 --summary-interval=0 --console-log-level=warn "
        "--bt-save-metadata=false --auto-file-renaming=false {}",
        seconds, port, q(out), seconds / 2, what));
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

TEST_CASE("utxo-seeder: aria2c downloads over a tracker and a web seed, rescans, SIGTERM",
          "[seeder][e2e][slow-e2e]") {
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
                              dir / "tracker.log", {.cwd = dir.path(), .env = {}});
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

namespace {

// A seeder with a tracker, started on release 50 alone (--keep 1); release 100 waits in staging/
// until a test moves it in with one rename, as the indexer publishes a release.
struct NewReleaseSwarm {
    test::TempDir dir;
    fs::path rel = dir / "rel", staging = dir / "staging";
    fs::path r50, r100;  // where they are once in rel/
    std::uint16_t bt = seedtest::free_port(), hp = seedtest::free_port();
    std::optional<seedtest::Tracker> tracker;
    std::optional<seedtest::Process> seeder;

    // tracker_pid: give the seeder --tracker-pid, so it makes the tracker re-read its whitelist.
    explicit NewReleaseSwarm(bool tracker_pid) {
        seedtest::cut_releases(seedtest::chain().prefix, dir / "db", staging);
        fs::create_directories(rel / "regtest");
        r50 = rel / "regtest" / seedtest::release_dir(staging, 50).filename();
        r100 = rel / "regtest" / seedtest::release_dir(staging, 100).filename();
        fs::rename(staging / "regtest" / r50.filename(), r50);
        ::chmod(dir.path().c_str(), 0755);  // opentracker reads the whitelist as nobody
        tracker.emplace(dir.path(), seedtest::free_port());
        REQUIRE(eventually([&] { return tracker->up() && fs::exists(dir / "tracker.pid"); }, 5));
        std::vector<std::string> argv{test::bin("utxo-seeder").string(),
                                      "--releases",
                                      rel.string(),
                                      "--keep",
                                      "1",
                                      "--listen",
                                      fmt::format("127.0.0.1:{}", bt),
                                      "--http",
                                      fmt::format("127.0.0.1:{}", hp),
                                      "--tracker",
                                      tracker->announce_url(),
                                      "--tracker-whitelist",
                                      tracker->whitelist.string(),
                                      "-v"};
        if (tracker_pid) argv.insert(argv.end(), {"--tracker-pid", std::to_string(tracker->pid())});
        seeder.emplace(argv, dir / "seeder.log");
        if (!eventually([&] { return listed() == std::vector<std::string>{r50.filename().string()}; }, 10))
            FAIL("release 50 is not listed\n" << logs());
    }

    std::vector<std::string> listed() const {
        auto reply = http_get(hp, "/v1/releases");
        std::vector<std::string> names;
        if (reply.status != 200) return names;
        auto list = nlohmann::json::parse(reply.body);
        for (const auto& r : list["releases"]) names.push_back(r["name"].get<std::string>());
        return names;
    }

    // Moves release 100 in; the time it appeared.
    std::chrono::steady_clock::time_point publish() {
        fs::rename(staging / "regtest" / r100.filename(), r100);
        return std::chrono::steady_clock::now();
    }

    // The served shards.torrent of release 100 without its web seed: trackers are the only way in.
    fs::path tracker_only_torrent() {
        auto served =
            http_get(hp, fmt::format("/v1/releases/regtest/{}/shards.torrent", r100.filename().string()));
        REQUIRE(served.status == 200);
        REQUIRE(served.body.find("8:url-list") != std::string::npos);
        auto stripped = utxo::seeder::decorate_torrent(served.body, {tracker->announce_url()}, {});
        REQUIRE(stripped);
        REQUIRE(stripped->find("8:url-list") == std::string::npos);
        auto path = dir / "tracker-only.torrent";
        test::write_file(path, utxo::core::as_bytes(*stripped));
        return path;
    }

    std::string logs() const {
        return "seeder log:\n" + slurp(dir / "seeder.log") + "\ntracker log:\n" + slurp(dir / "tracker.log");
    }
};

// A sample of one series from /metrics ("name{labels}"), or nullopt when absent.
std::optional<std::int64_t> sample(std::uint16_t port, const std::string& series) {
    auto body = http_get(port, "/metrics").body;
    auto pos = body.find("\n" + series + " ");
    if (pos == std::string::npos) return std::nullopt;
    return std::stoll(body.substr(pos + series.size() + 2));
}

std::string tracker_series(const std::string& name, const std::string& announce_url) {
    return fmt::format("{}{{tracker=\"{}\"}}", name, announce_url);
}

}  // namespace

// The bug this guards against: the seeder announced a new release before writing the tracker's
// whitelist, opentracker refused it, and libtorrent announced again only 30 minutes later, so a
// client with the .torrent and no web seed found no peer.
TEST_CASE(
    "utxo-seeder: a release appearing while it runs is downloaded through the tracker alone within seconds",
    "[seeder][e2e][tracker]") {
    NewReleaseSwarm swarm(true);
    auto& tracker = *swarm.tracker;
    auto ok = tracker_series("utxo_seeder_tracker_last_announce_ok", tracker.announce_url());
    CHECK(eventually([&] { return sample(swarm.hp, ok) == 1; }, 5));
    CHECK(eventually([&] { return tracker.seeders(seedtest::infohashes(swarm.r50)[0]) == 1; }, 5));

    auto appeared = swarm.publish();
    REQUIRE(eventually(
        [&] { return swarm.listed() == std::vector<std::string>{swarm.r100.filename().string()}; }, 10));
    auto torrent = swarm.tracker_only_torrent();
    auto got = aria2(swarm.dir / "dl", seedtest::free_port(), q(torrent), 20);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - appeared).count();
    fmt::print(stderr, "release 100 appeared; aria2c had it through the tracker {:.2f} s later\n", took);
    INFO(got.out << "\n" << swarm.logs());
    REQUIRE(got.exit_code == 0);
    CHECK(took < 20);
    CHECK(tree(swarm.dir / "dl" / "shards") == tree(swarm.r100 / "shards"));

    // /metrics: the tracker answered the last announce, at a plausible time.
    CHECK(sample(swarm.hp, ok) == 1);
    auto when = sample(swarm.hp, tracker_series("utxo_seeder_tracker_last_announce_timestamp_seconds",
                                                tracker.announce_url()));
    REQUIRE(when);
    CHECK(std::abs(*when - static_cast<std::int64_t>(std::time(nullptr))) < 60);
    CHECK(sample(swarm.hp, tracker_series("utxo_seeder_tracker_announces_total", tracker.announce_url())) >=
          3);
    auto errors =
        sample(swarm.hp, tracker_series("utxo_seeder_tracker_announce_errors_total", tracker.announce_url()));
    // None was refused: the tracker knew each torrent before its first announce (with the
    // whitelist written after it, each first announce is refused and only the retry rescues it).
    CHECK(errors == 0);

    // --keep 1 dropped release 50: its "stopped" announce was accepted (it stays whitelisted one
    // more rescan for that), and then it leaves the whitelist.
    CHECK(eventually([&] { return tracker.seeders(seedtest::infohashes(swarm.r50)[0]) == 0; }, 5));
    auto whitelist = [&] {
        std::string text;
        auto hashes = seedtest::infohashes(swarm.r100);
        std::sort(hashes.begin(), hashes.end());
        for (const auto& h : hashes) text += h + "\n";
        return text;
    };
    CHECK(eventually([&] { return slurp(tracker.whitelist) == whitelist(); }, 10));

    // SIGTERM: the "stopped" announce reaches the tracker before the seeder exits.
    auto shards = seedtest::infohashes(swarm.r100)[0];
    REQUIRE(eventually([&] { return tracker.seeders(shards) == 1; }, 5));  // the seeder (aria2c left)
    auto t0 = std::chrono::steady_clock::now();
    CHECK(swarm.seeder->stop(SIGTERM, std::chrono::seconds(10)) == 0);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(4));
    CHECK(tracker.seeders(shards) == 0);
}

// The safety net: a tracker that re-reads its whitelist late (here: no --tracker-pid, the test
// sends SIGHUP itself 3 s after the whitelist changed) refuses the first announce; the seeder
// announces again within seconds instead of libtorrent's 30 minutes.
TEST_CASE("utxo-seeder: announces a tracker refused are retried within seconds",
          "[seeder][e2e][tracker][slow-e2e]") {
    NewReleaseSwarm swarm(false);
    auto& tracker = *swarm.tracker;
    auto refused = [&] {
        return sample(swarm.hp,
                      tracker_series("utxo_seeder_tracker_announce_errors_total", tracker.announce_url()))
            .value_or(0);
    };
    // Release 50 was refused at start: the tracker had no whitelist yet.
    REQUIRE(eventually([&] { return refused() >= 1; }, 5));
    ::kill(tracker.pid(), SIGHUP);
    CHECK(eventually([&] { return tracker.seeders(seedtest::infohashes(swarm.r50)[0]) == 1; }, 10));

    auto appeared = swarm.publish();
    REQUIRE(eventually(
        [&] { return swarm.listed() == std::vector<std::string>{swarm.r100.filename().string()}; }, 10));
    auto before = refused();
    REQUIRE(eventually([&] { return refused() > before; }, 5));  // release 100, not yet whitelisted
    std::this_thread::sleep_for(std::chrono::seconds(3));
    ::kill(tracker.pid(), SIGHUP);
    auto got = aria2(swarm.dir / "dl", seedtest::free_port(), q(swarm.tracker_only_torrent()), 30);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - appeared).count();
    fmt::print(stderr, "late whitelist reload: aria2c had release 100 {:.2f} s after it appeared\n", took);
    INFO(got.out << "\n" << swarm.logs());
    REQUIRE(got.exit_code == 0);
    CHECK(tree(swarm.dir / "dl" / "shards") == tree(swarm.r100 / "shards"));
    CHECK(sample(swarm.hp, tracker_series("utxo_seeder_tracker_last_announce_ok", tracker.announce_url())) ==
          1);
}

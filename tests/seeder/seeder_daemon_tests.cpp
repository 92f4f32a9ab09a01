// utxo-seeder as a service (issue 15 §3, cli/daemon.h): readiness on $NOTIFY_SOCKET, SIGHUP that
// reloads the --config file's log level, reopens --log-file and rescans at once, and never stops.
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "cli/daemon_test_support.h"
#include "seeder_test_support.h"

using daemontest::file_says;
using daemontest::NotifySocket;
using daemontest::slurp;
using daemontest::write_text;
using seedtest::http_get;
using test::eventually;
namespace fs = std::filesystem;

TEST_CASE("utxo-seeder: READY=1 once its ports accept, STATUS= with the releases, STOPPING=1 on SIGTERM",
          "[seeder][e2e][daemon]") {
    test::TempDir dir;
    auto rel = dir / "rel";
    seedtest::cut_releases(seedtest::chain().prefix, dir / "db", rel);
    const auto r100 = seedtest::release_dir(rel, 100);
    NotifySocket notify(dir / "notify.sock");
    auto bt = seedtest::free_port(), hp = seedtest::free_port();
    seedtest::Process seeder({test::bin("utxo-seeder").string(), "--releases", rel.string(), "--listen",
                              fmt::format("127.0.0.1:{}", bt), "--http", fmt::format("127.0.0.1:{}", hp)},
                             dir / "seeder.log",
                             {.cwd = {}, .env = {{"NOTIFY_SOCKET", notify.path().string()}}});
    REQUIRE(notify.wait_for("READY=1", 30));
    // Both listeners were bound before READY=1: they accept at once.
    int http = test::connect_loopback(hp), torrent = test::connect_loopback(bt);
    CHECK(http >= 0);
    CHECK(torrent >= 0);
    ::close(http);
    ::close(torrent);
    CHECK(notify.received_prefix("STATUS=seeding 2 releases, newest regtest/" + r100.filename().string()));

    daemontest::send_signal(seeder, SIGHUP);
    CHECK(notify.wait_for("RELOADING=1", 10));
    CHECK(notify.wait_for("READY=1", 10));
    CHECK(seeder.running());

    CHECK(seeder.stop(SIGTERM, std::chrono::seconds(20)) == 0);
    CHECK(notify.wait_for("STOPPING=1", 5));
    INFO(slurp(dir / "seeder.log"));
    CHECK(slurp(dir / "seeder.log").find("signal 15: stopping") != std::string::npos);
}

TEST_CASE(
    "utxo-seeder: SIGHUP applies the config's new log level, reopens --log-file, keeps the running "
    "configuration when the file is broken, and rescans at once",
    "[seeder][e2e][daemon]") {
    test::TempDir dir;
    auto rel = dir / "rel";
    seedtest::cut_releases(seedtest::chain().prefix, dir / "db", rel);
    // Release 100 waits outside the releases directory until the SIGHUP that picks it up.
    const auto r100 = seedtest::release_dir(rel, 100);
    const auto stash = dir / r100.filename();
    fs::rename(r100, stash);

    auto bt = seedtest::free_port(), hp = seedtest::free_port();
    const auto conf = dir / "seeder.conf", log = dir / "seeder.log";
    const auto settings = fmt::format(
        "releases = \"{}\"\nlisten = \"127.0.0.1:{}\"\nhttp = \"127.0.0.1:{}\"\n"
        "log-file = \"{}\"\n",
        rel.string(), bt, hp, log.string());
    write_text(conf, settings + "quiet = true\n");
    NotifySocket notify(dir / "notify.sock");
    seedtest::Process seeder({test::bin("utxo-seeder").string(), "--config", conf.string()},
                             dir / "stderr.txt",
                             {.cwd = {}, .env = {{"NOTIFY_SOCKET", notify.path().string()}}});
    REQUIRE(notify.wait_for("READY=1", 30));
    REQUIRE(http_get(hp, "/v1/releases").status == 200);
    // quiet: warnings only, and in the log file, not on stderr.
    CHECK(slurp(log).find("info:") == std::string::npos);
    CHECK(slurp(dir / "stderr.txt").empty());

    SECTION("the new level") {
        write_text(conf, settings + "verbose = true\n");
        daemontest::send_signal(seeder, SIGHUP);
        REQUIRE(file_says(log, "info: SIGHUP: read " + conf.string() + " again (log level debug)", 10));
        REQUIRE(http_get(hp, "/v1/releases").status == 200);
        CHECK(file_says(log, "debug: ", 5));  // each request is a debug line
    }

    SECTION("logrotate: rename, then SIGHUP opens a new file") {
        write_text(conf, settings + "verbose = true\n");
        daemontest::send_signal(seeder, SIGHUP);
        REQUIRE(file_says(log, "SIGHUP: read", 10));
        fs::rename(log, dir / "seeder.log.1");
        daemontest::send_signal(seeder, SIGHUP);
        REQUIRE(eventually([&] { return fs::exists(log); }, 10));
        CHECK(file_says(log, "SIGHUP: read", 10));
        CHECK(slurp(dir / "seeder.log.1").find("SIGHUP: read") != std::string::npos);
    }

    SECTION("a broken file is logged as one line and the running configuration stays") {
        write_text(conf, settings + "verbose = true\nbogus = 1\n");
        daemontest::send_signal(seeder, SIGHUP);
        CHECK(file_says(
            log,
            "error: SIGHUP: " + conf.string() + ": unknown key \"bogus\"; keeping the running configuration",
            10));
        CHECK(seeder.running());
        CHECK(http_get(hp, "/v1/releases").status == 200);
        CHECK(slurp(log).find("info:") == std::string::npos);  // still quiet
    }

    SECTION("what cannot change while running is logged as needing a restart") {
        write_text(conf, fmt::format("releases = \"{}\"\nlisten = \"127.0.0.1:{}\"\nhttp = \"127.0.0.1:{}\"\n"
                                     "log-file = \"{}\"\nquiet = true\n",
                                     rel.string(), bt, seedtest::free_port(), log.string()));
        daemontest::send_signal(seeder, SIGHUP);
        CHECK(file_says(log, "warning: SIGHUP: " + conf.string() + ": http changed: needs a restart", 10));
        CHECK(http_get(hp, "/v1/releases").status == 200);  // still on the old port
    }

    SECTION("the releases directory is rescanned at once") {
        write_text(conf, settings + "verbose = true\n");
        fs::rename(stash, r100);
        daemontest::send_signal(seeder, SIGHUP);
        REQUIRE(file_says(log, "seeding regtest/" + r100.filename().string(), 10));
        const auto text = slurp(log);
        // Right after the reload, not at the next periodic rescan (every 2 s).
        CHECK(text.find("SIGHUP: rescanning") < text.find("seeding regtest/" + r100.filename().string()));
        auto list = nlohmann::json::parse(http_get(hp, "/v1/releases").body)["releases"];
        CHECK(list.size() == 2);
    }

    CHECK(seeder.running());
    CHECK(seeder.stop(SIGTERM, std::chrono::seconds(20)) == 0);
}

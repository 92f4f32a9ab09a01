// utxo-verifier serve as a service (issue 15 §3, cli/daemon.h): options from the [serve] section of
// --config, readiness on $NOTIFY_SOCKET, SIGHUP that reloads the log level, reopens --log-file and
// reports a newer release, and never stops.
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "cli/daemon_test_support.h"
#include "test_process.h"
#include "verifier_fixture.h"

using daemontest::file_says;
using daemontest::NotifySocket;
using daemontest::send_signal;
using daemontest::slurp;
using daemontest::write_text;
namespace fs = std::filesystem;

namespace {

// The body of GET `target` on 127.0.0.1:port; empty if nothing answers.
std::string get_body(std::uint16_t port, const std::string& target) {
    int s = test::connect_loopback(port);
    if (s < 0) return {};
    const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    ::send(s, request.data(), request.size(), MSG_NOSIGNAL);
    const auto reply = test::read_until_closed(s);
    const auto end = reply.find("\r\n\r\n");
    return end == std::string::npos ? std::string() : reply.substr(end + 4);
}

fs::path store_with(const fs::path& db, int height) {
    auto store = utxo::verifier::Store::open(db);
    REQUIRE(store);
    vt::install(*store, vt::releases().at(height));
    return db;
}

}  // namespace

TEST_CASE(
    "utxo-verifier serve: the serve section of --config, READY=1 once listening, SIGHUP reloads, STOPPING=1",
    "[verifier][e2e][daemon]") {
    test::TempDir dir;
    const auto db = store_with(dir / "store", 150);
    const auto port = test::free_port();
    const auto conf = dir / "verifier.conf", log = dir / "verifier.log";
    const auto serve = fmt::format("[serve]\nhttp = \"127.0.0.1:{}\"\ndb = \"{}\"\nlog-file = \"{}\"\n", port,
                                   db.string(), log.string());
    write_text(conf, serve);
    NotifySocket notify(dir / "notify.sock");
    test::Process server({vt::verifier, "serve", "--config", conf.string()}, dir / "stdout.txt",
                         {.cwd = {}, .env = {{"NOTIFY_SOCKET", notify.path().string()}}});
    REQUIRE(notify.wait_for("READY=1", 30));
    const int s = test::connect_loopback(port);  // bound before READY=1
    CHECK(s >= 0);
    ::close(s);
    CHECK(notify.received_prefix("STATUS=serving release 150"));
    CHECK(get_body(port, "/blocks/tip/height") == "150");
    CHECK(slurp(log).find("info:") == std::string::npos);  // the default level: warnings

    // The log level of the file, at once.
    write_text(conf, "verbose = true\n" + serve);
    send_signal(server, SIGHUP);
    CHECK(notify.wait_for("RELOADING=1", 10));
    REQUIRE(file_says(log, "info: SIGHUP: read " + conf.string() + " again (log level info)", 10));

    // A release installed meanwhile is what serve answers for; SIGHUP reports it.
    {
        auto store = utxo::verifier::Store::open(db);
        REQUIRE(store);
        vt::install(*store, vt::releases().at(200));
    }
    send_signal(server, SIGHUP);
    CHECK(file_says(log, "info: SIGHUP: serving release 200", 10));
    CHECK(get_body(port, "/blocks/tip/height") == "200");

    // logrotate: rename, then SIGHUP: a new file.
    fs::rename(log, dir / "verifier.log.1");
    send_signal(server, SIGHUP);
    REQUIRE(test::eventually([&] { return fs::exists(log); }, 10));
    CHECK(file_says(log, "SIGHUP: read", 10));

    // A broken file: one line, and the running configuration stays.
    write_text(conf, "verbose = true\n" + serve + "bogus = 1\n");
    send_signal(server, SIGHUP);
    CHECK(file_says(log,
                    "error: SIGHUP: " + conf.string() +
                        ": unknown key \"serve.bogus\"; keeping the running configuration",
                    10));
    CHECK(server.running());
    CHECK(get_body(port, "/blocks/tip/height") == "200");

    CHECK(server.stop(SIGTERM, std::chrono::seconds(20)) == 0);
    CHECK(notify.wait_for("STOPPING=1", 5));
    CHECK(file_says(log, "info: signal 15: stopping", 5));
}

TEST_CASE("utxo-verifier serve: the command line overrides --config, and --db defaults to BASE/verifier",
          "[verifier][e2e][daemon]") {
    test::TempDir dir;
    store_with(dir / "state" / "verifier", 150);  // STATE_DIRECTORY/verifier: the default --db
    const auto conf = dir / "verifier.conf";
    const auto in_file = test::free_port(), given = test::free_port();
    write_text(conf, fmt::format("[serve]\nhttp = \"127.0.0.1:{}\"\n", in_file));
    test::Process server(
        {vt::verifier, "serve", "--config", conf.string(), "--http", fmt::format("127.0.0.1:{}", given)},
        dir / "stdout.txt", {.cwd = {}, .env = {{"STATE_DIRECTORY", (dir / "state").string()}}});
    REQUIRE(file_says(dir / "stdout.txt", fmt::format("listening on 127.0.0.1:{} (release 150", given), 30));
    CHECK(get_body(given, "/blocks/tip/height") == "150");
    CHECK(test::connect_loopback(in_file, 1) < 0);
    CHECK(server.stop(SIGTERM, std::chrono::seconds(20)) == 0);
}

TEST_CASE(
    "utxo-verifier serve on a store with nothing installed answers 503 until a release is installed, then "
    "answers from it",
    "[verifier][e2e][daemon]") {
    test::TempDir dir;
    const auto db = dir / "db";
    REQUIRE(
        utxo::verifier::Store::open(db));  // what a refused first fetch leaves: a store, nothing installed
    const auto port = test::free_port();
    test::Process server(
        {vt::verifier, "serve", "--db", db.string(), "--http", fmt::format("127.0.0.1:{}", port)},
        dir / "stdout.txt");
    REQUIRE(file_says(dir / "stdout.txt",
                      fmt::format("listening on 127.0.0.1:{} (no release installed yet", port), 30));
    CHECK(get_body(port, "/blocks/tip/height") == "no release is installed\n");
    CHECK(get_body(port, "/api/address/bcrt1qqqqfmwjlqedw3hj6dy5ynk9yx3uszwrw4au6du0/utxo") ==
          "no release is installed\n");
    store_with(db, 200);  // a fetch beside serve installs one
    CHECK(get_body(port, "/blocks/tip/height") == "200");
    CHECK(server.stop(SIGTERM, std::chrono::seconds(20)) == 0);

    // A directory without a store is still refused: serve never creates one.
    auto none = test::run(vt::verifier + " serve --db " + test::q(dir / "typo") + " --http 127.0.0.1:0");
    CHECK(none.exit_code == 2);
    CHECK(none.out.find("no store here") != std::string::npos);
    CHECK(!fs::exists(dir / "typo"));
}

// utxo-indexer run --follow as a service (issue 15 §3, cli/daemon.h): options from the [run]
// section of --config, --db and --releases under $STATE_DIRECTORY by default, readiness on
// $NOTIFY_SOCKET, and SIGHUP that reloads the log level and reopens --log-file without stopping.
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "cli/daemon_test_support.h"
#include "test_process.h"
#include "test_support.h"

using daemontest::file_says;
using daemontest::NotifySocket;
using daemontest::send_signal;
using daemontest::slurp;
using daemontest::write_text;
namespace fs = std::filesystem;

namespace {

// Release directories under releases/regtest, by height.
std::vector<std::string> release_heights(const fs::path& releases) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(releases / "regtest", ec))
        out.push_back(e.path().filename().string().substr(0, e.path().filename().string().find('-')));
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return std::stoi(a) < std::stoi(b); });
    return out;
}

}  // namespace

TEST_CASE(
    "utxo-indexer run --follow: the run section of --config, default directories, READY=1, SIGHUP, "
    "STOPPING=1",
    "[indexer][e2e][daemon]") {
    test::TempDir dir;
    const auto chain = dir / "chain.dat";  // blk*.dat framing: what a blocks: source reads
    auto synth = test::run(test::bin("utxo-indexer").string() + " synth --out " + test::q(chain) +
                           " --blocks 30 --txs-per-block 4 --seed 5");
    REQUIRE(synth.exit_code == 0);
    const auto state = dir / "state", conf = dir / "indexer.conf", log = dir / "indexer.log";
    // log-file at the top, as packaging/config/indexer.conf has it: the tool's own --log-file.
    const auto run = fmt::format(
        "log-file = \"{}\"\n[run]\nsource = \"blocks:{}\"\nnetwork = \"regtest\"\nrelease-every = 10\n"
        "confirmations = 1\nshards = 16\nfollow = true\npoll-seconds = 1\n",
        log.string(), chain.string());
    write_text(conf, run);
    NotifySocket notify(dir / "notify.sock");
    test::Process indexer(
        {test::bin("utxo-indexer").string(), "run", "--config", conf.string()}, dir / "stdout.txt",
        {.cwd = {}, .env = {{"NOTIFY_SOCKET", notify.path().string()}, {"STATE_DIRECTORY", state.string()}}});
    REQUIRE(notify.wait_for("READY=1", 30));
    REQUIRE(notify.wait_for("STATUS=following blocks:" + chain.string() + ": store at height 30", 60));
    // No --db, no --releases: both under STATE_DIRECTORY.
    CHECK(fs::exists(state / "indexer"));
    CHECK(release_heights(state / "releases") == std::vector<std::string>{"10", "20", "30"});
    CHECK(notify.received_prefix("STATUS=release 30-"));
    CHECK(slurp(log).find("info:") == std::string::npos);

    write_text(conf, "verbose = true\n" + run);
    send_signal(indexer, SIGHUP);
    CHECK(notify.wait_for("RELOADING=1", 10));
    REQUIRE(file_says(log, "info: SIGHUP: read " + conf.string() + " again (log level info)", 10));

    fs::rename(log, dir / "indexer.log.1");
    send_signal(indexer, SIGHUP);
    REQUIRE(test::eventually([&] { return fs::exists(log); }, 10));
    CHECK(file_says(log, "SIGHUP: read", 10));

    write_text(conf, "verbose = true\n" + run + "bogus = 1\n");
    send_signal(indexer, SIGHUP);
    CHECK(file_says(
        log,
        "error: SIGHUP: " + conf.string() + ": unknown key \"run.bogus\"; keeping the running configuration",
        10));
    CHECK(indexer.running());

    CHECK(indexer.stop(SIGTERM, std::chrono::seconds(20)) == 0);
    CHECK(notify.wait_for("STOPPING=1", 5));
    CHECK(slurp(dir / "stdout.txt").find("stopped: 31 blocks applied, 3 releases cut; tip 30") !=
          std::string::npos);
}

// `utxo-indexer run --follow --metrics-listen`: the real binary's /metrics while it follows a
// synthetic chain (height, releases cut, build and process series), linted by promtool.
#include <fmt/format.h>
#include <signal.h>

#include <catch2/catch.hpp>

#include "indexer/metrics_server.h"
#include "status_page_support.h"
#include "test_process.h"

namespace fs = std::filesystem;

TEST_CASE("render_run_metrics writes the run's series, then build and process ones", "[indexer][metrics]") {
    utxo::indexer::RunMetrics m;
    auto text = render_run_metrics(m);
    CHECK(text.find("\nutxo_indexer_height -1\n") != std::string::npos);
    m.height = 120;
    m.blocks_applied = 121;
    m.releases_cut = 2;
    m.last_release_unix_time = 1'700'000'000;
    text = render_run_metrics(m);
    CHECK(text.find("# TYPE utxo_indexer_height gauge\nutxo_indexer_height 120\n") != std::string::npos);
    CHECK(text.find(
              "# TYPE utxo_indexer_blocks_applied_total counter\nutxo_indexer_blocks_applied_total 121\n") !=
          std::string::npos);
    CHECK(text.find("# TYPE utxo_indexer_releases_cut_total counter\nutxo_indexer_releases_cut_total 2\n") !=
          std::string::npos);
    CHECK(text.find("\nutxo_indexer_last_release_timestamp_seconds 1700000000\n") != std::string::npos);
    CHECK(text.find("utxo_build_info{tool=\"utxo-indexer\",") != std::string::npos);
    CHECK(text.find("\nprocess_resident_memory_bytes ") != std::string::npos);
}

TEST_CASE("utxo-indexer run --follow --metrics-listen serves /metrics while it runs",
          "[indexer][metrics][e2e]") {
    test::TempDir dir;
    const auto indexer = test::bin("utxo-indexer").string();
    auto synth = test::run(indexer + " synth --out " + test::q(dir / "chain.dat") +
                           " --blocks 60 --txs-per-block 5 --seed 11");
    INFO(synth.out);
    REQUIRE(synth.exit_code == 0);
    const auto port = test::free_port();
    test::Process run({indexer,
                       "run",
                       "--source",
                       "blocks:" + (dir / "chain.dat").string(),
                       "--network",
                       "regtest",
                       "--db",
                       (dir / "db").string(),
                       "--releases",
                       (dir / "rel").string(),
                       "--release-every",
                       "20",
                       "--confirmations",
                       "1",
                       "--shards",
                       "16",
                       "--follow",
                       "--poll-seconds",
                       "1",
                       "--metrics-listen",
                       fmt::format("127.0.0.1:{}", port)},
                      dir / "run.log");
    const auto url = fmt::format("http://127.0.0.1:{}/metrics", port);
    std::string body;
    const auto caught_up = [&] {
        body = test::run("curl -sf " + url).out;
        return body.find("\nutxo_indexer_height 60\n") != std::string::npos &&
               body.find("\nutxo_indexer_releases_cut_total 3\n") != std::string::npos;
    };
    const bool up = test::eventually(caught_up, 30);
    const auto log = test::read_file(dir / "run.log");
    INFO(std::string(log.begin(), log.end()));
    REQUIRE(up);
    CHECK(body.find("\nutxo_indexer_blocks_applied_total 61\n") != std::string::npos);
    CHECK(body.find("utxo_build_info{tool=\"utxo-indexer\",version=\"") != std::string::npos);
    CHECK(body.find("\nprocess_open_fds ") != std::string::npos);
    pagetest::check_metrics(dir.path(), body);
    CHECK(test::run(fmt::format("curl -s -o /dev/null -w '%{{http_code}}' http://127.0.0.1:{}/", port)).out ==
          "404");

    // A bad or busy address is a usage or I/O error before anything is applied.
    auto busy = test::run(indexer + " run --source blocks:" + test::q(dir / "chain.dat") +
                          " --network regtest --db " + test::q(dir / "db2") + " --releases " +
                          test::q(dir / "rel2") + " --release-every 20 --confirmations 1 --metrics-listen " +
                          fmt::format("127.0.0.1:{}", port));
    CHECK(busy.exit_code == 2);
    CHECK(busy.out.find(fmt::format("--metrics-listen: cannot listen on 127.0.0.1:{}: ", port)) !=
          std::string::npos);
    CHECK_FALSE(fs::exists(dir / "rel2" / "regtest"));
    auto bad =
        test::run(indexer + " run --source blocks:" + test::q(dir / "chain.dat") +
                  " --network regtest --db " + test::q(dir / "db3") + " --releases " + test::q(dir / "rel3") +
                  " --release-every 20 --confirmations 1 --metrics-listen localhost:9");
    CHECK(bad.exit_code == 2);
    CHECK(bad.out.find("--metrics-listen: 'localhost' is not a numeric address") != std::string::npos);
    CHECK(run.stop(SIGTERM, std::chrono::seconds(10)) == 0);
}

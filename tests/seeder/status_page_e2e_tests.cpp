// GET / and /metrics of the real utxo-seeder: Chromium renders the page (a screenshot, and the
// DOM's text: release heights, signer key IDs, the tracker's state) and promtool lints /metrics.
#include <fmt/format.h>

#include "seeder_test_support.h"
#include "status_page_support.h"

namespace fs = std::filesystem;
using seedtest::http_get;

TEST_CASE("utxo-seeder: GET / renders in Chromium, /metrics passes promtool", "[seeder][e2e][status]") {
    test::TempDir dir;
    const auto rel = dir / "rel";
    seedtest::cut_releases(seedtest::chain().prefix, dir / "db", rel);
    const auto r100 = seedtest::release_dir(rel, 100);
    const std::string keys[] = {"8577CC89AAA5A7C6", "1F2E3D4C5B6A7988"};
    for (const auto& k : keys)
        test::write_file(r100 / ("manifest.json." + k + ".minisig"),
                         utxo::core::as_bytes(std::string("untrusted comment: test\n")));
    const auto hp = seedtest::free_port();
    const auto tracker = fmt::format("http://127.0.0.1:{}/announce", seedtest::free_port());  // nobody there
    seedtest::Process seeder({test::bin("utxo-seeder").string(), "--releases", rel.string(), "--listen",
                              fmt::format("127.0.0.1:{}", seedtest::free_port()), "--http",
                              fmt::format("127.0.0.1:{}", hp), "--tracker", tracker},
                             dir / "seeder.log");
    // Up once the first scan is served and the refused announce is counted.
    const auto ready = [&] {
        auto page = http_get(hp, "/");
        return page.status == 200 && page.body.find("Releases kept (2)") != std::string::npos &&
               page.body.find("Trackers (1)") != std::string::npos;
    };
    INFO(seedtest::slurp(dir / "seeder.log"));
    REQUIRE(test::eventually(ready, 20));
    auto page = http_get(hp, "/");
    CHECK(page.headers["content-type"] == "text/html; charset=utf-8");

    pagetest::check_metrics(dir.path(), http_get(hp, "/metrics").body);
    CHECK(http_get(hp, "/metrics").body.find("utxo_build_info{tool=\"utxo-seeder\",version=\"") !=
          std::string::npos);

    if (!pagetest::have(pagetest::kChromium)) {
        WARN("chromium is not installed: the page was not rendered");
        return;
    }
    const auto url = fmt::format("http://127.0.0.1:{}/", hp);
    const auto dom = pagetest::dump_dom(dir.path(), url);
    CHECK(dom.find("<h1>utxo-seeder</h1>") != std::string::npos);
    CHECK(dom.find(r100.filename().string()) != std::string::npos);
    CHECK(dom.find(seedtest::release_dir(rel, 50).filename().string()) != std::string::npos);
    CHECK(dom.find("<td class=\"n\">100</td>") != std::string::npos);
    for (const auto& k : keys) CHECK(dom.find(">" + k + "</a>") != std::string::npos);
    CHECK(dom.find(tracker) != std::string::npos);
    CHECK(dom.find("<td class=\"bad\">failed</td>") != std::string::npos);
    pagetest::screenshot(dir.path(), url, dir / "seeder-status.png");
}

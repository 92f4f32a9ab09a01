// GET /, the address lookup and /metrics of the real `utxo-verifier serve`: Chromium renders the
// pages (a screenshot, and the DOM's text: the release's height and hash, an address's outputs
// and balance) and promtool lints /metrics.
#include <fmt/format.h>

#include "esplora_serve.h"
#include "status_page_support.h"
#include "verifier/status_page.h"

using namespace utxo;

TEST_CASE("utxo-verifier serve: GET / and the lookup render in Chromium, /metrics passes promtool",
          "[verifier][e2e][status]") {
    test::TempDir dir;
    const auto rel_dir = vt::releases().at(200);
    {
        auto store = verifier::Store::open(dir / "store");
        REQUIRE(store);
        vt::install(*store, rel_dir);
    }
    vt::ServeProcess serve(dir.path(), "");
    const auto rel = vt::load_release(rel_dir);
    auto [script, address] = vt::some_address(rel_dir);
    const auto coins = vt::expectations(rel_dir).at(script);
    std::int64_t balance = 0;
    for (const auto& c : coins) balance += std::get<2>(c);

    auto tip = test::run("curl -s " + serve.base + "/blocks/tip/height");  // one Esplora answer counted
    CHECK(tip.out == "200");
    auto metrics = test::run("curl -s " + serve.base + "/metrics");
    REQUIRE(metrics.exit_code == 0);
    pagetest::check_metrics(dir.path(), metrics.out);
    CHECK(metrics.out.find("utxo_serve_installed_height 200\n") != std::string::npos);
    CHECK(metrics.out.find("utxo_serve_http_requests_total{code=\"200\"} 1\n") != std::string::npos);
    CHECK(metrics.out.find("utxo_build_info{tool=\"utxo-verifier\",version=\"") != std::string::npos);
    CHECK(metrics.out.find("\nprocess_open_fds ") != std::string::npos);

    if (!pagetest::have(pagetest::kChromium)) {
        WARN("chromium is not installed: the pages were not rendered");
        serve.stop();
        return;
    }
    const auto status = pagetest::dump_dom(dir.path(), serve.base + "/");
    CHECK(status.find("<td class=\"mono\">200</td>") != std::string::npos);
    CHECK(status.find(rel.manifest.block.to_display_hex()) != std::string::npos);
    CHECK(status.find("<td>alice, bob</td>") != std::string::npos);
    CHECK(status.find("action=\"/lookup\"") != std::string::npos);
    // What the form submits: GET /lookup?address=A.
    const auto lookup = pagetest::dump_dom(dir.path(), serve.base + "/lookup?address=" + address);
    CHECK(lookup.find(fmt::format("id=\"balance\">{}<", verifier::format_btc(balance))) != std::string::npos);
    CHECK(lookup.find(fmt::format("id=\"count\">{}<", coins.size())) != std::string::npos);
    for (const auto& c : coins)
        CHECK(lookup.find(fmt::format("{}:{}</td>", std::get<0>(c), std::get<1>(c))) != std::string::npos);
    pagetest::screenshot(dir.path(), serve.base + "/", dir / "serve-status.png");
    pagetest::screenshot(dir.path(), serve.base + "/lookup?address=" + address, dir / "serve-lookup.png");
    serve.stop();
}

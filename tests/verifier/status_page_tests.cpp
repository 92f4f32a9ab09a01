// serve's HTML pages and /metrics: the renderers as pure functions (content, escaping), and
// handle_page over a real store (the lookup answers what the Esplora route answers).
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <ctime>

#include "esplora_serve.h"
#include "verifier/serve_pages.h"
#include "verifier/status_page.h"

using namespace utxo;
using verifier::HttpRequest;
using verifier::Installed;
using verifier::PageFrame;

namespace {

Installed sample_installed() {
    Installed cur;
    cur.manifest.network = core::Network::regtest;
    cur.manifest.height = core::Height{150};
    cur.manifest.block = *core::BlockHash::from_display_hex(std::string(62, '0') + "ab");
    cur.manifest.shard_count = 16;
    cur.manifest.coins = 1234;
    cur.manifest.total_amount = core::Amount{5'000'000'000};
    cur.manifest_sha256 = *core::Sha256Digest::from_hex(std::string(64, 'c'));
    cur.shards = {0, 1, 2, 3};
    cur.full = false;
    cur.authorities = {"alice", "<b>mallory</b>"};
    cur.accepted_at = 1'700'000'000;
    return cur;
}

const PageFrame kFrame{"0.1.0 (f518c74)", "", 1'700'000'000 + 2 * 3600 + 5 * 60};

}  // namespace

TEST_CASE("format_btc writes 8 decimals", "[verifier][status]") {
    CHECK(verifier::format_btc(0) == "0.00000000 BTC");
    CHECK(verifier::format_btc(12345) == "0.00012345 BTC");
    CHECK(verifier::format_btc(5'000'000'000) == "50.00000000 BTC");
    CHECK(verifier::format_btc(-150'000'000) == "-1.50000000 BTC");
}

TEST_CASE("serve status page shows the release, its age and the lookup form", "[verifier][status]") {
    const auto cur = sample_installed();
    const auto html = verifier::render_status_page(kFrame, &cur);
    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK(html.find("<tr><th>network</th><td>regtest</td></tr>") != std::string::npos);
    CHECK(html.find("<tr><th>height</th><td class=\"mono\">150</td></tr>") != std::string::npos);
    CHECK(html.find(std::string(62, '0') + "ab") != std::string::npos);
    CHECK(html.find(std::string(64, 'c')) != std::string::npos);
    CHECK(html.find("2023-11-14 22:13:20 UTC") != std::string::npos);
    CHECK(html.find("<tr><th>age</th><td>2 h 5 min</td></tr>") != std::string::npos);
    CHECK(html.find("1234 (50.00000000 BTC)") != std::string::npos);
    CHECK(html.find("4 of 16 (a wallet's shards)") != std::string::npos);
    CHECK(html.find("alice, &lt;b&gt;mallory&lt;/b&gt;") != std::string::npos);
    CHECK(html.find("<form method=\"get\" action=\"/lookup\">") != std::string::npos);
    CHECK(html.find("name=\"address\"") != std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<b>") == std::string::npos);

    auto based = kFrame;
    based.base_path = "/esplora";
    CHECK(verifier::render_status_page(based, &cur).find("action=\"/esplora/lookup\"") != std::string::npos);

    const auto none = verifier::render_status_page(kFrame, nullptr);
    CHECK(none.find("No release is installed yet") != std::string::npos);
    CHECK(none.find("<form") == std::string::npos);
}

TEST_CASE("lookup page lists outputs and balance, escapes what was typed", "[verifier][status]") {
    const auto cur = sample_installed();
    verifier::Lookup l;
    l.address = "bcrt1qexample";
    for (std::uint32_t i = 0; i < 3; ++i) {
        verifier::OwnedCoin c;
        c.outpoint.txid = *core::Txid::from_display_hex(std::string(63, '0') + std::to_string(i + 1));
        c.outpoint.vout = i;
        c.coin.value = core::Amount{100'000 * (i + 1)};
        c.coin.height = core::Height{10 + i};
        c.coin.coinbase = i == 0;
        l.coins.push_back(c);
    }
    auto html = verifier::render_lookup_page(kFrame, cur, l);
    CHECK(html.find("<td class=\"n\" id=\"balance\">0.00600000 BTC</td>") != std::string::npos);
    CHECK(html.find("<td class=\"n\" id=\"count\">3</td>") != std::string::npos);
    CHECK(html.find(std::string(63, '0') + "2:1</td><td class=\"n\">0.00200000 BTC</td><td "
                                           "class=\"n\">11</td><td>no</td>") != std::string::npos);
    CHECK(html.find("<td>yes</td>") != std::string::npos);
    CHECK(html.find("value=\"bcrt1qexample\"") != std::string::npos);

    verifier::Lookup hostile;
    hostile.address = "\"><script>alert(1)</script>";
    hostile.error = "invalid address <script>: no";
    html = verifier::render_lookup_page(kFrame, cur, hostile);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"") != std::string::npos);
    CHECK(html.find("<p class=\"bad\">invalid address &lt;script&gt;: no</p>") != std::string::npos);
    CHECK(html.find("id=\"balance\"") == std::string::npos);

    verifier::Lookup many;
    many.address = "x";
    many.coins.resize(verifier::kLookupRows + 5);
    for (auto& c : many.coins) c.coin.value = core::Amount{1};
    html = verifier::render_lookup_page(kFrame, cur, many);
    CHECK(html.find("5 more outputs are not listed") != std::string::npos);
    CHECK(html.find(fmt::format("id=\"count\">{}<", verifier::kLookupRows + 5)) != std::string::npos);
}

TEST_CASE("handle_page routes /, /lookup and /metrics over a real store", "[verifier][status]") {
    test::TempDir dir;
    const auto rel_dir = vt::releases().at(200);
    auto store = verifier::Store::open(dir / "store");
    REQUIRE(store);
    verifier::ServeCounters counters;
    verifier::EsploraOptions options;
    const std::int64_t now = std::time(nullptr);
    auto page = [&](std::string method, std::string target) {
        return verifier::handle_page(HttpRequest{method, target}, *store, options, counters, now);
    };

    // Nothing installed: the page says so; a lookup is 503; metrics say 0.
    auto empty = page("GET", "/");
    REQUIRE(empty);
    CHECK(empty->status == 200);
    CHECK(empty->body.find("No release is installed yet") != std::string::npos);
    CHECK(page("GET", "/lookup?address=x")->status == 503);
    CHECK(page("GET", "/metrics")->body.find("utxo_serve_release_installed 0\n") != std::string::npos);

    const std::vector<std::uint32_t> held = {0, 1, 2, 3, 4, 5, 6, 7};
    vt::install(*store, rel_dir, held);
    const auto expected = vt::expectations(rel_dir);

    auto status = page("GET", "/");
    REQUIRE(status);
    CHECK(status->status == 200);
    CHECK(status->content_type == "text/html; charset=utf-8");
    CHECK(status->body.find("<td class=\"mono\">200</td>") != std::string::npos);
    CHECK(*status->header("Cache-Control") == "no-store");
    CHECK(*status->header("X-Utxo-Release-Height") == "200");

    auto [script, address] = vt::some_address(rel_dir, held);
    auto found = page("GET", "/lookup?address=" + address);
    REQUIRE(found);
    CHECK(found->status == 200);
    std::int64_t balance = 0;
    for (const auto& c : expected.at(script)) {
        balance += std::get<2>(c);
        CHECK(found->body.find(fmt::format("{}:{}</td>", std::get<0>(c), std::get<1>(c))) !=
              std::string::npos);
    }
    CHECK(found->body.find(fmt::format("id=\"balance\">{}<", verifier::format_btc(balance))) !=
          std::string::npos);
    CHECK(found->body.find(fmt::format("id=\"count\">{}<", expected.at(script).size())) != std::string::npos);
    // The form's spaces ('+') around a pasted address, and other parameters, do not matter.
    auto padded = page("GET", "/lookup?x=1&address=+" + address + "+");
    CHECK(padded->status == 200);
    CHECK(padded->body == found->body);

    auto [other, other_address] = vt::some_address(rel_dir, {8, 9, 10, 11, 12, 13, 14, 15});
    auto missing = page("GET", "/lookup?address=" + other_address);
    CHECK(missing->status == 404);
    CHECK(missing->body.find("is not held by this wallet store") != std::string::npos);
    auto hostile = page("GET", "/lookup?address=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    CHECK(hostile->status == 400);
    CHECK(hostile->body.find("<script") == std::string::npos);
    CHECK(hostile->body.find("invalid address &lt;script&gt;alert(1)&lt;/script&gt;: ") != std::string::npos);
    CHECK(page("GET", "/lookup")->status == 400);
    CHECK(page("GET", "/lookup?address=" + std::string(300, 'a'))->body.find("longer than 200") !=
          std::string::npos);

    counters.count(200);
    counters.count(200);
    counters.count(404);
    auto metrics = page("GET", "/metrics");
    REQUIRE(metrics);
    CHECK(metrics->content_type == "text/plain; version=0.0.4; charset=utf-8");
    CHECK(metrics->body.find("utxo_serve_release_installed 1\n") != std::string::npos);
    CHECK(metrics->body.find("utxo_serve_installed_height 200\n") != std::string::npos);
    CHECK(metrics->body.find("\nutxo_serve_release_age_seconds ") != std::string::npos);
    CHECK(metrics->body.find("utxo_serve_http_requests_total{code=\"200\"} 2\n"
                             "utxo_serve_http_requests_total{code=\"404\"} 1\n") != std::string::npos);
    CHECK(metrics->body.find("utxo_build_info{tool=\"utxo-verifier\",") != std::string::npos);
    CHECK(metrics->body.find("\nprocess_cpu_seconds_total ") != std::string::npos);

    // HEAD answers the same headers; other methods and every other path are the Esplora API's.
    auto head = page("HEAD", "/");
    CHECK(head->head);
    CHECK_FALSE(page("POST", "/"));
    CHECK_FALSE(page("GET", "/api/"));
    CHECK_FALSE(page("GET", "/blocks/tip/height"));
    CHECK_FALSE(page("GET", "/lookup/x"));

    // Under --base-path the pages are there too, and the links point there.
    options.base_path = "/esplora";
    for (auto target : {"/esplora", "/esplora/", "/"}) {
        auto based = page("GET", target);
        REQUIRE(based);
        CHECK(based->body.find("action=\"/esplora/lookup\"") != std::string::npos);
    }
    CHECK(page("GET", "/esplora/lookup?address=" + address)->status == 200);
    CHECK(page("GET", "/esplora/metrics")->status == 200);
    CHECK_FALSE(page("GET", "/esplorax/"));
}

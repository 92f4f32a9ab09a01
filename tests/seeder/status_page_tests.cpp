// The operator's page of GET / as a pure function: what it shows, and that names from disk and
// tracker URLs cannot inject markup.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "seeder/request_handler.h"
#include "seeder/status_page.h"

using namespace utxo::seeder;

namespace {

StatusSnapshot sample_snapshot() {
    StatusSnapshot s;
    s.version = "0.1.0 (f518c74)";
    s.now = 1'700'000'100;
    s.releases.push_back(
        {"regtest",
         100,
         "100-00ab",
         "00ab",
         {"manifest.json.8577CC89AAA5A7C6.minisig", "manifest.json.A1B2C3D4E5F60718.minisig"},
         "yes"});
    s.releases.push_back({"regtest", 50, "50-00cd", "00cd", {}, "no"});
    s.peers = 3;
    s.bytes_uploaded = 3 * 1024 * 1024;
    s.http_bytes_sent = 512;
    s.http_connections = 1;
    TrackerAnnounces ok{true, 1'700'000'090, 4, 1, 0};
    TrackerAnnounces bad{false, 1'700'000'000, 0, 7, 2};
    s.trackers["http://t1.example/announce"] = ok;
    s.trackers["http://t2.example/announce"] = bad;
    return s;
}

}  // namespace

TEST_CASE("status page lists releases, signer key IDs, transfer and trackers", "[seeder][status]") {
    const auto html = render_status_page(sample_snapshot());
    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK(html.ends_with("</body></html>\n"));
    CHECK(html.find("version 0.1.0 (f518c74)") != std::string::npos);
    CHECK(html.find("Releases kept (2)") != std::string::npos);
    CHECK(html.find("<td class=\"n\">100</td>") != std::string::npos);
    CHECK(html.find("<td class=\"n\">50</td>") != std::string::npos);
    CHECK(html.find("href=\"/v1/releases/regtest/100-00ab/manifest.json.8577CC89AAA5A7C6.minisig\">"
                    "8577CC89AAA5A7C6</a>") != std::string::npos);
    CHECK(html.find(">A1B2C3D4E5F60718</a>") != std::string::npos);
    CHECK(html.find("<span class=\"bad\">none</span>") != std::string::npos);  // release 50: unsigned
    CHECK(html.find("<th>BitTorrent peers connected</th><td class=\"n\">3</td>") != std::string::npos);
    CHECK(html.find("3145728 (3.0 MiB)") != std::string::npos);
    CHECK(html.find("Trackers (2)") != std::string::npos);
    CHECK(
        html.find("<td class=\"mono\">http://t1.example/announce</td><td class=\"ok\">answered</td><td>10 s "
                  "ago</td><td class=\"n\">4</td><td class=\"n\">1</td><td class=\"n\">0</td>") !=
        std::string::npos);
    CHECK(html.find("<td class=\"bad\">failed</td><td>1 min 40 s ago</td><td class=\"n\">0</td><td "
                    "class=\"n\">7</td><td class=\"n\">2</td>") != std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
}

TEST_CASE("status page escapes every string it did not write", "[seeder][status]") {
    StatusSnapshot s;
    s.version = "<b>v</b>";
    s.releases.push_back({"<img src=x onerror=alert(1)>",
                          7,
                          "7-\"><script>x</script>",
                          "00",
                          {"manifest.json.<i>K</i>.minisig", "manifest.json.A&B.minisig"},
                          "no"});
    s.trackers["http://evil/\"><script>alert(1)</script>"] = TrackerAnnounces{};
    const auto html = render_status_page(s);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("<i>") == std::string::npos);
    CHECK(html.find("<b>v") == std::string::npos);
    CHECK(html.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
    CHECK(html.find("&lt;i&gt;K&lt;/i&gt;") != std::string::npos);
    CHECK(html.find(">A&amp;B</a>") != std::string::npos);
    // In links, names are percent-encoded before they are escaped.
    CHECK(html.find("href=\"/v1/releases/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E/") !=
          std::string::npos);
    CHECK(html.find("http://evil/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
}

TEST_CASE("status page says so when nothing is kept or announced", "[seeder][status]") {
    const auto html = render_status_page(StatusSnapshot{});
    CHECK(html.find("Releases kept (0)") != std::string::npos);
    CHECK(html.find("No release is kept yet") != std::string::npos);
    CHECK(html.find("No tracker has answered or failed yet.") != std::string::npos);
}

TEST_CASE("signature_key_id takes the KEYID out of a signature file name", "[seeder][status]") {
    CHECK(signature_key_id("manifest.json.8577CC89AAA5A7C6.minisig") == "8577CC89AAA5A7C6");
    CHECK(signature_key_id("manifest.json..minisig") == "manifest.json..minisig");
    CHECK(signature_key_id("other.minisig") == "other.minisig");
}

TEST_CASE("status_snapshot copies the catalog and counters", "[seeder][status]") {
    Catalog c;
    Release r;
    r.network = "regtest";
    r.height = utxo::core::Height{150};
    r.name = "150-ab";
    r.signatures = {"manifest.json.ABCD.minisig"};
    c.releases.push_back(r);
    Metrics m;
    m.peers = 2;
    m.bytes_uploaded = 99;
    m.tracker_announced("http://t/announce", true, 5);
    auto s = status_snapshot(c, m, 10);
    REQUIRE(s.releases.size() == 1);
    CHECK(s.releases[0].height == 150);
    CHECK(s.releases[0].signature_files == std::vector<std::string>{"manifest.json.ABCD.minisig"});
    CHECK(s.releases[0].patches == "no");
    CHECK(s.peers == 2);
    CHECK(s.bytes_uploaded == 99);
    REQUIRE(s.trackers.size() == 1);
    CHECK(s.trackers.begin()->second.last_ok);
}

TEST_CASE("GET / answers the page as HTML, /metrics carries build and process series", "[seeder][status]") {
    Catalog c;
    Metrics m;
    auto res = handle_request({"GET", "/"}, c, &m);
    CHECK(res.status == 200);
    CHECK(res.content_type == "text/html; charset=utf-8");
    CHECK(res.body.find("<h1>utxo-seeder</h1>") != std::string::npos);
    auto head = handle_request({"HEAD", "/"}, c, nullptr);
    CHECK(head.status == 200);
    CHECK(head.head);
    CHECK(handle_request({"POST", "/"}, c, &m).status == 405);
    auto metrics = handle_request({"GET", "/metrics"}, c, &m);
    CHECK(metrics.status == 200);
    CHECK(metrics.body.find("utxo_build_info{tool=\"utxo-seeder\",") != std::string::npos);
    CHECK(metrics.body.find("\nprocess_resident_memory_bytes ") != std::string::npos);
    CHECK(metrics.body.find("\nprocess_open_fds ") != std::string::npos);
    CHECK(metrics.body.find("utxo_seeder_releases 0\n") != std::string::npos);
}

TEST_CASE("docs/seeder-http.md lists exactly the metrics GET /metrics emits", "[seeder][status]") {
    Metrics m;
    m.count_request(200);
    m.tracker_announced("http://t/announce", false, 1);
    std::set<std::string> emitted;
    const auto text = render_all_metrics(m);
    for (std::size_t at = text.find("# TYPE "); at != std::string::npos; at = text.find("# TYPE ", at + 1))
        emitted.insert(text.substr(at + 7, text.find(' ', at + 7) - at - 7));

    std::ifstream in(std::filesystem::path(UTXO_TEST_DATA) / ".." / ".." / "docs" / "seeder-http.md");
    REQUIRE(in);
    std::set<std::string> documented;
    bool in_metrics = false;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("## ")) in_metrics = line == "## GET /metrics";
        if (in_metrics && line.starts_with("| `")) documented.insert(line.substr(3, line.find('`', 3) - 3));
    }
    CHECK(documented == emitted);
    CHECK(emitted.size() == 20);
}

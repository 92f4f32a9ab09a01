// handle_request without sockets, over real releases made by utxo-indexer: the release list,
// manifests, signatures (appearing on rescan), torrents, web seed ranges, and refusals.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "net/torrent_file.h"
#include "seeder/release_catalog.h"
#include "seeder/request_handler.h"
#include "seeder/torrent_decorate.h"
#include "seeder_test_support.h"

using namespace utxo::seeder;
namespace fs = std::filesystem;

namespace {

// Releases 50 and 100 made once; each test works on its own copy.
const fs::path& made_releases() {
    static test::TempDir dir;
    static bool made = false;
    if (!made) {
        seedtest::cut_releases(seedtest::chain().prefix, dir / "db", dir / "rel");
        made = true;
    }
    static fs::path root = dir / "rel";
    return root;
}

const LinkConfig kLinks{"http://127.0.0.1:8080", "127.0.0.1:6881", {"http://127.0.0.1:6969/announce"}};

struct Fixture {
    test::TempDir dir;
    fs::path root = dir / "rel";
    std::shared_ptr<const Catalog> catalog;
    Fixture() {
        fs::copy(made_releases(), root, fs::copy_options::recursive);
        rescan();
    }
    void rescan(unsigned keep = 3) {
        auto scan = scan_releases(root, keep, kLinks, catalog.get());
        REQUIRE(scan);
        catalog = scan->catalog;
    }
    HttpResponse get(const std::string& target, std::optional<std::string> range = std::nullopt,
                     const std::string& method = "GET") {
        return handle_request(HttpRequest{method, target, std::move(range)}, *catalog, nullptr);
    }
    std::string base(int height) {
        return "/v1/releases/regtest/" + seedtest::release_dir(root, height).filename().string() + "/";
    }
    std::string files(int height) {
        return "/v1/files/regtest/" + seedtest::release_dir(root, height).filename().string() + "/";
    }
};

std::string slice(const FileSlice& f) {
    auto all = seedtest::slurp(f.path);
    return all.substr(f.offset, f.length);
}

}  // namespace

TEST_CASE("GET /v1/releases lists the kept releases, newest first, with links", "[seeder][handler]") {
    Fixture fx;
    auto res = fx.get("/v1/releases");
    REQUIRE(res.status == 200);
    CHECK(res.content_type == "application/json");
    auto j = nlohmann::json::parse(res.body);
    REQUIRE(j["releases"].size() == 2);
    auto r = j["releases"][0];
    auto dir = seedtest::release_dir(fx.root, 100);
    auto m = nlohmann::json::parse(seedtest::slurp(dir / "manifest.json"));
    CHECK(r["network"] == "regtest");
    CHECK(r["height"] == 100);
    CHECK(r["block_hash"] == m["block_hash"]);
    CHECK(r["name"] == dir.filename().string());
    CHECK(r["manifest"] == fx.base(100) + "manifest.json");
    CHECK(r["signatures"].empty());
    CHECK(r["web_seed"] == "http://127.0.0.1:8080" + fx.files(100));
    CHECK(r["torrents"]["shards"]["infohash"] == m["torrents"]["shards"]);
    CHECK(r["torrents"]["patches"]["infohash"] == m["torrents"]["patches"]);
    CHECK(r["torrents"]["shards"]["torrent"] == fx.base(100) + "shards.torrent");
    CHECK(r["torrents"]["shards"]["magnet"] ==
          "magnet:?xt=urn:btih:" + m["torrents"]["shards"].get<std::string>() +
              "&dn=shards&x.pe=127.0.0.1:6881&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce"
              "&ws=http%3A%2F%2F127.0.0.1%3A8080%2Fv1%2Ffiles%2Fregtest%2F" +
              dir.filename().string() + "%2F&xs=http%3A%2F%2F127.0.0.1%3A8080%2Fv1%2Freleases%2Fregtest%2F" +
              dir.filename().string() + "%2Fshards.torrent");
    CHECK(j["releases"][1]["height"] == 50);
    CHECK(j["releases"][1]["torrents"]["patches"].is_null());

    fx.rescan(1);  // --keep 1: the older release is dropped from the list, not from the disk
    j = nlohmann::json::parse(fx.get("/v1/releases").body);
    REQUIRE(j["releases"].size() == 1);
    CHECK(j["releases"][0]["height"] == 100);
    CHECK(fs::exists(seedtest::release_dir(fx.root, 50) / "manifest.json"));
    CHECK(fx.get(fx.base(50) + "manifest.json").status == 404);
}

TEST_CASE("Manifests, torrents and signature files are served, new signatures appear on rescan",
          "[seeder][handler]") {
    Fixture fx;
    auto dir = seedtest::release_dir(fx.root, 100);
    auto manifest = fx.get(fx.base(100) + "manifest.json");
    CHECK(manifest.status == 200);
    CHECK(manifest.body == seedtest::slurp(dir / "manifest.json"));

    // The served torrent has trackers and our web seed, and the same info dictionary byte for byte.
    auto torrent = fx.get(fx.base(100) + "shards.torrent");
    REQUIRE(torrent.status == 200);
    CHECK(torrent.content_type == "application/x-bittorrent");
    auto original = seedtest::slurp(dir / "shards.torrent");
    CHECK(*info_dict_bytes(torrent.body) == *info_dict_bytes(original));
    CHECK(*utxo::net::torrent_infohash(torrent.body) == *utxo::net::torrent_infohash(original));
    CHECK(torrent.body.find("8:url-list") != std::string::npos);
    CHECK(torrent.body.find("8:announce") != std::string::npos);
    CHECK(fx.get(fx.base(50) + "patches.torrent").status == 404);

    auto sig_name = "manifest.json.8577CC89AAA5A7C6.minisig";
    test::write_file(dir / sig_name, utxo::core::as_bytes(std::string("untrusted comment: x\nsig\n")));
    CHECK(fx.get(fx.base(100) + sig_name).status == 404);  // not until the next rescan
    fx.rescan();
    auto j = nlohmann::json::parse(fx.get("/v1/releases").body);
    CHECK(j["releases"][0]["signatures"] == nlohmann::json::array({fx.base(100) + sig_name}));
    auto sig = fx.get(fx.base(100) + sig_name);
    REQUIRE(sig.status == 200);
    REQUIRE(sig.file);
    CHECK(slice(*sig.file) == "untrusted comment: x\nsig\n");
    CHECK(fx.get(fx.base(100) + "manifest.json.other").status == 404);
}

TEST_CASE("Web seed files honour Range", "[seeder][handler]") {
    Fixture fx;
    auto path = seedtest::release_dir(fx.root, 100) / "shards" / "00003.shard";
    auto bytes = seedtest::slurp(path);
    auto size = bytes.size();
    REQUIRE(size > 100);
    auto target = fx.files(100) + "shards/00003.shard";

    auto whole = fx.get(target);
    CHECK(whole.status == 200);
    CHECK(whole.content_type == "application/octet-stream");
    CHECK(whole.content_length() == size);
    CHECK(*whole.header("Accept-Ranges") == "bytes");
    CHECK(slice(*whole.file) == bytes);

    auto part = fx.get(target, "bytes=10-19");
    CHECK(part.status == 206);
    CHECK(part.content_length() == 10);
    CHECK(*part.header("Content-Range") == "bytes 10-19/" + std::to_string(size));
    CHECK(slice(*part.file) == bytes.substr(10, 10));

    auto suffix = fx.get(target, "bytes=-7");
    CHECK(suffix.status == 206);
    CHECK(slice(*suffix.file) == bytes.substr(size - 7));
    CHECK(*suffix.header("Content-Range") == fmt::format("bytes {}-{}/{}", size - 7, size - 1, size));

    auto open = fx.get(target, "bytes=5-");
    CHECK(slice(*open.file) == bytes.substr(5));
    auto clamped = fx.get(target, "bytes=5-999999999");
    CHECK(clamped.content_length() == size - 5);

    for (std::string bad :
         {fmt::format("bytes={}-", size), std::string("bytes=9-3"), std::string("bytes=-0"),
          std::string("bytes=0-1,5-6"), std::string("items=0-1"), std::string("bytes=x-1")}) {
        CAPTURE(bad);
        auto r = fx.get(target, bad);
        CHECK(r.status == 416);
        CHECK(*r.header("Content-Range") == "bytes */" + std::to_string(size));
    }

    auto head = fx.get(target, std::nullopt, "HEAD");
    CHECK(head.status == 200);
    CHECK(head.head);
    CHECK(head.content_length() == size);
}

TEST_CASE("Missing files, bad methods and paths that leave the releases directory are refused",
          "[seeder][handler]") {
    Fixture fx;
    CHECK(fx.get("/nope").status == 404);
    CHECK(fx.get(fx.files(100) + "shards/99999.shard").status == 404);
    CHECK(fx.get(fx.files(50) + "patches/00000.patch").status == 404);  // release 50 has no patches
    CHECK(fx.get("/v1/files/regtest/1-00/shards/00000.shard").status == 404);
    CHECK(fx.get(fx.files(100) + "shards/.hidden").status == 404);
    CHECK(fx.get(fx.files(100) + "manifest.json/x/y").status == 404);

    for (std::string bad : std::vector<std::string>{
             "/v1/files/../x", "/v1/files/%2e%2e/%2e%2e/etc/passwd", "/v1/files/regtest/..",
             fx.files(100) + "shards/..%2f..%2fmanifest.json", fx.files(100) + "shards%2f00000.shard",
             fx.files(100) + "shards/%5c..", fx.files(100) + "shards/%zz", std::string("v1/releases")}) {
        CAPTURE(bad);
        CHECK(fx.get(bad).status == 400);
    }
    // A symlink inside a release that points outside the releases root is not followed.
    fs::create_symlink("/etc/passwd", seedtest::release_dir(fx.root, 100) / "shards" / "00099.shard");
    CHECK(fx.get(fx.files(100) + "shards/00099.shard").status == 404);

    auto post = fx.get("/v1/releases", std::nullopt, "POST");
    CHECK(post.status == 405);
    CHECK(*post.header("Allow") == "GET, HEAD");
    CHECK(fx.get("/v1/releases", std::nullopt, "DELETE").status == 405);
    CHECK(fx.get("/metrics").status == 404);  // no metrics object given
    Metrics metrics;
    metrics.bytes_uploaded = 1234;
    metrics.count_request(200);
    auto m = handle_request(HttpRequest{"GET", "/metrics", std::nullopt}, *fx.catalog, &metrics);
    CHECK(m.status == 200);
    CHECK(m.body.find("utxo_seeder_bytes_uploaded_total 1234\n") != std::string::npos);
    CHECK(m.body.find("utxo_seeder_http_requests_total{code=\"200\"} 1\n") != std::string::npos);
}

TEST_CASE("The web seed serves NNNNN.shard and NNNNN.patch only, whatever else lies beside them",
          "[seeder][handler]") {
    Fixture fx;
    auto dir = seedtest::release_dir(fx.root, 100);
    const std::string junk = "operator notes\n";
    for (const char* name : {"notes.txt", "00003.shard.bak", "0003.shard", "00003.patch", "torrent-cache"})
        test::write_file(dir / "shards" / name, utxo::core::as_bytes(junk));
    test::write_file(dir / "patches" / "00003.shard", utxo::core::as_bytes(junk));
    for (const std::string name : {"shards/notes.txt", "shards/00003.shard.bak", "shards/0003.shard",
                                   "shards/00003.patch", "shards/torrent-cache", "patches/00003.shard"}) {
        CAPTURE(name);
        for (const char* method : {"GET", "HEAD"}) {
            auto res = fx.get(fx.files(100) + name, std::nullopt, method);
            CHECK(res.status == 404);
            CHECK_FALSE(res.file);
        }
    }
    CHECK(fx.get(fx.files(100) + "shards/00003.shard").status == 200);
    CHECK(fx.get(fx.files(100) + "patches/00003.patch").status == 200);
}

TEST_CASE("The scan ignores unfinished and foreign directories and reports broken releases",
          "[seeder][handler]") {
    Fixture fx;
    auto good = seedtest::release_dir(fx.root, 100);
    fs::copy(good, fx.root / "regtest" / (".tmp-" + good.filename().string()), fs::copy_options::recursive);
    fs::create_directories(fx.root / "regtest" / "junk");
    fs::create_directories(fx.root / "notanetwork" / good.filename());
    // the newest release directory has a manifest that is not canonical
    auto broken = fx.root / "regtest" / ("999-" + std::string(64, 'a'));
    fs::create_directories(broken);
    test::write_file(broken / "manifest.json", utxo::core::as_bytes(std::string("{ }\n")));
    auto scan = scan_releases(fx.root, 2, kLinks, nullptr);
    REQUIRE(scan);
    CHECK(scan->catalog->releases.size() == 2);
    REQUIRE(scan->problems.size() == 1);
    CHECK(scan->problems[0].dir == broken);
    CHECK_FALSE(scan_releases(fx.dir / "missing", 3, kLinks, nullptr));
}

TEST_CASE("A release whose torrent is not the one its manifest names is skipped at the scan",
          "[seeder][handler]") {
    Fixture fx;
    auto r50 = seedtest::release_dir(fx.root, 50), r100 = seedtest::release_dir(fx.root, 100);
    fs::copy_file(r100 / "shards.torrent", r50 / "shards.torrent", fs::copy_options::overwrite_existing);
    test::write_file(r100 / "patches.torrent", utxo::core::as_bytes(std::string("d4:infoi1ee")));
    auto scan = scan_releases(fx.root, 3, kLinks, nullptr);
    REQUIRE(scan);
    CHECK(scan->catalog->releases.empty());  // neither reaches the session nor the tracker's whitelist
    REQUIRE(scan->problems.size() == 2);
    std::map<fs::path, std::string> problems;
    for (const auto& p : scan->problems) problems[p.dir] = p.message;
    CHECK(problems[r50] == "shards.torrent: its infohash is not the manifest's");
    CHECK(problems[r100].starts_with("patches.torrent: "));
}

namespace {

// The values of `key` in a magnet link, percent-decoded.
std::vector<std::string> magnet_values(const std::string& magnet, const std::string& key) {
    std::vector<std::string> out;
    std::size_t pos = magnet.find('?');
    while (pos != std::string::npos) {
        auto end = magnet.find('&', pos + 1);
        auto param = magnet.substr(pos + 1, end == std::string::npos ? std::string::npos : end - pos - 1);
        pos = end;
        if (!param.starts_with(key + "=")) continue;
        std::string value;
        for (std::size_t i = key.size() + 1; i < param.size(); ++i) {
            if (param[i] == '%' && i + 2 < param.size()) {
                value += static_cast<char>(std::stoi(param.substr(i + 1, 2), nullptr, 16));
                i += 2;
            } else {
                value += param[i];
            }
        }
        out.push_back(value);
    }
    return out;
}

}  // namespace

TEST_CASE("Magnets carry the web seed (ws=) and the served .torrent (xs=), both answered",
          "[seeder][handler]") {
    Fixture fx;
    auto list = nlohmann::json::parse(fx.get("/v1/releases").body)["releases"];
    int checked = 0;
    for (const auto& r : list) {
        auto dir = seedtest::release_dir(fx.root, r["height"].get<int>());
        for (const std::string part : {"shards", "patches"}) {
            if (r["torrents"][part].is_null()) continue;
            CAPTURE(r["name"], part);
            auto magnet = r["torrents"][part]["magnet"].get<std::string>();
            CHECK(magnet_values(magnet, "xt") ==
                  std::vector<std::string>{"urn:btih:" + r["torrents"][part]["infohash"].get<std::string>()});
            auto ws = magnet_values(magnet, "ws"), xs = magnet_values(magnet, "xs");
            REQUIRE(ws.size() == 1);
            REQUIRE(xs.size() == 1);
            CHECK(ws[0] == r["web_seed"]);
            CHECK(xs[0] == kLinks.http_base_url + r["torrents"][part]["torrent"].get<std::string>());

            // xs: the served .torrent, whose infohash is the magnet's
            auto torrent = fx.get(xs[0].substr(kLinks.http_base_url.size()));
            REQUIRE(torrent.status == 200);
            CHECK(utxo::net::torrent_infohash(torrent.body)->to_hex() == r["torrents"][part]["infohash"]);
            // ws: BEP 19 appends "<torrent name>/<file>" to it
            std::set<fs::path> files(fs::directory_iterator(dir / part), fs::directory_iterator{});
            REQUIRE_FALSE(files.empty());
            const fs::path& first = *files.begin();
            auto file =
                fx.get(ws[0].substr(kLinks.http_base_url.size()) + part + "/" + first.filename().string());
            REQUIRE(file.status == 200);
            REQUIRE(file.file);
            CHECK(slice(*file.file) == seedtest::slurp(first));
            ++checked;
        }
    }
    CHECK(checked == 3);  // shards of 50 and 100, patches of 100
}

TEST_CASE("/metrics shows each tracker's last announce, with label values escaped", "[seeder][metrics]") {
    Metrics m;
    CHECK(render_metrics(m).find("tracker") == std::string::npos);  // no tracker answered yet
    const std::string a = "http://127.0.0.1:6969/announce", odd = "http://x/\"a\\b\"\nc";
    m.tracker_announced(a, true, 1'700'000'000);
    m.tracker_announced(a, false, 1'700'000'100);
    m.tracker_announced(a, true, 1'700'000'200);
    m.tracker_announced(odd, false, 1'700'000'300);
    m.tracker_warned(odd);
    auto text = render_metrics(m);
    auto has = [&](const std::string& line) {
        CAPTURE(line);
        CHECK(text.find("\n" + line + "\n") != std::string::npos);
    };
    has("utxo_seeder_tracker_last_announce_ok{tracker=\"http://127.0.0.1:6969/announce\"} 1");
    has("utxo_seeder_tracker_last_announce_timestamp_seconds{tracker=\"http://127.0.0.1:6969/announce\"} "
        "1700000200");
    has("utxo_seeder_tracker_announces_total{tracker=\"http://127.0.0.1:6969/announce\"} 2");
    has("utxo_seeder_tracker_announce_errors_total{tracker=\"http://127.0.0.1:6969/announce\"} 1");
    has("utxo_seeder_tracker_warnings_total{tracker=\"http://127.0.0.1:6969/announce\"} 0");
    has(R"(utxo_seeder_tracker_last_announce_ok{tracker="http://x/\"a\\b\"\nc"} 0)");
    has(R"(utxo_seeder_tracker_announce_errors_total{tracker="http://x/\"a\\b\"\nc"} 1)");
    has(R"(utxo_seeder_tracker_warnings_total{tracker="http://x/\"a\\b\"\nc"} 1)");
    has("# TYPE utxo_seeder_tracker_announce_errors_total counter");
    has("# TYPE utxo_seeder_tracker_last_announce_ok gauge");
    CHECK(escape_label_value("plain") == "plain");
    CHECK(escape_label_value("a\\\"\n") == "a\\\\\\\"\\n");
}

// utxo-seeder --public-peer HOST:PORT: the BitTorrent address its magnets' x.pe hints give, for a
// seeder reached through a NAT, a port forward or a proxy (the slow-link tests put a delaying proxy
// there), from the command line or the --config file; --listen's address without it.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "seeder_test_support.h"

using seedtest::http_get;
using test::eventually;
namespace fs = std::filesystem;

namespace {

// The x.pe values and the web seed (ws) of every magnet the seeder lists, once it lists them.
struct Hints {
    std::vector<std::string> peers, web_seeds;
};

Hints magnet_hints(std::uint16_t http_port) {
    Hints h;
    nlohmann::json list;
    // The HTTP port answers before the first scan has added the releases: an empty list then.
    REQUIRE(eventually(
        [&] {
            auto r = http_get(http_port, "/v1/releases");
            if (r.status == 200) list = nlohmann::json::parse(r.body)["releases"];
            return list.is_array() && !list.empty();
        },
        15));
    for (const auto& r : list) {
        auto magnet = r["torrents"]["shards"]["magnet"].get<std::string>();
        for (std::size_t at = 0; (at = magnet.find('&', at)) != std::string::npos; ++at) {
            auto end = magnet.find('&', at + 1);
            auto param = magnet.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
            if (param.starts_with("x.pe=")) h.peers.push_back(param.substr(5));
            if (param.starts_with("ws=")) h.web_seeds.push_back(param.substr(3));
        }
    }
    return h;
}

}  // namespace

TEST_CASE("utxo-seeder --public-peer puts that address in the magnets' x.pe hints, from the config file too",
          "[seeder][e2e]") {
    test::TempDir dir;
    auto rel = dir / "rel";
    seedtest::cut_releases(seedtest::chain().prefix, dir / "db", rel);
    const std::string seeder = test::bin("utxo-seeder").string();

    SECTION("without it: --listen's address") {
        auto bt = seedtest::free_port(), hp = seedtest::free_port();
        seedtest::Process s({seeder, "--releases", rel.string(), "--listen", fmt::format("127.0.0.1:{}", bt),
                             "--http", fmt::format("127.0.0.1:{}", hp)},
                            dir / "seeder.log");
        auto h = magnet_hints(hp);
        CHECK(h.peers == std::vector<std::string>(h.peers.size(), fmt::format("127.0.0.1:{}", bt)));
        CHECK(h.peers.size() == 2);
    }
    SECTION("on the command line, beside --public-url") {
        auto hp = seedtest::free_port();
        seedtest::Process s(
            {seeder, "--releases", rel.string(), "--listen",
             fmt::format("127.0.0.1:{}", seedtest::free_port()), "--http", fmt::format("127.0.0.1:{}", hp),
             "--public-peer", "127.0.0.9:7001", "--public-url", "http://127.0.0.9:7002"},
            dir / "seeder.log");
        auto h = magnet_hints(hp);
        CHECK(h.peers == std::vector<std::string>{"127.0.0.9:7001", "127.0.0.9:7001"});
        for (const auto& ws : h.web_seeds) CHECK(ws.starts_with("http%3A%2F%2F127.0.0.9%3A7002%2F"));
        CHECK(seedtest::slurp(dir / "seeder.log").find("(peers told 127.0.0.9:7001)") != std::string::npos);
    }
    SECTION("in the config file, the command line winning") {
        auto hp = seedtest::free_port();
        {
            std::ofstream conf(dir / "seeder.conf");
            conf << "public-peer = \"[::1]:7003\"\n";
        }
        seedtest::Process s(
            {seeder, "--config", (dir / "seeder.conf").string(), "--releases", rel.string(), "--listen",
             fmt::format("127.0.0.1:{}", seedtest::free_port()), "--http", fmt::format("127.0.0.1:{}", hp)},
            dir / "seeder.log");
        CHECK(magnet_hints(hp).peers == std::vector<std::string>{"[::1]:7003", "[::1]:7003"});
        auto hp2 = seedtest::free_port();
        seedtest::Process s2({seeder, "--config", (dir / "seeder.conf").string(), "--releases", rel.string(),
                              "--listen", fmt::format("127.0.0.1:{}", seedtest::free_port()), "--http",
                              fmt::format("127.0.0.1:{}", hp2), "--public-peer", "127.0.0.9:7004"},
                             dir / "seeder2.log");
        CHECK(magnet_hints(hp2).peers == std::vector<std::string>{"127.0.0.9:7004", "127.0.0.9:7004"});
    }
}

TEST_CASE("utxo-seeder --public-peer that is no HOST:PORT is one usage line, exit 2", "[seeder]") {
    test::TempDir dir;
    auto r = test::run(test::bin("utxo-seeder").string() + " --releases " + test::q(dir.path()) +
                       " --public-peer 127.0.0.9");
    CHECK(r.exit_code == 2);
    CHECK(r.out.starts_with("utxo-seeder: --public-peer: "));
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
}

// utxo-seeder --keep N --prune: a network's releases older than its newest N are deleted from
// disk once those N are being seeded; nothing the seeder does not recognise as a release is touched.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "seeder/release_catalog.h"
#include "seeder_test_support.h"

namespace fs = std::filesystem;
using seedtest::http_get;
using seedtest::slurp;
using test::eventually;

namespace {

std::vector<int> served_heights(std::uint16_t http_port) {
    auto reply = http_get(http_port, "/v1/releases");
    std::vector<int> out;
    if (reply.status != 200) return out;
    const auto list = nlohmann::json::parse(reply.body);
    for (const auto& r : list["releases"]) out.push_back(r["height"].get<int>());
    return out;
}

void write_text(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

}  // namespace

TEST_CASE("utxo-seeder --keep 2 --prune deletes the oldest release once the newer two are seeded",
          "[seeder][e2e]") {
    test::TempDir dir;
    auto rel = dir / "rel", db = dir / "db";
    seedtest::cut_releases(seedtest::chain().prefix, db, rel);  // releases 50 and 100
    auto r50 = seedtest::release_dir(rel, 50), r100 = seedtest::release_dir(rel, 100);

    // Things that are not releases the seeder recognises, old as they may look: all must stay.
    const auto net = rel / "regtest";
    const auto impostor = net / ("10-" + std::string(64, '0'));  // its manifest is release 50's
    fs::create_directories(impostor);
    fs::copy_file(r50 / "manifest.json", impostor / "manifest.json");
    fs::create_directories(net / ".tmp-cut");
    write_text(net / ".tmp-cut" / "manifest.json", "{}");
    fs::create_directories(net / "old-release");
    write_text(net / "old-release" / "manifest.json", "{}");
    write_text(net / "notes.txt", "keep me\n");
    write_text(rel / "README", "keep me too\n");
    fs::create_directories(rel / "backup" / "regtest");
    fs::create_directory_symlink(r50, net / ("20-" + std::string(64, 'a')));  // a link, never followed

    auto bt = seedtest::free_port(), hp = seedtest::free_port();
    seedtest::Process seeder(
        {test::bin("utxo-seeder").string(), "--releases", rel.string(), "--keep", "2", "--prune", "--listen",
         fmt::format("127.0.0.1:{}", bt), "--http", fmt::format("127.0.0.1:{}", hp)},
        dir / "seeder.log");
    if (!eventually([&] { return served_heights(hp) == std::vector<int>{100, 50}; }, 15))
        FAIL("not serving 100 and 50: " << Catch::Detail::stringify(served_heights(hp)) << "\nseeder log:\n"
                                        << slurp(dir / "seeder.log"));
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // another rescan (every 2 s)
    CHECK(fs::exists(r50));  // only two releases: none beyond the newest two

    // Release 150 appears (moved in whole, as a release is published): 100 and 150 are seeded, and
    // only then is 50 deleted.
    seedtest::cut_releases(seedtest::chain().full, dir / "db2", dir / "staging");
    auto staged = seedtest::release_dir(dir / "staging", 150);
    auto r150 = net / staged.filename();
    fs::rename(staged, r150);
    auto pruned_line =
        "pruned regtest/" + r50.filename().string() + " (older than the newest 2 being seeded)";
    if (!eventually([&] { return slurp(dir / "seeder.log").find(pruned_line) != std::string::npos; }, 15))
        FAIL("no line \"" << pruned_line << "\"; seeder log:\n" << slurp(dir / "seeder.log"));
    CHECK(!fs::exists(r50));
    CHECK(served_heights(hp) == std::vector<int>{150, 100});
    CHECK(fs::exists(r100 / "manifest.json"));
    CHECK(fs::exists(r150 / "manifest.json"));
    auto log = slurp(dir / "seeder.log");
    CHECK(log.find("pruned regtest/" + r100.filename().string()) == std::string::npos);

    CHECK(fs::exists(impostor / "manifest.json"));
    CHECK(fs::exists(net / ".tmp-cut" / "manifest.json"));
    CHECK(fs::exists(net / "old-release" / "manifest.json"));
    CHECK(slurp(net / "notes.txt") == "keep me\n");
    CHECK(slurp(rel / "README") == "keep me too\n");
    CHECK(fs::is_directory(rel / "backup" / "regtest"));
    CHECK(fs::is_symlink(net / ("20-" + std::string(64, 'a'))));
    std::size_t entries = 0;
    for (const auto& e : fs::directory_iterator(net))
        entries += e.path().filename().string().starts_with(".pruning-");
    CHECK(entries == 0);

    // A download from a kept release still works after the prune.
    CHECK(http_get(hp, "/v1/releases/regtest/" + r100.filename().string() + "/shards.torrent").status == 200);
}

namespace {
// chattr +i: a directory even root cannot rename or delete, made deletable again however the test ends.
struct Immutable {
    fs::path path;
    bool ok = test::run("chattr +i " + test::q(path)).exit_code == 0;
    ~Immutable() { release(); }
    void release() {
        if (ok) test::run("chattr -i " + test::q(path));
        ok = false;
    }
};
}  // namespace

TEST_CASE("utxo-seeder --prune: a release that cannot be deleted is logged once, and deleted when it can be",
          "[seeder][e2e]") {
    test::TempDir dir;
    auto rel = dir / "rel";
    seedtest::cut_releases(seedtest::chain().full, dir / "db", rel);  // releases 50, 100 and 150
    auto r50 = seedtest::release_dir(rel, 50);
    Immutable stuck{r50};
    if (!stuck.ok) {
        WARN("chattr +i is not supported here; the deletion failure is not exercised");
        return;
    }
    auto hp = seedtest::free_port();
    seedtest::Process seeder(
        {test::bin("utxo-seeder").string(), "--releases", rel.string(), "--keep", "2", "--prune", "--listen",
         fmt::format("127.0.0.1:{}", seedtest::free_port()), "--http", fmt::format("127.0.0.1:{}", hp)},
        dir / "seeder.log");
    auto error_line = "--prune: " + r50.string() + ": cannot delete: ";
    if (!eventually([&] { return slurp(dir / "seeder.log").find(error_line) != std::string::npos; }, 15))
        FAIL("no line \"" << error_line << "\"; seeder log:\n" << slurp(dir / "seeder.log"));
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // another rescan: still one line
    auto log = slurp(dir / "seeder.log");
    CHECK(log.find(error_line) == log.rfind(error_line));
    CHECK(fs::exists(r50 / "manifest.json"));
    CHECK(served_heights(hp) == std::vector<int>{150, 100});  // the daemon goes on

    stuck.release();
    auto pruned_line =
        "pruned regtest/" + r50.filename().string() + " (older than the newest 2 being seeded)";
    if (!eventually([&] { return slurp(dir / "seeder.log").find(pruned_line) != std::string::npos; }, 15))
        FAIL("no line \"" << pruned_line << "\"; seeder log:\n" << slurp(dir / "seeder.log"));
    CHECK(!fs::exists(r50));
    CHECK(served_heights(hp) == std::vector<int>{150, 100});
}

TEST_CASE("delete_release: a directory that cannot be deleted is one error naming it") {
    test::TempDir dir;
    auto missing = dir / "regtest" / ("50-" + std::string(64, 'b'));
    auto s = utxo::seeder::delete_release(missing);
    REQUIRE(!s);
    CHECK(s.error().code == utxo::core::Errc::io);
    CHECK(s.error().message.starts_with(missing.string() + ": cannot delete: "));

    // An interrupted deletion's leftover is removed as it is named.
    auto leftover = dir / "regtest" / (".pruning-50-" + std::string(64, 'b'));
    fs::create_directories(leftover / "shards");
    write_text(leftover / "shards" / "0", "x");
    REQUIRE(utxo::seeder::delete_release(leftover));
    CHECK(!fs::exists(leftover));
}

// Early checks: shard files checked while the download goes on are trusted by install only while
// their bytes are provably the ones checked (same stamp); anything else is read again.
#include <chrono>
#include <thread>

#include "verifier/shard_check.h"
#include "verifier/staged_checker.h"
#include "verifier_fixture.h"

using namespace utxo;
using verifier::Store;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

verifier::EarlyChecks check_all(const core::Manifest& m, const fs::path& stage) {
    verifier::StagedChecker checker(m, stage);
    for (std::uint32_t i = 0; i < m.shard_count; ++i) checker.submit(i);
    checker.submit(m.shard_count + 5);  // not a shard of the release: ignored
    return checker.finish();
}

// Rewrites a staged file with one bit flipped, after the kernel's timestamp tick has moved on.
void flip_a_bit(const fs::path& p) {
    std::this_thread::sleep_for(50ms);
    auto bytes = test::read_file(p);
    bytes[bytes.size() / 2] ^= 0x01;
    test::write_file(p, bytes);
}

}  // namespace

TEST_CASE("check_shard_file checks size, header and SHA-256 and stamps the checked bytes", "[store][early]") {
    test::TempDir dir;
    const auto rel_dir = vt::releases().at(200);
    const auto rel = vt::load_release(rel_dir);
    const fs::path copy = dir / "00003.shard";
    fs::copy_file(verifier::shard_path(rel_dir, 3), copy);

    auto ok = verifier::check_shard_file(copy, rel.manifest, 3);
    REQUIRE(ok);
    CHECK(ok->fd.fd >= 0);
    CHECK(ok->stamp == verifier::file_stamp(copy).value());
    CHECK(ok->stamp.size == rel.manifest.shards[3].bytes);

    auto wrong_index = verifier::check_shard_file(copy, rel.manifest, 4);
    REQUIRE_FALSE(wrong_index);
    CHECK(wrong_index.error().code == core::Errc::mismatch);

    flip_a_bit(copy);
    CHECK(verifier::file_stamp(copy).value() != ok->stamp);
    auto bad = verifier::check_shard_file(copy, rel.manifest, 3);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == core::Errc::mismatch);
    CHECK(bad.error().message.find("SHA-256 is") != std::string::npos);

    CHECK(verifier::file_stamp(dir / "none.shard").error().code == core::Errc::not_found);
}

TEST_CASE("Files checked early install without being read again, and the store answers", "[store][early]") {
    test::TempDir dir;
    const auto rel_dir = vt::releases().at(200);
    auto store = Store::open(dir / "store");
    REQUIRE(store);
    auto rel = vt::stage(*store, rel_dir, vt::all_shards(vt::load_release(rel_dir).manifest));
    const auto stage = *store->staging_dir(rel.manifest);

    auto early = check_all(rel.manifest, stage);
    CHECK(early.size() == rel.manifest.shard_count);
    for (const auto& [i, stamp] : early)
        CHECK(stamp == verifier::file_stamp(verifier::shard_path(stage, i)).value());

    REQUIRE(store->install(rel.manifest, rel.bytes, vt::all_shards(rel.manifest), true, {"alice"}, early));
    auto cur = store->installed();
    REQUIRE((cur && *cur));
    CHECK((*cur)->manifest == rel.manifest);
    CHECK(store->check_installed());
}

TEST_CASE("A file changed after its early check is read again at install and refused", "[store][early]") {
    test::TempDir dir;
    auto store = Store::open(dir / "store");
    REQUIRE(store);
    vt::install(*store, vt::releases().at(150));
    const auto rel_dir = vt::releases().at(200);
    auto rel = vt::stage(*store, rel_dir, vt::all_shards(vt::load_release(rel_dir).manifest));
    const auto stage = *store->staging_dir(rel.manifest);

    auto early = check_all(rel.manifest, stage);
    REQUIRE(early.count(7) == 1);
    flip_a_bit(verifier::shard_path(stage, 7));  // after the check, before install

    auto s = store->install(rel.manifest, rel.bytes, vt::all_shards(rel.manifest), true, {}, early);
    REQUIRE_FALSE(s);
    CHECK(s.error().code == core::Errc::mismatch);
    CHECK(s.error().message.find("00007.shard: SHA-256 is") != std::string::npos);
    CHECK(store->installed().value()->manifest.height.value == 150);

    CHECK_FALSE(fs::exists(stage));  // a refused install removes its staging directory

    // Stale stamps for files staged again (other inodes): read again, installed.
    vt::stage(*store, rel_dir, vt::all_shards(rel.manifest));
    REQUIRE(store->install(rel.manifest, rel.bytes, vt::all_shards(rel.manifest), true, {}, early));
    CHECK(store->installed().value()->manifest.height.value == 200);
    CHECK(store->check_installed());
}

TEST_CASE("A tampered file is not reported as checked early", "[store][early]") {
    test::TempDir dir;
    auto store = Store::open(dir / "store");
    REQUIRE(store);
    const auto rel_dir = vt::releases().at(200);
    auto rel = vt::stage(*store, rel_dir, vt::all_shards(vt::load_release(rel_dir).manifest));
    const auto stage = *store->staging_dir(rel.manifest);
    flip_a_bit(verifier::shard_path(stage, 2));
    fs::remove(verifier::shard_path(stage, 4));

    auto early = check_all(rel.manifest, stage);
    CHECK(early.size() == rel.manifest.shard_count - 2);
    CHECK(early.count(2) == 0);
    CHECK(early.count(4) == 0);
    auto s = store->install(rel.manifest, rel.bytes, vt::all_shards(rel.manifest), true, {}, early);
    REQUIRE_FALSE(s);
    CHECK(s.error().message.find("00002.shard: SHA-256 is") != std::string::npos);
}

TEST_CASE("A checker destroyed without finish stops cleanly", "[store][early]") {
    const auto rel_dir = vt::releases().at(200);
    const auto rel = vt::load_release(rel_dir);
    for (int round = 0; round < 3; ++round) {
        verifier::StagedChecker checker(rel.manifest, rel_dir);
        for (std::uint32_t i = 0; i < rel.manifest.shard_count; ++i) checker.submit(i);
    }
    SUCCEED("no hang, no crash");
}

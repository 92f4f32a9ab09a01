// forward(): patches move a store from release 150 to 200 byte for byte; bad patches change nothing.
#include "core/manifest.h"
#include "verifier/forward.h"
#include "verifier_fixture.h"

using namespace utxo;
using verifier::Store;
namespace fs = std::filesystem;

namespace {

void copy_patches(const fs::path& release_dir, const fs::path& to) {
    fs::create_directories(to);
    for (const auto& e : fs::directory_iterator(release_dir / "patches"))
        fs::copy_file(e.path(), to / e.path().filename());
}

}  // namespace

TEST_CASE("forward turns release 150 into release 200 with its patches", "[forward]") {
    test::TempDir dir;
    auto store = Store::open(dir / "store");
    REQUIRE(store);
    SECTION("full") { vt::install(*store, vt::releases().at(150)); }
    SECTION("wallet") { vt::install(*store, vt::releases().at(150), {1, 2, 15}); }
    const auto before = store->installed().value();
    const auto new_dir = vt::releases().at(200);
    auto rel = vt::load_release(new_dir);
    copy_patches(new_dir, dir / "patches");
    auto s = verifier::forward(*store, rel.manifest, rel.bytes, dir / "patches", {"carol"});
    INFO((s ? (*s ? (*s)->reason : "") : s.error().message));
    REQUIRE(s);
    REQUIRE_FALSE(*s);
    auto cur = store->installed().value();
    REQUIRE(cur);
    CHECK(cur->manifest == rel.manifest);
    CHECK(cur->shards == before->shards);
    CHECK(cur->full == before->full);
    CHECK(cur->authorities == std::vector<std::string>{"carol"});
    for (auto i : cur->shards)
        CHECK(test::read_file(verifier::shard_path(cur->dir, i)) ==
              test::read_file(verifier::shard_path(new_dir, i)));
    CHECK_FALSE(fs::exists(before->dir));
}

TEST_CASE("forward with a missing or corrupt patch cannot move forward and keeps release 150", "[forward]") {
    test::TempDir dir;
    auto store = Store::open(dir / "store");
    REQUIRE(store);
    vt::install(*store, vt::releases().at(150));
    const auto new_dir = vt::releases().at(200);
    auto rel = vt::load_release(new_dir);
    copy_patches(new_dir, dir / "patches");
    const auto victim = dir / "patches" / core::patch_file_name(4);

    SECTION("missing") {
        fs::remove(victim);
        auto s = verifier::forward(*store, rel.manifest, rel.bytes, dir / "patches", {});
        REQUIRE(s);
        REQUIRE(*s);
        CHECK((*s)->reason.find("00004.patch") != std::string::npos);
    }
    SECTION("corrupt") {
        auto bytes = test::read_file(victim);
        bytes.back() ^= 0x40;
        test::write_file(victim, bytes);
        auto s = verifier::forward(*store, rel.manifest, rel.bytes, dir / "patches", {});
        REQUIRE(s);
        REQUIRE(*s);
        CHECK((*s)->reason.find("00004.patch: SHA-256 is") != std::string::npos);
    }
    SECTION("not patching from the installed release") {
        auto older = vt::load_release(vt::releases().at(150));
        auto s = verifier::forward(*store, older.manifest, older.bytes, dir / "patches", {});
        REQUIRE(s);
        REQUIRE(*s);
        INFO((*s)->reason);
        CHECK((*s)->reason.find("the installed release is 150") != std::string::npos);
    }
    auto cur = store->installed().value();
    REQUIRE(cur);
    CHECK(cur->manifest.height.value == 150);
    CHECK(store->check_installed());
}

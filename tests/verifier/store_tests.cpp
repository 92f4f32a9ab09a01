// Store: installing verified release files, answering by script, refusing what does not match.
#include <sys/wait.h>
#include <unistd.h>

#include <set>

#include "core/sha256.h"
#include "verifier/store.h"
#include "verifier_fixture.h"

using namespace utxo;
using verifier::Store;
namespace fs = std::filesystem;

TEST_CASE("A full install answers every script exactly as the release's shard files say", "[store]") {
    test::TempDir dir;
    const auto rel_dir = vt::releases().at(200);
    auto store = Store::open(dir / "store");
    REQUIRE(store);
    auto none = store->installed();
    REQUIRE(none);
    CHECK_FALSE(*none);
    vt::install(*store, rel_dir);

    auto cur = store->installed();
    REQUIRE(cur);
    REQUIRE(*cur);
    const auto rel = vt::load_release(rel_dir);
    CHECK((*cur)->manifest == rel.manifest);
    CHECK((*cur)->full);
    CHECK((*cur)->shards == vt::all_shards(rel.manifest));
    CHECK((*cur)->authorities == std::vector<std::string>{"alice", "bob"});
    CHECK((*cur)->manifest_sha256 == core::sha256(core::as_bytes(rel.bytes)));
    CHECK((*cur)->dir == dir / "store" / "releases" / "regtest" / rel_dir.filename());
    CHECK(test::read_file((*cur)->dir / "manifest.json") == test::read_file(rel_dir / "manifest.json"));
    CHECK(fs::is_empty(dir / "store" / "staging"));

    CHECK(vt::check_every_script_answers(*store, rel_dir) == rel.manifest.coins);
    auto nobody = store->coins_for_script(core::Bytes{0x51, 0x51});
    REQUIRE(nobody);
    CHECK(nobody->empty());
    CHECK(store->check_installed());
}

TEST_CASE("A wallet install answers for its shards and says which shard is missing for others", "[store]") {
    test::TempDir dir;
    const auto rel_dir = vt::releases().at(200);
    auto store = Store::open(dir / "store");
    REQUIRE(store);
    vt::install(*store, rel_dir, {3, 9});
    auto cur = store->installed();
    REQUIRE((cur && *cur));
    CHECK_FALSE((*cur)->full);
    CHECK((*cur)->shards == std::vector<std::uint32_t>{3, 9});
    CHECK(fs::exists(verifier::shard_path((*cur)->dir, 3)));
    CHECK_FALSE(fs::exists(verifier::shard_path((*cur)->dir, 4)));

    int held = 0, other = 0;
    for (const auto& [script, coins] : vt::expectations(rel_dir)) {
        auto shard = core::shard_of(script, 16);
        auto got = store->coins_for_script(script);
        if (shard == 3 || shard == 9) {
            REQUIRE(got);
            CHECK(vt::keys(*got) == coins);
            ++held;
        } else {
            REQUIRE_FALSE(got);
            CHECK(got.error().code == core::Errc::not_found);
            CHECK(got.error().message.find("shard " + std::to_string(shard) + " is not held") !=
                  std::string::npos);
            ++other;
        }
    }
    CHECK(held > 0);
    CHECK(other > 0);

    // The same release again with one more shard: the held ones are reused, not re-downloaded.
    auto rel = vt::stage(*store, rel_dir, {5});
    REQUIRE(store->install(rel.manifest, rel.bytes, {3, 5, 9}, false, {"alice"}));
    cur = store->installed();
    REQUIRE((cur && *cur));
    CHECK((*cur)->shards == std::vector<std::uint32_t>{3, 5, 9});
    CHECK(fs::exists(verifier::shard_path((*cur)->dir, 3)));
    CHECK(store->check_installed());
    CHECK(std::distance(fs::directory_iterator(dir / "store" / "releases" / "regtest"),
                        fs::directory_iterator()) == 1);
}

TEST_CASE("A tampered staged shard is refused and the previous installation stays", "[store]") {
    test::TempDir dir;
    auto store = Store::open(dir / "store");
    REQUIRE(store);
    vt::install(*store, vt::releases().at(150));
    auto before = store->installed();
    REQUIRE((before && *before));

    const auto rel_dir = vt::releases().at(200);
    auto rel = vt::stage(*store, rel_dir, vt::all_shards(vt::load_release(rel_dir).manifest));
    auto victim = verifier::shard_path(*store->staging_dir(rel.manifest), 7);
    auto bytes = test::read_file(victim);
    bytes[bytes.size() / 2] ^= 0x01;
    test::write_file(victim, bytes);
    auto s = store->install(rel.manifest, rel.bytes, vt::all_shards(rel.manifest), true, {});
    REQUIRE_FALSE(s);
    CHECK(s.error().code == core::Errc::mismatch);
    CHECK(s.error().message.find("00007.shard: SHA-256 is") != std::string::npos);

    auto after = store->installed();
    REQUIRE((after && *after));
    CHECK(after->value().manifest == before->value().manifest);
    CHECK(fs::exists(verifier::shard_path((*after)->dir, 7)));
    CHECK_FALSE(fs::exists(victim.parent_path().parent_path()));  // the refused staging is gone

    // A missing file, a wrong size and an older release are refused too.
    vt::stage(*store, rel_dir, vt::all_shards(rel.manifest));
    fs::remove(victim);
    s = store->install(rel.manifest, rel.bytes, vt::all_shards(rel.manifest), true, {});
    REQUIRE_FALSE(s);
    CHECK(s.error().code == core::Errc::not_found);
    bytes.pop_back();
    vt::stage(*store, rel_dir, vt::all_shards(rel.manifest));
    test::write_file(victim, bytes);
    s = store->install(rel.manifest, rel.bytes, vt::all_shards(rel.manifest), true, {});
    REQUIRE_FALSE(s);
    CHECK(s.error().message.find("the manifest says") != std::string::npos);
    auto old = vt::stage(*store, vt::releases().at(100), {0});
    s = store->install(old.manifest, old.bytes, {0}, false, {});
    REQUIRE_FALSE(s);
    CHECK(s.error().message.find("older than the installed release 150") != std::string::npos);
    // The untampered files install.
    vt::install(*store, rel_dir);
    CHECK(store->installed().value()->manifest.height.value == 200);
    CHECK_FALSE(fs::exists((*before)->dir));
}

TEST_CASE("store current() keeps the decoded release and sees an install by another process", "[store]") {
    test::TempDir dir;
    auto store = Store::open(dir / "store");
    REQUIRE(store);
    auto none = store->current();
    REQUIRE(none);
    CHECK_FALSE(*none);
    vt::install(*store, vt::releases().at(150));
    auto first = store->current();
    REQUIRE((first && *first));
    CHECK((*first)->manifest.height.value == 150);
    auto again = store->current();
    REQUIRE(again);
    CHECK(again->get() == first->get());  // nothing was written: the same decoded release

    // Another process installs release 200 while this handle stays open, as beside `serve`.
    const auto rel_dir = vt::releases().at(200);
    pid_t pid = fork();
    if (pid == 0) {
        auto other = Store::open(dir / "store");
        if (!other) _exit(2);
        auto rel = vt::load_release(rel_dir);
        auto shards = vt::all_shards(rel.manifest);
        vt::stage(*other, rel_dir, shards);
        _exit(other->install(rel.manifest, rel.bytes, shards, true, {"carol"}) ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);

    auto now = store->current();
    REQUIRE((now && *now));
    CHECK((*now)->manifest.height.value == 200);
    CHECK((*now)->authorities == std::vector<std::string>{"carol"});
    CHECK((*first)->manifest.height.value == 150);  // a holder of the old release keeps it intact
    vt::check_every_script_answers(*store, rel_dir);
    CHECK(store->installed().value()->manifest.height.value == 200);
}

// Patch chains end to end with the real binaries on 127.0.0.1: a store several releases behind
// moves forward release by release with the patches of the shards it holds, each release accepted
// by the trustnet and installed before the next, and downloads the new shards instead when a
// release in between is missing or not accepted.
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "chain_support.h"
#include "core/manifest.h"
#include "core/shard.h"
#include "fetch_world.h"

using namespace fetch_world;

namespace {

test::CommandResult chain_fetch(const fs::path& db, const Seeder& s,
                                const std::vector<std::string>& extra = {}, const std::string& env = "") {
    return run(env + " timeout -s KILL 120 " + sh_join(fetch_args(db, {&s}, extra, chain_world())));
}

void install_at(const fs::path& db, int height, const std::string& tag,
                const std::vector<std::string>& extra = {}) {
    auto& w = chain_world();
    Seeder s(serve_dir(tag, {height}, w.names, {}, w), {}, w);
    auto r = chain_fetch(db, s, extra);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    REQUIRE(store_status(db)["height"] == height);
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("A store three releases behind moves forward through the chain of patches", "[fetch][chain]") {
    auto& w = chain_world();
    test::TempDir db;
    install_at(db.path(), 400, "c400");
    Seeder s(serve_dir("c430", {410, 420, 430}, w.names, {}, w), {}, w);
    auto r = chain_fetch(db.path(), s);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("moved forward with patches to height 410 (1 of 3)") != std::string::npos);
    CHECK(r.out.find("moved forward with patches to height 420 (2 of 3)") != std::string::npos);
    CHECK(r.out.find("moved forward with patches to height 430 (3 of 3)") != std::string::npos);
    auto st = store_status(db.path());
    CHECK(st["height"] == 430);
    CHECK(shard_files(st["dir"].get<std::string>()) == shard_files(release_dir(w.releases("alice"), 430)));
    // Only the three releases' patch files came over the wire (allowing BitTorrent's end-game
    // duplicates), several times fewer bytes than the new shards.
    const std::uint64_t patches = patches_total(410, w) + patches_total(420, w) + patches_total(430, w);
    const std::uint64_t got = downloaded_bytes(r.out);
    WARN("full store, 3 releases: " << got << " bytes downloaded through the patch chain; the new shards are "
                                    << shards_total(430, w) << " bytes");
    CHECK(got >= patches);
    CHECK(got < patches * 3 / 2);
    CHECK(got * 2 < shards_total(430, w));
}

TEST_CASE("A wallet three releases behind downloads only the patches of its shards",
          "[fetch][chain][slow-e2e]") {
    auto& w = chain_world();
    test::TempDir db;
    const std::vector<std::uint32_t> mine{2, 9};
    std::vector<std::string> wallet{"--script", script_in_shard(400, 2), "--script", script_in_shard(400, 9)};
    install_at(db.path(), 400, "cw400", wallet);
    Seeder s(serve_dir("cw430", {410, 420, 430}, w.names, {}, w), {}, w);
    auto r = chain_fetch(db.path(), s);  // no addresses: the wallet store keeps its shards
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("moved forward with patches to height 430 (3 of 3)") != std::string::npos);
    auto st = store_status(db.path());
    CHECK(st["height"] == 430);
    CHECK(st["shards"] == nlohmann::json(mine));
    auto held = shard_files(st["dir"].get<std::string>());
    auto theirs = shard_files(release_dir(w.releases("alice"), 430));
    CHECK(held.size() == 2);
    for (const auto& [name, bytes] : held) CHECK(bytes == theirs.at(name));
    // The pieces that hold its two patch files in each release, not every patch.
    std::uint64_t expected = 0;
    for (int h : {410, 420, 430}) expected += wanted_patch_bytes(h, mine);
    const std::uint64_t got = downloaded_bytes(r.out);
    WARN("wallet of 2 of 16 shards, 3 releases: "
         << got << " bytes downloaded (the pieces of its patches: " << expected
         << "; all patches: " << patches_total(410, w) + patches_total(420, w) + patches_total(430, w)
         << "; its new shards: " << wanted_shard_bytes(430, mine) << ")");
    CHECK(got <= expected * 3 / 2);
    CHECK(got < wanted_shard_bytes(430, mine));
}

TEST_CASE("A release missing in between makes fetch download the new shards instead",
          "[fetch][chain][slow-e2e]") {
    auto& w = chain_world();
    test::TempDir db;
    install_at(db.path(), 400, "cm400");
    Seeder s(serve_dir("cm430", {410, 430}, w.names, {}, w), {}, w);  // 420 is not offered
    auto r = chain_fetch(db.path(), s, {"-v"});
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("patches from height 420, which is not offered and accepted by the trustnet") !=
          std::string::npos);
    CHECK(r.out.find("moved forward with patches") == std::string::npos);
    auto st = store_status(db.path());
    CHECK(st["height"] == 430);
    CHECK(shard_files(st["dir"].get<std::string>()) == shard_files(release_dir(w.releases("alice"), 430)));
    CHECK(downloaded_bytes(r.out) >= shards_total(430, w));
}

TEST_CASE("A release in between that the trustnet does not accept is not passed through",
          "[fetch][chain][slow-e2e]") {
    auto& w = chain_world();
    test::TempDir db;
    install_at(db.path(), 400, "cu400");
    serve_dir("cu430", {410, 430}, w.names, {}, w);
    auto root = serve_dir("cu430", {420}, {"alice", "bob"}, {}, w);  // carol has not signed 420
    Seeder s(root, {}, w);
    auto r = chain_fetch(db.path(), s, {"-v"});
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("release 430 patches from height 420, which is not offered and accepted") !=
          std::string::npos);
    CHECK(count(r.out, "moved forward with patches") == 0);
    CHECK(store_status(db.path())["height"] == 430);
    CHECK(downloaded_bytes(r.out) >= shards_total(430, w));
}

TEST_CASE("A crash in the middle of a patch chain leaves the release reached, and fetch goes on from it",
          "[fetch][chain]") {
    auto& w = chain_world();
    test::TempDir db;
    install_at(db.path(), 400, "ck400");
    Seeder s(serve_dir("ck430", {410, 420, 430}, w.names, {}, w), {}, w);
    // Dies right after the first step's switch: the store answers for 410, verified against 410's
    // own signed manifest.
    auto crashed = chain_fetch(db.path(), s, {}, "UTXO_VERIFIER_CRASH_AT=switched");
    INFO(crashed.out);
    CHECK(crashed.exit_code != 0);
    auto st = store_status(db.path());
    CHECK(st["height"] == 410);
    CHECK(shard_files(st["dir"].get<std::string>()) == shard_files(release_dir(w.releases("alice"), 410)));
    REQUIRE(run(verifier + " check --db " + q(db.path())).exit_code == 0);
    auto r = chain_fetch(db.path(), s);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("moved forward with patches to height 430 (2 of 2)") != std::string::npos);
    st = store_status(db.path());
    CHECK(st["height"] == 430);
    CHECK(shard_files(st["dir"].get<std::string>()) == shard_files(release_dir(w.releases("alice"), 430)));
}

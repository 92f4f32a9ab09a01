// verify_release on a release built by hand from random coins, then on tampered copies of it.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <random>

#include "core/hash_serialized.h"
#include "core/manifest.h"
#include "core/muhash.h"
#include "core/patch.h"
#include "core/sha256.h"
#include "core/shard.h"
#include "indexer/piece_hasher.h"
#include "indexer/torrent_maker.h"
#include "indexer/verify_release.h"
#include "test_support.h"

using namespace utxo;
namespace fs = std::filesystem;
using Record = std::pair<core::OutPoint, core::Coin>;

namespace {

constexpr core::Height kHeight{200};

core::Hash256 random_hash(std::mt19937_64& rng) {
    core::Hash256 h;
    for (auto& b : h.raw()) b = static_cast<std::uint8_t>(rng());
    return h;
}

// P2WPKH (stored raw) and P2PKH (a special compressed form), so both script encodings occur.
core::Coin random_coin(std::mt19937_64& rng, core::Height max_height = kHeight) {
    core::Coin c;
    c.height = core::Height{static_cast<std::uint32_t>(1 + rng() % max_height.value)};
    c.coinbase = rng() % 8 == 0;
    c.value = core::Amount{static_cast<std::int64_t>(rng() % 5'000'000'000)};
    if (rng() % 2) {
        c.script = {0x00, 0x14};
        for (int i = 0; i < 20; ++i) c.script.push_back(static_cast<std::uint8_t>(rng()));
    } else {
        c.script = {0x76, 0xa9, 0x14};
        for (int i = 0; i < 20; ++i) c.script.push_back(static_cast<std::uint8_t>(rng()));
        c.script.insert(c.script.end(), {0x88, 0xac});
    }
    return c;
}

struct Release {
    fs::path dir;
    core::Manifest m;
    std::vector<std::vector<Record>> shards;  // per shard, sorted
};

void write_shard(const fs::path& path, const core::Manifest& m, std::uint32_t i,
                 const std::vector<Record>& coins) {
    fs::remove(path);
    core::ShardHeader h;
    h.network = m.network;
    h.block = m.block;
    h.height = m.height;
    h.shard_index = i;
    h.shard_count = m.shard_count;
    auto w = core::ShardWriter::create(path, h);
    REQUIRE(w);
    for (const auto& [op, coin] : coins) REQUIRE(w->add(op, coin));
    REQUIRE(w->finish());
}

// Torrent over dir/<part>/<name_of(i)>, with our hasher; returns its infohash.
core::InfoHash write_torrent(const fs::path& dir, const std::string& part, std::uint32_t count,
                             std::string (*name_of)(std::uint32_t)) {
    indexer::PieceHasher hasher;
    for (std::uint32_t i = 0; i < count; ++i) {
        std::string rel = part + "/" + name_of(i);
        REQUIRE(hasher.hash_file(dir / rel, rel));
    }
    auto files = hasher.torrent_files();
    auto t = indexer::make_torrent(part, files, indexer::kPieceSize, hasher.finish());
    REQUIRE(t);
    test::write_file(dir / (part + ".torrent"), *t);
    return indexer::torrent_infohash(*t).value();
}

core::FileEntry file_entry(const fs::path& p) {
    auto bytes = test::read_file(p);
    return {bytes.size(), core::sha256(bytes)};
}

// Recomputes every number of the manifest from the shard coins and files on disk, rewrites the
// torrents and manifest.json. Tests call it after changing coins to get a self-consistent release.
void seal(Release& r) {
    core::Manifest& m = r.m;
    core::MuHash3072 full;
    std::vector<Record> all;
    m.coins = 0;
    m.total_amount = {};
    for (std::uint32_t i = 0; i < m.shard_count; ++i) {
        core::MuHash3072 mu;
        for (const auto& [op, coin] : r.shards[i]) {
            mu.insert_coin(op, coin);
            full.insert_coin(op, coin);
            m.total_amount.sat += coin.value.sat;
            all.emplace_back(op, coin);
        }
        auto fe = file_entry(r.dir / "shards" / core::shard_file_name(i));
        m.shards[i] = {r.shards[i].size(), fe.bytes, fe.sha256, mu.finalize()};
        m.coins += r.shards[i].size();
    }
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    core::HashSerialized3 hs;
    for (const auto& [op, coin] : all) REQUIRE(hs.add(op, coin));
    m.hash_serialized_3 = hs.finalize();
    m.muhash = full.finalize();
    m.shards_infohash = write_torrent(r.dir, "shards", m.shard_count, core::shard_file_name);
    if (m.patches) {
        for (std::uint32_t i = 0; i < m.shard_count; ++i)
            m.patches->files[i] = file_entry(r.dir / "patches" / core::patch_file_name(i));
        m.patches_infohash = write_torrent(r.dir, "patches", m.shard_count, core::patch_file_name);
    }
    std::ofstream(r.dir / "manifest.json", std::ios::binary | std::ios::trunc) << core::encode_manifest(m);
}

void write_patches(Release& r, std::mt19937_64& rng) {
    core::Manifest& m = r.m;
    m.patches = core::PatchSet{core::hash_cast<core::BlockHash>(random_hash(rng)), core::Height{150}, {}};
    m.patches->files.resize(m.shard_count);
    fs::create_directories(r.dir / "patches");
    for (std::uint32_t i = 0; i < m.shard_count; ++i) {
        core::Patch p;
        p.header.network = m.network;
        p.header.from_block = m.patches->from_block;
        p.header.from_height = m.patches->from_height;
        p.header.to_block = m.block;
        p.header.to_height = m.height;
        p.header.shard_index = i;
        p.header.shard_count = m.shard_count;
        for (int k = 0; k < 3; ++k) p.spent.push_back({core::hash_cast<core::Txid>(random_hash(rng)), 0});
        std::sort(p.spent.begin(), p.spent.end());
        for (std::size_t k = 0; k < std::min<std::size_t>(4, r.shards[i].size()); ++k)
            p.created.push_back(r.shards[i][k]);
        test::write_file(r.dir / "patches" / core::patch_file_name(i), core::encode_patch(p));
    }
}

Release build_release(const fs::path& root, bool with_patches, std::uint32_t shard_count = 4,
                      std::size_t coins = 600, std::uint64_t seed = 42, core::Height height = kHeight) {
    std::mt19937_64 rng(seed);
    Release r;
    r.m.network = core::Network::regtest;
    r.m.height = height;
    r.m.block = core::hash_cast<core::BlockHash>(random_hash(rng));
    r.m.shard_count = shard_count;
    r.m.piece_size = indexer::kPieceSize;
    r.m.shards.resize(shard_count);
    r.dir = root / "RELEASES" / "regtest" / core::release_dir_name(r.m.height, r.m.block);
    fs::create_directories(r.dir / "shards");
    r.shards.resize(shard_count);
    for (std::size_t k = 0; k < coins; ++k) {
        core::OutPoint op{core::hash_cast<core::Txid>(random_hash(rng)),
                          static_cast<std::uint32_t>(rng() % 4)};
        core::Coin c = random_coin(rng, height);
        r.shards[core::shard_of(c.script, shard_count)].emplace_back(op, std::move(c));
    }
    for (std::uint32_t i = 0; i < shard_count; ++i) {
        auto& s = r.shards[i];
        std::sort(s.begin(), s.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        write_shard(r.dir / "shards" / core::shard_file_name(i), r.m, i, s);
    }
    if (with_patches) write_patches(r, rng);
    seal(r);
    return r;
}

// The release at height 200 that follows `prev` (built at 150 in the same RELEASES root): in every
// shard the first two coins are spent and three new ones created, and its patches say exactly that.
Release build_successor(const Release& prev, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    Release r;
    r.m = prev.m;
    r.m.height = kHeight;
    r.m.block = core::hash_cast<core::BlockHash>(random_hash(rng));
    r.m.patches = core::PatchSet{prev.m.block, prev.m.height, {}};
    r.m.patches->files.resize(r.m.shard_count);
    r.dir = prev.dir.parent_path() / core::release_dir_name(r.m.height, r.m.block);
    fs::create_directories(r.dir / "shards");
    fs::create_directories(r.dir / "patches");
    std::vector<core::Patch> patches(r.m.shard_count);
    r.shards = prev.shards;
    for (std::uint32_t i = 0; i < r.m.shard_count; ++i) {
        auto& shard = r.shards[i];
        for (int k = 0; k < 2 && !shard.empty(); ++k) {
            patches[i].spent.push_back(shard.front().first);
            shard.erase(shard.begin());
        }
    }
    for (int made = 0; made < 3 * static_cast<int>(r.m.shard_count);) {
        core::OutPoint op{core::hash_cast<core::Txid>(random_hash(rng)), 0};
        core::Coin c = random_coin(rng);
        const std::uint32_t i = core::shard_of(c.script, r.m.shard_count);
        if (patches[i].created.size() == 3) continue;
        patches[i].created.emplace_back(op, c);
        r.shards[i].emplace_back(op, std::move(c));
        ++made;
    }
    for (std::uint32_t i = 0; i < r.m.shard_count; ++i) {
        auto by_outpoint = [](const auto& a, const auto& b) { return a.first < b.first; };
        std::sort(r.shards[i].begin(), r.shards[i].end(), by_outpoint);
        write_shard(r.dir / "shards" / core::shard_file_name(i), r.m, i, r.shards[i]);
        core::Patch& p = patches[i];
        p.header.network = r.m.network;
        p.header.from_block = prev.m.block;
        p.header.from_height = prev.m.height;
        p.header.to_block = r.m.block;
        p.header.to_height = r.m.height;
        p.header.shard_index = i;
        p.header.shard_count = r.m.shard_count;
        std::sort(p.spent.begin(), p.spent.end());
        std::sort(p.created.begin(), p.created.end(), by_outpoint);
        test::write_file(r.dir / "patches" / core::patch_file_name(i), core::encode_patch(p));
    }
    seal(r);
    return r;
}

void rewrite_manifest(const Release& r) {
    std::ofstream(r.dir / "manifest.json", std::ios::binary | std::ios::trunc) << core::encode_manifest(r.m);
}

void flip_byte(const fs::path& p, std::size_t from_end) {
    auto bytes = test::read_file(p);
    bytes[bytes.size() - from_end] ^= 0x20;
    test::write_file(p, bytes);
}

// The verdict must be a failure of kind `code` whose message contains `needle`.
void expect_failure(const fs::path& dir, const std::string& needle, core::Errc code = core::Errc::mismatch) {
    auto r = indexer::verify_release(dir);
    REQUIRE_FALSE(r);
    INFO(r.error().message);
    CHECK(r.error().code == code);
    CHECK(r.error().message.find(needle) != std::string::npos);
}

}  // namespace

TEST_CASE("verify_release accepts a correct release, with and without patches", "[release]") {
    test::TempDir tmp;
    for (bool patches : {false, true}) {
        Release r = build_release(tmp.path() / (patches ? "p" : "n"), patches);
        auto report = indexer::verify_release(r.dir);
        INFO((report ? "" : report.error().message));
        REQUIRE(report);
        CHECK(report->coins == 600);
        CHECK(report->files == (patches ? 8u : 4u));
        CHECK(report->checks.size() >= (patches ? 8u : 7u));
        for (const auto& line : report->checks) CHECK(line.find('\n') == std::string::npos);
        // A trailing slash names the same directory.
        CHECK(indexer::verify_release(r.dir.string() + "/"));
    }
}

TEST_CASE("verify_release: one shard release (a one-file torrent)", "[release]") {
    test::TempDir tmp;
    Release r = build_release(tmp.path(), true, 1, 50);
    auto report = indexer::verify_release(r.dir);
    INFO((report ? "" : report.error().message));
    CHECK(report);
}

TEST_CASE("verify_release names the file of every tampering", "[release]") {
    test::TempDir tmp;
    Release r = build_release(tmp.path(), true);
    const fs::path shards = r.dir / "shards";

    SECTION("a flipped byte in a shard") {
        flip_byte(shards / "00001.shard", 5);
        expect_failure(r.dir, "shards/00001.shard: sha256 is ");
    }
    SECTION("a changed coin, with file hashes and torrent redone to match") {
        r.shards[2][7].second.value.sat += 1;
        write_shard(shards / "00002.shard", r.m, 2, r.shards[2]);
        const auto shard_muhash = r.m.shards[2].muhash;
        const auto muhash = r.m.muhash;
        const auto hash_serialized_3 = r.m.hash_serialized_3;
        const auto total_amount = r.m.total_amount;
        seal(r);                              // recomputes everything ...
        r.m.shards[2].muhash = shard_muhash;  // ... then restore the old commitments
        r.m.muhash = muhash;
        r.m.hash_serialized_3 = hash_serialized_3;
        r.m.total_amount = total_amount;
        rewrite_manifest(r);
        expect_failure(r.dir, "shards/00002.shard: muhash is ");
    }
    SECTION("a missing shard") {
        fs::remove(shards / "00002.shard");
        expect_failure(r.dir, "shards/00002.shard: missing");
    }
    SECTION("a stray file") {
        test::write_file(shards / "extra.txt", core::as_bytes("x"));
        expect_failure(r.dir, "shards/extra.txt: not part of the release");
    }
    SECTION("a stray file among the patches") {
        test::write_file(r.dir / "patches" / "00009.patch", core::as_bytes("x"));
        expect_failure(r.dir, "patches/00009.patch: not part of the release");
    }
    SECTION("a shard's coin count in the manifest (and the sum, so the manifest stays consistent)") {
        r.m.shards[1].coins += 1;
        r.m.coins += 1;
        rewrite_manifest(r);
        expect_failure(r.dir, "shards/00001.shard: coins is ");
    }
    SECTION("the full set's coin count alone: the manifest contradicts itself") {
        r.m.coins += 1;
        rewrite_manifest(r);
        expect_failure(r.dir, "manifest.json: ", core::Errc::invalid);
    }
    SECTION("the total amount") {
        r.m.total_amount.sat -= 1;
        rewrite_manifest(r);
        expect_failure(r.dir, "manifest.json: full_set.total_amount is ");
    }
    SECTION("the full-set muhash") {
        r.m.muhash.raw()[0] ^= 1;
        rewrite_manifest(r);
        expect_failure(r.dir, "manifest.json: full_set.muhash is ");
    }
    SECTION("hash_serialized_3") {
        r.m.hash_serialized_3.raw()[31] ^= 1;
        rewrite_manifest(r);
        expect_failure(r.dir, "manifest.json: full_set.hash_serialized_3 is ");
    }
    SECTION("a shard's muhash") {
        r.m.shards[3].muhash = r.m.shards[0].muhash;
        rewrite_manifest(r);
        expect_failure(r.dir, "shards/00003.shard: muhash is ");
    }
    SECTION("a shard's size") {
        r.m.shards[0].bytes += 1;
        rewrite_manifest(r);
        expect_failure(r.dir, "shards/00000.shard: bytes is ");
    }
    SECTION("the shards torrent swapped for the patches torrent") {
        fs::copy_file(r.dir / "patches.torrent", r.dir / "shards.torrent",
                      fs::copy_options::overwrite_existing);
        expect_failure(r.dir, "shards.torrent: infohash is ");
    }
    SECTION("a torrent with a wrong piece hash, named by the manifest") {
        indexer::PieceHasher h;
        for (std::uint32_t i = 0; i < r.m.shard_count; ++i)
            REQUIRE(h.hash_file(shards / core::shard_file_name(i), "shards/" + core::shard_file_name(i)));
        auto files = h.torrent_files();
        auto pieces = h.finish();
        pieces.back().bytes()[0] ^= 1;
        auto t = indexer::make_torrent("shards", files, indexer::kPieceSize, pieces);
        REQUIRE(t);
        test::write_file(r.dir / "shards.torrent", *t);
        r.m.shards_infohash = indexer::torrent_infohash(*t).value();
        rewrite_manifest(r);
        expect_failure(r.dir,
                       fmt::format("shards.torrent: piece {} (starting in shards/", pieces.size() - 1));
    }
    SECTION("the torrent's infohash in the manifest") {
        r.m.patches_infohash = core::InfoHash::from_hex(std::string(40, 'a'));
        rewrite_manifest(r);
        expect_failure(r.dir, "patches.torrent: infohash is ");
    }
    SECTION("a missing torrent") {
        fs::remove(r.dir / "shards.torrent");
        expect_failure(r.dir, "shards.torrent: cannot open", core::Errc::io);
    }
    SECTION("a flipped byte in a patch") {
        flip_byte(r.dir / "patches" / "00002.patch", 3);
        expect_failure(r.dir, "patches/00002.patch: sha256 is ");
    }
    SECTION("patches that do not chain from the manifest's previous release") {
        r.m.patches->from_height = core::Height{149};
        rewrite_manifest(r);
        expect_failure(r.dir, "patches/00000.patch: from_height is 150, manifest says 149");
    }
    SECTION("a directory not named after the release") {
        fs::path other = r.dir.parent_path() / "200-0000";
        fs::rename(r.dir, other);
        expect_failure(other, "directory name is 200-0000");
    }
    SECTION("a non-canonical manifest") {
        std::ofstream(r.dir / "manifest.json", std::ios::app) << " ";
        auto v = indexer::verify_release(r.dir);
        REQUIRE_FALSE(v);
        CHECK(v.error().code != core::Errc::mismatch);
        CHECK(v.error().message.starts_with("manifest.json: "));
    }
}

TEST_CASE("verify_release replays the patches on the previous release beside it", "[release]") {
    test::TempDir tmp;
    Release prev = build_release(tmp.path(), false, 4, 400, 7, core::Height{150});
    Release r = build_successor(prev, 8);
    auto has_line = [](const indexer::VerifyReport& report, const std::string& needle) {
        return std::ranges::any_of(report.checks,
                                   [&](const std::string& l) { return l.find(needle) != std::string::npos; });
    };

    SECTION("patches that turn the previous shards into these pass, and say so") {
        auto report = indexer::verify_release(r.dir);
        INFO((report ? "" : report.error().message));
        REQUIRE(report);
        CHECK(has_line(*report, "patches/: applied to the 4 shards of " + prev.dir.filename().string()));
    }
    SECTION("without the previous release nothing is replayed, and the report says so") {
        fs::remove_all(prev.dir);
        auto report = indexer::verify_release(r.dir);
        REQUIRE(report);
        CHECK(has_line(*report, "patches/: not applied: the release they start from"));
    }
    SECTION("a consistent release whose patch spends a coin the previous shard lacks is refused") {
        core::Patch p = core::read_patch_file(r.dir / "patches" / "00001.patch").value();
        const core::OutPoint ghost{core::hash_cast<core::Txid>(core::Hash256{}), 5};
        p.spent.insert(p.spent.begin(), ghost);  // the all-zero txid sorts first
        test::write_file(r.dir / "patches" / "00001.patch", core::encode_patch(p));
        seal(r);  // every hash of the manifest and torrents matches the bad patch
        expect_failure(r.dir, "patches/00001.patch: applied to ");
        expect_failure(r.dir, "is not in the old shard");
        // The command says the same in one line and exits 1 (refused), not 2.
        auto out = test::run(test::q(test::bin("utxo-indexer")) + " verify-release " + test::q(r.dir));
        INFO(out.out);
        CHECK(out.exit_code == 1);
        CHECK(out.out.find("patches/00001.patch: applied to ") != std::string::npos);
    }
    SECTION("a shard with a coin its patch does not create is refused") {
        auto& shard = r.shards[2];
        std::mt19937_64 rng(9);
        core::Coin extra = random_coin(rng);
        while (core::shard_of(extra.script, r.m.shard_count) != 2) extra = random_coin(rng);
        shard.emplace_back(core::OutPoint{core::hash_cast<core::Txid>(random_hash(rng)), 1}, extra);
        std::sort(shard.begin(), shard.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        write_shard(r.dir / "shards" / "00002.shard", r.m, 2, shard);
        seal(r);
        expect_failure(r.dir, "patches/00002.patch: applied to ");
        expect_failure(r.dir, "but shards/00002.shard is ");
    }
}

TEST_CASE("verify_release: a patches torrent without patches is refused", "[release]") {
    test::TempDir tmp;
    Release r = build_release(tmp.path(), false);
    test::write_file(r.dir / "patches.torrent", core::as_bytes("d4:infodee"));
    expect_failure(r.dir, "patches.torrent: present, but the manifest has no patches");
}

TEST_CASE("verify_release cost on a larger release", "[.][bench]") {
    test::TempDir tmp;
    Release r = build_release(tmp.path(), false, 256, 400'000, 7);
    auto report = indexer::verify_release(r.dir);
    REQUIRE(report);
    WARN(
        fmt::format("{} files, {:.1f} MB, {} coins: pass 1 (read + SHA-256 + SHA-1) {:.3f} s = {:.0f} MB/s; "
                    "pass 2 (read + parse + merge + MuHash + hash_serialized_3) {:.3f} s = {:.0f} coins/s, "
                    "{:.0f} MB/s",
                    report->files, report->bytes / 1e6, report->coins, report->hash_seconds,
                    report->bytes / report->hash_seconds / 1e6, report->coins_seconds,
                    report->coins / report->coins_seconds, report->bytes / report->coins_seconds / 1e6));
}

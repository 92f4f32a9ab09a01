// Shared by the verifier tests: real releases cut by the real utxo-indexer (built once per build
// tree, tests/fixture_cache.h), staging a release into a store as fetch would, and expectations
// read from shard files.
#pragma once
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/address.h"
#include "core/file_io.h"
#include "core/manifest.h"
#include "core/sha256.h"
#include "core/shard.h"
#include "fixture_cache.h"
#include "test_support.h"
#include "verifier/store.h"

namespace vt {

namespace fs = std::filesystem;
using namespace utxo;

inline const std::string indexer = test::bin("utxo-indexer").string();
inline const std::string verifier = test::bin("utxo-verifier").string();

// A synthetic regtest chain of 200 blocks, indexed with releases at 50, 100, 150, 200 (16 shards);
// the indexer's store stays at 200 for export-core comparisons.
struct Releases {
    test::TempDir dir;
    fs::path db = dir / "indexer-db";
    fs::path root = dir / "releases";
    Releases() {
        test::cached_fixture("verifier-releases", {indexer}, dir.path(), [this] { build(); });
    }
    void build() {
        auto r = test::run(indexer + " synth --out " + test::q(dir / "chain.dat") +
                           " --blocks 200 --txs-per-block 20 --seed 7");
        INFO(r.out);
        REQUIRE(r.exit_code == 0);
        r = test::run(indexer + " run --source blocks:" + test::q(dir / "chain.dat") +
                      " --network regtest --db " + test::q(db) + " --releases " + test::q(root) +
                      " --release-every 50 --confirmations 1 --shards 16");
        INFO(r.out);
        REQUIRE(r.exit_code == 0);
    }
    fs::path at(int height) const {
        for (const auto& e : fs::directory_iterator(root / "regtest"))
            if (e.path().filename().string().starts_with(std::to_string(height) + "-")) return e.path();
        FAIL("no release at height " << height);
        return {};
    }
};

inline Releases& releases() {
    static Releases r;
    return r;
}

struct Release {
    core::Manifest manifest;
    std::string bytes;
};

inline Release load_release(const fs::path& dir) {
    auto bytes = core::read_small_file(dir / "manifest.json", 1 << 24);
    REQUIRE(bytes);
    auto m = core::decode_manifest(*bytes);
    REQUIRE(m);
    return Release{*m, *bytes};
}

inline std::vector<std::uint32_t> all_shards(const core::Manifest& m) {
    std::vector<std::uint32_t> out;
    for (std::uint32_t i = 0; i < m.shard_count; ++i) out.push_back(i);
    return out;
}

// What fetch does after downloading: the shard files in Store::staging_dir.
inline Release stage(verifier::Store& store, const fs::path& release_dir,
                     const std::vector<std::uint32_t>& shards) {
    auto rel = load_release(release_dir);
    auto stage_dir = store.staging_dir(rel.manifest);
    REQUIRE(stage_dir);
    for (auto i : shards)
        fs::copy_file(verifier::shard_path(release_dir, i), verifier::shard_path(*stage_dir, i),
                      fs::copy_options::overwrite_existing);
    return rel;
}

inline void install(verifier::Store& store, const fs::path& release_dir,
                    std::vector<std::uint32_t> shards = {},
                    std::vector<std::string> authorities = {"alice", "bob"}) {
    auto rel = load_release(release_dir);
    const bool full = shards.empty();
    if (full) shards = all_shards(rel.manifest);
    stage(store, release_dir, shards);
    auto s = store.install(rel.manifest, rel.bytes, shards, full, authorities);
    INFO((s ? "" : s.error().message));
    REQUIRE(s);
}

using CoinKey = std::tuple<std::string, std::uint32_t, std::int64_t, std::uint32_t, bool>;

inline CoinKey key_of(const core::OutPoint& op, const core::Coin& c) {
    return {op.txid.to_display_hex(), op.vout, c.value.sat, c.height.value, c.coinbase};
}

// Every coin of a release by script, read with the canonical ShardReader (independent of the
// store's raw scan).
inline std::map<core::Bytes, std::set<CoinKey>> expectations(const fs::path& release_dir) {
    auto rel = load_release(release_dir);
    std::map<core::Bytes, std::set<CoinKey>> out;
    for (std::uint32_t i = 0; i < rel.manifest.shard_count; ++i) {
        auto reader = core::ShardReader::open(verifier::shard_path(release_dir, i));
        REQUIRE(reader);
        while (true) {
            auto next = reader->next();
            REQUIRE(next);
            if (!*next) break;
            out[(*next)->second.script].insert(key_of((*next)->first, (*next)->second));
        }
    }
    return out;
}

inline std::set<CoinKey> keys(const std::vector<verifier::OwnedCoin>& coins) {
    std::set<CoinKey> out;
    for (const auto& c : coins) out.insert(key_of(c.outpoint, c.coin));
    return out;
}

// Every script of the release answers, by script and by its SHA-256, exactly the release's coins;
// returns how many coins that was.
inline std::size_t check_every_script_answers(verifier::Store& store, const std::filesystem::path& rel_dir) {
    std::size_t total = 0;
    for (const auto& [script, coins] : expectations(rel_dir)) {
        auto got = store.coins_for_script(script);
        REQUIRE(got);
        CHECK(keys(*got) == coins);
        auto by_hash = store.coins_for_script_hash(utxo::core::sha256(script));
        REQUIRE(by_hash);
        CHECK(keys(*by_hash) == coins);
        total += coins.size();
    }
    return total;
}

}  // namespace vt

// The store's write batch keeps freshly created coins in memory and its per-shard totals on a
// second core. Neither may change any result: stores built from the same synthetic chain with a
// cache that is written out after every block, one that is never written out before commit, and a
// commit per block must be identical in every figure, per shard too, before and after undo.
#include <catch2/catch.hpp>

#include "core/lmdb.h"
#include "indexer/synth.h"
#include "indexer/utxo_store.h"
#include "test_support.h"

using namespace utxo;
using namespace utxo::core;
using namespace utxo::indexer;

namespace {

std::vector<Block> synthetic_chain() {
    std::vector<Block> blocks;
    auto s = indexer::generate_chain({.blocks = 160, .txs_per_block = 30, .seed = 5},
                                     [&](const Block& b) -> Status {
                                         blocks.push_back(b);
                                         return {};
                                     });
    REQUIRE(s);
    return blocks;
}

struct Figures {
    std::uint64_t coins = 0;
    std::int64_t total = 0;
    std::string muhash, hash3;
    std::optional<ChainTip> tip;
    std::vector<std::tuple<std::uint64_t, std::int64_t, std::string>> shards;
    std::size_t spent_since = 0, created_since = 0;
    bool operator==(const Figures&) const = default;
};

// Every figure of the store, and the per-shard totals checked against a recount of its coins.
Figures figures_of(UtxoStore& store) {
    Figures f;
    auto st = store.state();
    REQUIRE(st);
    f.coins = st->coins;
    f.total = st->total.sat;
    f.muhash = st->muhash.finalize().to_display_hex();
    f.tip = st->tip;
    auto h3 = store.hash_serialized_3();
    REQUIRE(h3);
    f.hash3 = h3->to_display_hex();
    auto kept = store.shard_totals();
    REQUIRE(kept);
    REQUIRE(kept->size() == kStoreShardCount);
    std::vector<ShardTotals> recount(kStoreShardCount);
    auto walk = store.for_each_coin([&](const OutPoint& op, const Coin& c) -> Result<bool> {
        ShardTotals& t = recount[shard_of(c.script, kStoreShardCount)];
        ++t.coins;
        t.total.sat += c.value.sat;
        t.muhash.insert_coin(op, c);
        return true;
    });
    REQUIRE(walk);
    MuHash3072 product;
    for (std::uint32_t i = 0; i < kStoreShardCount; ++i) {
        CAPTURE(i);
        const ShardTotals& k = (*kept)[i];
        CHECK(k.coins == recount[i].coins);
        CHECK(k.total == recount[i].total);
        CHECK(k.muhash.finalize() == recount[i].muhash.finalize());
        product *= k.muhash;
        f.shards.emplace_back(k.coins, k.total.sat, k.muhash.finalize().to_display_hex());
    }
    CHECK(product.finalize() == st->muhash.finalize());
    if (st->tip && st->tip->height.value > 120) {
        auto changes = store.changes_since(st->tip->height.minus(20));
        REQUIRE(changes);
        f.spent_since = changes->spent.size();
        f.created_since = changes->created.size();
    }
    return f;
}

enum class Mode { flush_every_block, one_batch, commit_every_block };

Figures build(const std::filesystem::path& dir, const std::vector<Block>& blocks, Mode mode,
              std::size_t undo) {
    StoreOptions options;
    if (mode == Mode::flush_every_block) options.cache_bytes = 0;
    auto store = UtxoStore::open(dir, Network::regtest, options);
    REQUIRE(store);
    std::optional<WriteBatch> batch;
    auto begin = [&] {
        auto b = store->begin_write();
        REQUIRE(b);
        batch.reset();
        batch.emplace(std::move(*b));
    };
    begin();
    for (const Block& b : blocks) {
        REQUIRE(batch->apply_block(b));
        if (mode == Mode::commit_every_block) {
            REQUIRE(batch->commit());
            batch.reset();
            begin();
        }
    }
    // Undo in the same batch as the blocks (the cache still holds their coins unless flushed).
    for (std::size_t i = 0; i < undo; ++i) REQUIRE(batch->undo_tip());
    REQUIRE(batch->commit());
    return figures_of(*store);
}

}  // namespace

TEST_CASE("The coin cache and the per-shard totals change no figure of the store") {
    const auto blocks = synthetic_chain();
    test::TempDir dir;
    for (std::size_t undo : {std::size_t{0}, std::size_t{7}}) {
        CAPTURE(undo);
        Figures a = build(dir / ("flush" + std::to_string(undo)), blocks, Mode::flush_every_block, undo);
        Figures b = build(dir / ("batch" + std::to_string(undo)), blocks, Mode::one_batch, undo);
        Figures c = build(dir / ("commit" + std::to_string(undo)), blocks, Mode::commit_every_block, undo);
        CHECK(a.tip->height.value == 160 - undo);
        CHECK(a.coins > 1000);
        CHECK(a.spent_since > 0);
        CHECK(a == b);
        CHECK(a == c);
    }
}

TEST_CASE("A store of another format is refused with a clear message and left as it was") {
    test::TempDir dir;
    {
        auto store = UtxoStore::open(dir.path(), Network::regtest);
        REQUIRE(store);
    }
    {  // make it look like a store of format 1
        auto env = lmdb::Env::open(dir.path(), {});
        REQUIRE(env);
        auto txn = lmdb::Txn::begin(*env, true);
        REQUIRE(txn);
        auto meta = lmdb::open_db(*txn, "meta", false);
        REQUIRE(meta);
        Bytes one;
        Writer(one).u32(1);
        REQUIRE(lmdb::put(*txn, *meta, as_bytes(std::string_view("format")), one));
        REQUIRE(txn->commit());
    }
    auto again = UtxoStore::open_existing(dir.path());
    REQUIRE_FALSE(again);
    CHECK(again.error().message.find("format 1") != std::string::npos);
    CHECK(again.error().message.find("format 2") != std::string::npos);
}

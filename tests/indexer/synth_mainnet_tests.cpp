// synth --profile mainnet: the profile's shares measured on 200,000 coins, same seed same bytes,
// the snapshot read back by the real import-core (and written back byte for byte by export-core),
// and the continuing chain applied by the real `run` to the imported store.
#include <catch2/catch.hpp>
#include <cmath>
#include <regex>

#include "core/script.h"
#include "core/snapshot.h"
#include "core/transaction.h"
#include "indexer/chain_source.h"
#include "indexer/synth_continue.h"
#include "indexer/synth_profile.h"
#include "test_support.h"

using test::q;
using test::run;
namespace ix = utxo::indexer;
namespace mp = utxo::indexer::mainnet_profile;
using utxo::core::Height;

namespace {

const std::string indexer = test::bin("utxo-indexer").string();

// Within 4 standard deviations of a share measured on n draws, plus `slack` ppm.
void check_share(std::uint64_t hits, std::uint64_t n, std::uint32_t expected_ppm, double slack_ppm = 100) {
    const double p = expected_ppm / 1e6;
    const double measured = double(hits) / double(n);
    const double tolerance = 4 * std::sqrt(p * (1 - p) / double(n)) + slack_ppm / 1e6;
    INFO("measured " << measured << ", expected " << p << " +- " << tolerance);
    CHECK(std::abs(measured - p) <= tolerance);
}

struct Measured {
    std::uint64_t coins = 0, txids = 0, plain_coins = 0, under_1000 = 0, coinbase_txids = 0, single_txids = 0;
    std::uint64_t recent_txids = 0;  // non-coinbase txids in the last fifth of the heights
    std::array<std::uint64_t, mp::kScriptKinds> kinds{};
    std::int64_t total = 0;
    std::uint32_t max_height = 0, min_height = UINT32_MAX;
    std::uint8_t last_txid_first_byte = 0;
};

Measured measure(const std::filesystem::path& snapshot, Height base) {
    auto reader = utxo::core::SnapshotReader::open(snapshot, base);
    REQUIRE(reader);
    Measured m;
    std::optional<utxo::core::Txid> last;
    std::uint32_t group = 0;
    auto end_group = [&] { m.single_txids += group == 1; };
    while (true) {
        auto next = reader->next();
        REQUIRE(next);
        if (!*next) break;
        const auto& [op, coin] = **next;
        if (!last || *last != op.txid) {
            if (last) end_group();
            group = 0;
            ++m.txids;
            m.coinbase_txids += coin.coinbase;
            m.recent_txids += !coin.coinbase && coin.height.value > base.value * 8 / 10;
            m.last_txid_first_byte = op.txid.raw()[0];
        }
        last = op.txid;
        ++group;
        ++m.coins;
        m.total += coin.value.sat;
        m.max_height = std::max(m.max_height, coin.height.value);
        m.min_height = std::min(m.min_height, coin.height.value);
        if (coin.coinbase) {
            CHECK(coin.value == mp::mainnet_subsidy(coin.height));
            if (coin.height.value < mp::kEarlyCoinbaseBelow)
                CHECK(mp::classify(coin.script) == mp::ScriptKind::p2pk_uncompressed);
            continue;
        }
        ++m.plain_coins;
        m.under_1000 += coin.value.sat < 1000;
        ++m.kinds[static_cast<std::size_t>(mp::classify(coin.script))];
    }
    end_group();
    return m;
}

// The two summary lines synth prints (cli_synth.cpp).
struct Printed {
    std::uint64_t coins = 0, created = 0, spent = 0;
    std::int64_t total = 0, subsidy = 0;
};
Printed parse_synth_output(const std::string& out) {
    Printed p;
    std::smatch m;
    REQUIRE(std::regex_search(out, m, std::regex(R"(: (\d+) coins in \d+ txids .* total (\d+) sat)")));
    p.coins = std::stoull(m[1]);
    p.total = std::stoll(m[2]);
    if (std::regex_search(out, m, std::regex(R"(coins \+(\d+) -(\d+); subsidy (\d+) sat)"))) {
        p.created = std::stoull(m[1]);
        p.spent = std::stoull(m[2]);
        p.subsidy = std::stoll(m[3]);
    }
    return p;
}

nlohmann::json stats_json(const std::filesystem::path& db) {
    auto r = run(indexer + " stats --json --db " + q(db));
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
}

}  // namespace

TEST_CASE("mainnet profile: 200,000 coins have the profile's shares") {
    test::TempDir dir;
    const Height base{920'000};
    ix::SnapshotSynthOptions o{200'000, base, 42};
    auto sum = ix::write_mainnet_snapshot(o, dir / "s.utxo");
    REQUIRE(sum);
    Measured m = measure(dir / "s.utxo", base);

    CHECK(m.coins == 200'000);
    CHECK(sum->coins == m.coins);
    CHECK(sum->txids == m.txids);
    CHECK(sum->total.sat == m.total);
    CHECK(m.min_height >= 1);
    CHECK(m.max_height <= base.value);
    CHECK(int{m.last_txid_first_byte} >= 0xe0);  // the txids span the whole space

    for (const auto& share : mp::kScriptShares) {
        INFO(mp::script_kind_name(share.what));
        check_share(m.kinds[static_cast<std::size_t>(share.what)], m.plain_coins, share.ppm);
    }
    check_share(m.under_1000, m.plain_coins, mp::kUnder1000SatPpm);
    CHECK(m.under_1000 * 100 / m.plain_coins >= 45);  // "about half under 1,000 sat"
    CHECK(m.under_1000 * 100 / m.plain_coins <= 55);
    check_share(m.coinbase_txids, m.txids, mp::kCoinbaseTxidPpm);
    CHECK(m.coinbase_txids > 100);
    check_share(m.recent_txids, m.txids - m.coinbase_txids, mp::kHeightBands.back().ppm, 2000);
    check_share(m.single_txids, m.txids, mp::kCoinsPerTxid[0].ppm + mp::kCoinbaseTxidPpm, 2000);
    const double per_txid = double(m.coins) / double(m.txids);
    CHECK(per_txid > 1.45);
    CHECK(per_txid < 1.7);
    // Mainnet's ~20 M BTC over ~180 M coins is ~0.11 BTC a coin; the profile stays near it.
    const double btc_per_coin = double(m.total) / double(m.coins) / 1e8;
    CHECK(btc_per_coin > 0.03);
    CHECK(btc_per_coin < 0.3);
}

TEST_CASE("mainnet profile: draws are in their bands") {
    ix::SynthRng rng(3);
    utxo::core::Bytes script;
    for (int i = 0; i < 2000; ++i) {
        for (const auto& share : mp::kScriptShares) {
            mp::make_script(share.what, rng, script);
            INFO(mp::script_kind_name(share.what));
            CHECK(mp::classify(script) == share.what);
            CHECK(!utxo::core::is_unspendable(script));
        }
        const auto v = mp::draw_value(rng);
        CHECK(v.sat >= 1);
        CHECK(v.sat < 10'000'000'000);
        const auto h = mp::draw_height(rng, Height{1000});
        CHECK(h.value >= 1);
        CHECK(h.value <= 1000);
        const auto n = mp::draw_count(rng, mp::kInputsPerTx);
        CHECK(n >= 1);
        CHECK(n <= 200);
    }
    CHECK(mp::mainnet_subsidy(Height{0}).sat == 50 * utxo::core::kCoin);
    CHECK(mp::mainnet_subsidy(Height{840'000}).sat == 312'500'000);
}

TEST_CASE(
    "synth --profile mainnet: same seed gives same bytes, and the two-step chain equals the one-step one") {
    test::TempDir dir;
    auto synth = [&](const std::string& name, int seed) {
        auto r = run(indexer + " synth --profile mainnet --snapshot-out " + q(dir / (name + ".utxo")) +
                     " --coins 20000 --base-height 5000 --out " + q(dir / (name + ".dat")) +
                     " --blocks 3 --txs-per-block 300 --seed " + std::to_string(seed));
        INFO(r.out);
        REQUIRE(r.exit_code == 0);
    };
    synth("a", 5);
    synth("b", 5);
    synth("c", 6);
    CHECK(test::read_file(dir / "a.utxo") == test::read_file(dir / "b.utxo"));
    CHECK(test::read_file(dir / "a.dat") == test::read_file(dir / "b.dat"));
    CHECK(test::read_file(dir / "a.utxo") != test::read_file(dir / "c.utxo"));
    CHECK(test::read_file(dir / "a.dat") != test::read_file(dir / "c.dat"));

    auto r =
        run(indexer + " synth --profile mainnet --continue-from " + q(dir / "a.utxo") +
            " --base-height 5000 --out " + q(dir / "d.dat") + " --blocks 3 --txs-per-block 300 --seed 5");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(test::read_file(dir / "a.dat") == test::read_file(dir / "d.dat"));

    SECTION("a wrong seed or base height for --continue-from is refused") {
        auto bad = run(indexer + " synth --profile mainnet --continue-from " + q(dir / "a.utxo") +
                       " --base-height 5000 --out " + q(dir / "e.dat") + " --blocks 3 --seed 6");
        CHECK(bad.exit_code == 2);
        CHECK(bad.out.find("give the --seed and --base-height it was written with") != std::string::npos);
        CHECK(!std::filesystem::exists(dir / "e.dat"));
    }
    SECTION("usage errors exit 2") {
        CHECK(run(indexer + " synth --profile mainnet --seed 1").exit_code == 2);
        CHECK(run(indexer + " synth --profile mainnet --snapshot-out " + q(dir / "x") + " --seed 1")
                  .exit_code == 2);
        CHECK(
            run(indexer + " synth --coins 5 --out " + q(dir / "y") + " --blocks 1 --txs-per-block 1 --seed 1")
                .exit_code == 2);
        CHECK(run(indexer + " synth --profile mainnet --snapshot-out " + q(dir / "a.utxo") +
                  " --coins 10 --seed 1")
                  .exit_code == 2);  // exists
    }
}

TEST_CASE(
    "the synthetic snapshot imports with import-core, exports byte for byte, and run applies the chain") {
    test::TempDir dir;
    const auto snapshot = dir / "s.utxo", chain = dir / "chain.dat", db = dir / "db";
    auto r = run(indexer + " synth --profile mainnet --snapshot-out " + q(snapshot) +
                 " --coins 30000 --base-height 1000 --out " + q(chain) +
                 " --blocks 6 --txs-per-block 400 --seed 9");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    const Printed printed = parse_synth_output(r.out);
    CHECK(printed.coins == 30'000);
    CHECK(printed.spent > 6 * 300);

    auto imp = run(indexer + " import-core " + q(snapshot) + " --db " + q(db) + " --height 1000");
    INFO(imp.out);
    REQUIRE(imp.exit_code == 0);
    auto before = stats_json(db);
    CHECK(before["height"] == 1000);
    CHECK(before["coins"] == printed.coins);
    CHECK(before["total_amount"] == printed.total);

    // export-core writes what Core's dumptxoutset writes for this set: the very same bytes.
    auto exp = run(indexer + " export-core --db " + q(db) + " --out " + q(dir / "again.utxo"));
    INFO(exp.out);
    REQUIRE(exp.exit_code == 0);
    CHECK(test::read_file(dir / "again.utxo") == test::read_file(snapshot));

    auto ran = run(indexer + " run --source blocks:" + q(chain) + " --network regtest --db " + q(db) +
                   " --releases " + q(dir / "releases") + " --release-every 144 --confirmations 1");
    INFO(ran.out);
    REQUIRE(ran.exit_code == 0);
    CHECK(ran.out.find("done: 6 blocks applied") != std::string::npos);
    auto after = stats_json(db);
    CHECK(after["height"] == 1006);
    CHECK(after["coins"] == printed.coins + printed.created - printed.spent);
    CHECK(after["total_amount"] == printed.total + printed.subsidy);

    // A second run finds the store at the file's end and applies nothing.
    auto again = run(indexer + " run --source blocks:" + q(chain) + " --network regtest --db " + q(db) +
                     " --releases " + q(dir / "releases") + " --release-every 144 --confirmations 1");
    INFO(again.out);
    CHECK(again.exit_code == 0);
    CHECK(again.out.find("done: 0 blocks applied") != std::string::npos);
}

TEST_CASE("blocks: source continues from an anchor when the file has no genesis") {
    test::TempDir dir;
    const Height base{700};
    ix::MainnetSynthOptions o;
    o.snapshot_out = dir / "s.utxo";
    o.coins = 5000;
    o.base_height = base;
    o.chain_out = dir / "c.dat";
    o.chain = {4, 50, 11};
    auto sum = ix::synth_mainnet(o);
    REQUIRE(sum);
    REQUIRE(sum->chain);

    ix::SourceOptions so;
    so.spec = "blocks:" + o.chain_out.string();
    so.network = utxo::core::Network::regtest;
    auto plain = ix::open_chain_source(so);
    REQUIRE(!plain);
    CHECK(plain.error().message.find("do not start with regtest's genesis block") != std::string::npos);

    std::optional<ix::SourceAnchor> anchor =
        ix::SourceAnchor{base, sum->snapshot.base_block};  // a store's tip
    auto src = ix::open_chain_source(so, anchor);
    REQUIRE(src);
    auto tip = (*src)->tip_height();
    REQUIRE(tip);
    CHECK(tip->value == base.value + 4);
    CHECK(*(*src)->block_hash(base) == sum->snapshot.base_block);
    CHECK(*(*src)->block_hash(Height{base.value + 4}) == sum->chain->tip);
    CHECK(!(*src)->block_hash(Height{base.value - 1}));
    auto blocks = (*src)->blocks(Height{base.value + 1}, 4);
    REQUIRE(blocks);
    REQUIRE(blocks->size() == 4);
    auto first = utxo::core::parse_block(blocks->front());
    REQUIRE(first);
    CHECK(first->header.prev_block == sum->snapshot.base_block);
    CHECK(!(*src)->blocks(Height{base.value}, 1));

    anchor->hash = utxo::core::BlockHash{};  // a tip the file does not continue
    anchor->hash.raw()[0] = 1;
    auto other = ix::open_chain_source(so, anchor);
    REQUIRE(!other);
    CHECK(other.error().message.find("nor continue the store's tip") != std::string::npos);
}

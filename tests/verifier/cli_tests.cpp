// The query commands and export-core through the real utxo-verifier binary.
#include "verifier_fixture.h"

using namespace utxo;
using test::q;
using test::run;
using verifier::Store;
namespace fs = std::filesystem;

namespace {

fs::path installed_store(const test::TempDir& dir, std::vector<std::uint32_t> shards = {}) {
    auto store = Store::open(dir / "store");
    REQUIRE(store);
    vt::install(*store, vt::releases().at(200), shards);
    return dir / "store";
}

}  // namespace

TEST_CASE("utxos and balance print what the shard files hold", "[cli]") {
    test::TempDir dir;
    const auto db = installed_store(dir);
    const auto expected = vt::expectations(vt::releases().at(200));
    int checked = 0;
    for (const auto& [script, coins] : expected) {
        auto addr = core::script_to_address(script, core::Network::regtest);
        const std::string target = addr ? " --address " + *addr : " --script " + core::to_hex(script);
        auto r = run(vt::verifier + " utxos --json --db " + q(db) + target);
        INFO(r.out);
        REQUIRE(r.exit_code == 0);
        std::set<vt::CoinKey> got;
        for (const auto& c : nlohmann::json::parse(r.out)) {
            CHECK(c["script_pubkey"] == core::to_hex(script));
            got.insert({c["txid"].get<std::string>(), c["vout"].get<std::uint32_t>(),
                        c["value"].get<std::int64_t>(), c["height"].get<std::uint32_t>(),
                        c["coinbase"].get<bool>()});
        }
        CHECK(got == coins);
        std::int64_t sum = 0;
        for (const auto& c : coins) sum += std::get<2>(c);
        auto b = run(vt::verifier + " balance --json --db " + q(db) + target);
        REQUIRE(b.exit_code == 0);
        auto j = nlohmann::json::parse(b.out);
        CHECK(j["value"] == sum);
        CHECK(j["coins"] == coins.size());
        auto text = run(vt::verifier + " balance --db " + q(db) + target);
        CHECK(text.out.find(std::to_string(sum) + " sat in " + std::to_string(coins.size()) + " coins") !=
              std::string::npos);
        if (++checked == 25) break;
    }
    auto bad =
        run(vt::verifier + " utxos --db " + q(db) + " --address bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
    CHECK(bad.exit_code == 2);
    CHECK(bad.out.starts_with("utxo-verifier: address bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4: "));
    CHECK(run(vt::verifier + " utxos --db " + q(db)).exit_code == 2);
    CHECK(run(vt::verifier + " utxos --db " + q(dir / "empty") + " --script 51").exit_code == 2);
}

TEST_CASE("status shows the release, the mode and the authorities", "[cli]") {
    test::TempDir dir;
    const auto db = installed_store(dir, {2, 11});
    auto r = run(vt::verifier + " status --db " + q(db));
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    const auto rel = vt::load_release(vt::releases().at(200));
    CHECK(r.out.find("height       200") != std::string::npos);
    CHECK(r.out.find(rel.manifest.block.to_display_hex()) != std::string::npos);
    CHECK(r.out.find("wallet (2 of 16 shards: 2,11)") != std::string::npos);
    CHECK(r.out.find("authorities  alice, bob") != std::string::npos);
    CHECK(r.out.find("(0 minutes ago; release at block 200)") != std::string::npos);
    auto j = nlohmann::json::parse(run(vt::verifier + " status --json --db " + q(db)).out);
    CHECK(j["network"] == "regtest");
    CHECK(j["full"] == false);
    CHECK(j["shards"] == nlohmann::json::array({2, 11}));
    CHECK(run(vt::verifier + " check --db " + q(db)).exit_code == 0);
}

TEST_CASE("export-core is byte-identical to the indexer's and imports to the same stats", "[cli][export]") {
    test::TempDir dir;
    const auto db = installed_store(dir);
    auto r = run(vt::verifier + " export-core --db " + q(db) + " --out " + q(dir / "ours.dat"));
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    auto theirs =
        run(vt::indexer + " export-core --db " + q(vt::releases().db) + " --out " + q(dir / "theirs.dat"));
    INFO(theirs.out);
    REQUIRE(theirs.exit_code == 0);
    CHECK(test::read_file(dir / "ours.dat") == test::read_file(dir / "theirs.dat"));

    REQUIRE(
        run(vt::indexer + " import-core " + q(dir / "ours.dat") + " --height 200 --db " + q(dir / "imported"))
            .exit_code == 0);
    auto a = nlohmann::json::parse(run(vt::indexer + " stats --json --db " + q(dir / "imported")).out);
    auto b = nlohmann::json::parse(run(vt::indexer + " stats --json --db " + q(vt::releases().db)).out);
    CHECK(a == b);

    auto again = run(vt::verifier + " export-core --db " + q(db) + " --out " + q(dir / "ours.dat"));
    CHECK(again.exit_code == 2);  // never overwrites
    test::TempDir wdir;
    const auto wallet = installed_store(wdir, {1});
    auto w = run(vt::verifier + " export-core --db " + q(wallet) + " --out " + q(wdir / "x.dat"));
    CHECK(w.exit_code == 2);
    CHECK(w.out.find("export-core needs a full store") != std::string::npos);
    CHECK_FALSE(fs::exists(wdir / "x.dat"));
}

// The query commands, check and export-core through the real utxo-verifier binary, with the
// conventions of every read-only command: --json, and no store made for a mistyped --db.
#include "cli/cli_test_support.h"
#include "verifier/cli_fetch_events.h"
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
        if (++checked == (test::sanitizer_tree() ? 5 : 25)) break;  // 3 processes each, slow under ASan
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

TEST_CASE("read-only commands refuse a --db without a store and leave nothing behind", "[cli]") {
    test::TempDir dir;
    const fs::path typo = dir / "typo", empty = dir / "empty";
    fs::create_directories(empty);  // a directory that exists, but holds no store
    for (const auto& db : {typo, empty}) {
        const std::vector<std::string> commands = {" status --db ",
                                                   " status --json --db ",
                                                   " check --db ",
                                                   " utxos --script 51 --db ",
                                                   " balance --script 51 --db ",
                                                   " export-core --out " + q(dir / "out.dat") + " --db ",
                                                   " serve --http 127.0.0.1:0 --db "};
        for (const auto& command : commands) {
            auto r = clitest::run(vt::verifier + command + q(db));
            INFO(command << db);
            CHECK(r.exit_code == 2);
            CHECK(r.out.empty());
            CHECK(r.err ==
                  "utxo-verifier: " + db.string() + ": no store here (run `utxo-verifier fetch` first)\n");
        }
        CHECK_FALSE(fs::exists(dir / "out.dat"));
    }
    CHECK_FALSE(fs::exists(typo));
    CHECK(fs::is_empty(empty));
}

TEST_CASE("check --json and export-core --json: one object with every figure, a mismatch is ok false",
          "[cli]") {
    test::TempDir dir;
    const auto db = installed_store(dir);
    const auto rel = vt::load_release(vt::releases().at(200));
    const auto& m = rel.manifest;

    auto r = clitest::run(vt::verifier + " check --json --db " + q(db));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = clitest::json_object(r.out);
    CHECK(clitest::keys(j) ==
          std::vector<std::string>{"ok", "network", "height", "block_hash", "full", "shards", "coins"});
    CHECK(j["ok"] == true);
    CHECK(j["network"] == "regtest");
    CHECK(j["height"] == 200);
    CHECK(j["block_hash"] == m.block.to_display_hex());
    CHECK(j["full"] == true);
    CHECK(j["shards"] == m.shard_count);
    CHECK(j["coins"] == m.coins);

    auto e =
        clitest::run(vt::verifier + " export-core --json --db " + q(db) + " --out " + q(dir / "set.dat"));
    INFO(e.err);
    REQUIRE(e.exit_code == 0);
    auto x = clitest::json_object(e.out);
    CHECK(clitest::keys(x) == std::vector<std::string>{"ok", "file", "bytes", "network", "height",
                                                       "block_hash", "coins", "hash_serialized_3", "seconds",
                                                       "coins_per_second"});
    CHECK(x["ok"] == true);
    CHECK(x["file"] == (dir / "set.dat").string());
    CHECK(x["bytes"] == fs::file_size(dir / "set.dat"));
    CHECK(x["height"] == 200);
    CHECK(x["coins"] == m.coins);
    CHECK(x["hash_serialized_3"] == m.hash_serialized_3.to_display_hex());
    CHECK(x["seconds"].get<double>() >= 0);

    // A wallet store: the held shards only.
    test::TempDir wdir;
    const auto wallet = installed_store(wdir, {2, 11});
    auto w = clitest::json_object(clitest::run(vt::verifier + " check --json --db " + q(wallet)).out);
    CHECK(w["full"] == false);
    CHECK(w["shards"] == 2);
    CHECK(w["coins"] == m.shards[2].coins + m.shards[11].coins);

    // A held file that no longer matches its manifest: exit 1, the verdict as JSON on stdout.
    const auto status = clitest::json_object(clitest::run(vt::verifier + " status --json --db " + q(db)).out);
    const fs::path shard = fs::path(status["dir"].get<std::string>()) / "shards" / "00003.shard";
    auto bytes = test::read_file(shard);
    REQUIRE(bytes.size() > 100);
    bytes[bytes.size() - 3] ^= 0x5a;
    test::write_file(shard, bytes);
    auto bad = clitest::run(vt::verifier + " check --json --db " + q(db));
    CHECK(bad.exit_code == 1);
    auto refusal = clitest::json_object(bad.out);
    CHECK(clitest::keys(refusal) == std::vector<std::string>{"ok", "error"});
    CHECK(refusal["ok"] == false);
    CHECK(bad.err == "utxo-verifier: " + refusal["error"].get<std::string>() + "\n");
    CHECK(refusal["error"].get<std::string>().find("00003.shard") != std::string::npos);
    auto text = clitest::run(vt::verifier + " check --db " + q(db));
    CHECK(text.exit_code == 1);
    CHECK(text.out.empty());
}

TEST_CASE("fetch --json events: the figures of each line form fetch prints", "[cli]") {
    using verifier::fetch_event;
    auto accepted =
        fetch_event("release regtest height 250 accepted: signed by alice, bob, carol (3 required)");
    CHECK(clitest::keys(accepted) ==
          std::vector<std::string>{"event", "network", "height", "signers", "required", "message"});
    CHECK(accepted["event"] == "accepted");
    CHECK(accepted["network"] == "regtest");
    CHECK(accepted["height"] == 250);
    CHECK(accepted["signers"] == nlohmann::ordered_json::array({"alice", "bob", "carol"}));
    CHECK(accepted["required"] == 3);
    CHECK(accepted["message"] ==
          "release regtest height 250 accepted: signed by alice, bob, carol (3 required)");
    CHECK(fetch_event("release main height 9 accepted: signed by me (1 required)")["signers"] ==
          nlohmann::ordered_json::array({"me"}));

    auto downloaded = fetch_event("downloaded in 1.25 s; verified and installed in 0.50 s");
    CHECK(downloaded["event"] == "downloaded");
    CHECK(downloaded["download_seconds"] == 1.25);
    CHECK(downloaded["install_seconds"] == 0.5);

    auto installed = fetch_event("installed regtest height 250 (2 of 16 shards, 12345 bytes downloaded)");
    CHECK(clitest::keys(installed) == std::vector<std::string>{"event", "network", "height", "shards",
                                                               "shard_count", "downloaded_bytes", "message"});
    CHECK(installed["height"] == 250);
    CHECK(installed["shards"] == 2);
    CHECK(installed["shard_count"] == 16);
    CHECK(installed["downloaded_bytes"] == 12345);

    CHECK(fetch_event("moved forward with patches")["event"] == "moved_forward");
    CHECK(fetch_event("no release above the installed height 250 is offered")["event"] == "up_to_date");
    CHECK(fetch_event("no release for network regtest is offered")["event"] == "up_to_date");
    CHECK(fetch_event("no release above the installed height 200 is fully signed yet")["event"] ==
          "up_to_date");
    auto waiting =
        fetch_event("waiting for carol, dave to sign main height 900 (signed by alice; 2 required)");
    CHECK(waiting["event"] == "waiting");
    CHECK(waiting["network"] == "main");
    CHECK(waiting["height"] == 900);
    CHECK(waiting["waiting_for"] == nlohmann::ordered_json::array({"carol", "dave"}));
    CHECK(waiting["signers"] == nlohmann::ordered_json::array({"alice"}));
    CHECK(waiting["required"] == 2);
    CHECK(
        fetch_event("waiting for alice to sign regtest height 5 (signed by nobody; 1 required)")["signers"] ==
        nlohmann::ordered_json::array());
    auto seeded = fetch_event("seeded 3.0 MiB back (2.00 x the 1.5 MiB downloaded)");
    CHECK(seeded["event"] == "seeded");
    CHECK(seeded["ratio"] == 2.0);
    CHECK(fetch_event("seeding stopped: no peer")["ratio"].is_null());
    auto other = fetch_event("something else");
    CHECK(clitest::keys(other) == std::vector<std::string>{"event", "message"});
    CHECK(other["event"] == "note");
}

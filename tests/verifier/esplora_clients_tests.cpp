// Real Esplora clients from npm against `utxo-verifier serve` on 127.0.0.1: mempool.js with its
// default configuration (/api/…), atomicfinance's Esplora provider (/regtest/api/…) and bitcoinerlab's
// explorer (--base-path), driven by tests/esplora-clients/driver.js. Every UTXO answer is compared
// with `utxo-verifier utxos --json`; what needs history must come back 501 through each client.
// Skipped with a WARN line when node is missing or the packages cannot be installed
// (tests/esplora-clients/install.sh, which scripts/install-deps.sh runs: `npm ci` into the user's
// cache).
#include <catch2/catch.hpp>

#include "esplora_serve.h"

using namespace utxo;
namespace fs = std::filesystem;

namespace {

fs::path clients_dir() { return test::data_dir().parent_path() / "esplora-clients"; }

// install.sh's default: npm installs once per machine, outside the source tree.
fs::path modules_dir() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return fs::path(xdg) / "utxo-torrent/esplora-clients/node_modules";
    return fs::path(std::getenv("HOME") ? std::getenv("HOME") : "/nonexistent") /
           ".cache/utxo-torrent/esplora-clients/node_modules";
}

// Why the clients cannot run here, or nothing. scripts/install-deps.sh installed them already;
// install.sh returns at once then, and installs them otherwise.
std::optional<std::string> missing_clients() {
    if (test::run("command -v node").exit_code != 0) return "node is not installed";
    auto install = test::run(test::q(clients_dir() / "install.sh"));
    if (install.exit_code != 0)
        return "cannot install the npm clients with tests/esplora-clients/install.sh (exit " +
               std::to_string(install.exit_code) + "): " + install.out;
    for (const char* pkg : {"@mempool/mempool.js", "@atomicfinance/bitcoin-esplora-api-provider",
                            "@bitcoinerlab/explorer", "bitcoin-network"})
        if (!fs::exists(modules_dir() / pkg / "package.json"))
            return std::string(pkg) + " is not in " + modules_dir().string();
    return std::nullopt;
}

// The 8 addresses with the most coins of each kind the release pays to (P2PKH, P2SH, P2WPKH,
// P2WSH, P2TR, told apart by their regtest form), and one valid address nothing pays to.
std::vector<std::string> addresses_of(const fs::path& rel_dir) {
    std::map<std::string, std::vector<std::pair<std::size_t, std::string>>> by_kind;
    for (const auto& [script, coins] : vt::expectations(rel_dir)) {
        auto a = core::script_to_address(script, core::Network::regtest);
        if (!a) continue;
        const auto kind = a->substr(0, a->starts_with("bcrt1") ? 6 : 1) + std::to_string(a->size());
        by_kind[kind].emplace_back(coins.size(), *a);
    }
    std::vector<std::string> out;
    for (auto& [kind, list] : by_kind) {
        std::sort(list.begin(), list.end(), std::greater<>());
        for (std::size_t i = 0; i < list.size() && i < 8; ++i) out.push_back(list[i].second);
    }
    core::Bytes unused = {0x00, 0x14};
    unused.resize(22, 0xee);
    out.push_back(*core::script_to_address(unused, core::Network::regtest));
    return out;
}

// `utxos --json` for one address, in the driver's shape, sorted.
nlohmann::json utxos_json(const fs::path& store, const std::string& address) {
    auto r = test::run(vt::verifier + " utxos --json --db " + test::q(store) + " --address " + address);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    auto out = nlohmann::json::array();
    for (const auto& c : nlohmann::json::parse(r.out))
        out.push_back({{"txid", c["txid"]},
                       {"vout", c["vout"]},
                       {"value", c["value"]},
                       {"height", c["height"]},
                       {"confirmed", true}});
    return vt::sorted(out);
}

// A call that must have failed with `status` and a body naming what this server is.
void check_refused(const nlohmann::json& calls, const std::string& name, int status,
                   const std::string& says) {
    INFO(name << ": " << (calls.contains(name) ? calls[name].dump() : "(absent)"));
    REQUIRE(calls.contains(name));
    const auto& got = calls[name];
    REQUIRE((got.is_object() && got.contains("error")));
    CHECK(got["error"]["status"] == status);
    CHECK(got["error"]["body"].get<std::string>().find(says) != std::string::npos);
}

}  // namespace

TEST_CASE("npm Esplora clients get from serve exactly what utxos --json says",
          "[esplora][e2e][npm][slow-e2e]") {
    if (auto why = missing_clients()) {
        WARN("SKIPPED: " << *why);
        return;
    }
    test::TempDir dir;
    const auto rel_dir = vt::releases().at(200);
    {
        auto store = verifier::Store::open(dir / "store");
        REQUIRE(store);
        vt::install(*store, rel_dir);
    }
    const auto manifest = vt::load_release(rel_dir).manifest;
    const auto hash = manifest.block.to_display_hex();
    const auto addresses = addresses_of(rel_dir);
    REQUIRE(addresses.size() >= 10);

    vt::ServeProcess serve(dir.path(), " --base-path /esplora --cors '*'");
    const nlohmann::json config = {{"modules", modules_dir().string()},
                                   {"host", "127.0.0.1:" + serve.port},
                                   {"base_path", "/esplora"},
                                   {"addresses", addresses},
                                   {"height", manifest.height.value}};
    const auto config_file = dir / "config.json";
    const auto text = config.dump();
    test::write_file(config_file, core::as_bytes(text));
    auto run = test::run("timeout 180 node " + test::q(clients_dir() / "driver.js") + " " +
                         test::q(config_file) + " " + test::q(dir / "report.json"));
    INFO(run.out);
    REQUIRE(run.exit_code == 0);
    const auto report = test::read_json(dir / "report.json");
    const auto& clients = report["clients"];

    std::map<std::string, nlohmann::json> expected;
    for (const auto& a : addresses) expected[a] = utxos_json(dir / "store", a);
    std::size_t coins = 0;
    for (const auto& [a, list] : expected) coins += list.size();
    CHECK(coins > 0);

    for (const char* name : {"@mempool/mempool.js", "@atomicfinance/bitcoin-esplora-api-provider"}) {
        const auto& utxos = clients[name]["utxos"];
        for (const auto& a : addresses) {
            INFO(name << " " << a << ": " << (utxos.contains(a) ? utxos[a].dump() : "(absent)"));
            REQUIRE(utxos.contains(a));
            CHECK(vt::sorted(utxos[a]) == expected[a]);
        }
    }
    const std::string who = "utxo-verifier serve answers from a verified UTXO set (regtest at height 200)";

    const auto& mempool = clients["@mempool/mempool.js"];
    CHECK(mempool["version"] == "3.0.0");
    const auto& m = mempool["calls"];
    CHECK(m["getBlocksTipHeight"] == 200);
    CHECK(m["getBlocksTipHash"] == hash);
    CHECK(m["getBlockHeight"] == hash);
    check_refused(m, "getBlockHeight(other)", 404, "block 199 is not known here: " + who);
    for (const char* call :
         {"getAddress", "getAddressTxs", "getBlock", "getTx", "postTx", "getFeesRecommended"})
        check_refused(m, call, 501, who);
    check_refused(m, "postTx", 501,
                  "POST /api/tx (broadcasting a transaction) needs a connection to the Bitcoin network");
    check_refused(m, "getBlocksTipHeight(network testnet)", 404,
                  "/testnet/api/ is another network's API: " + who);
    check_refused(m, "getBlocksTipHeight(network signet)", 404,
                  "/signet/api/ is another network's API: " + who);

    const auto& atomic = clients["@atomicfinance/bitcoin-esplora-api-provider"];
    CHECK(atomic["version"] == "4.2.7");
    const auto& af = atomic["calls"];
    CHECK(af["getBlockHeight"] == 200);
    CHECK(af["getBlockHash"] == hash);
    for (const auto& a : addresses) {
        std::int64_t sum = 0;
        for (const auto& c : expected[a]) sum += c["value"].get<std::int64_t>();
        INFO(a);
        CHECK(af["getBalance"][a] == sum);
    }
    for (const char* call : {"getTransaction", "getAddressTransactionCounts", "sendRawTransaction"})
        check_refused(af, call, 501, who);

    const auto& lab = clients["@bitcoinerlab/explorer"];
    CHECK(lab["version"] == "1.0.0");
    const auto& bl = lab["calls"];
    CHECK(bl["isConnected"] == true);
    CHECK(bl["fetchBlockHeight"] == 200);
    for (const char* call : {"fetchAddress", "fetchTxHistory", "fetchFeeEstimates", "push"})
        check_refused(bl, call, 501, who);

    serve.stop();
}

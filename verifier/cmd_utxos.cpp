// `utxos` and `balance`: the coins paying to addresses or scripts, from the installed release.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "verifier/commands.h"
#include "verifier/query.h"

namespace utxo::verifier {

namespace {

struct QueryOptions {
    std::filesystem::path db;
    std::vector<std::string> addresses;
    std::vector<std::string> scripts;
    bool json = false;
};

CLI::App* add_query(CLI::App& app, const char* name, const char* help, std::shared_ptr<QueryOptions> o) {
    auto* cmd = app.add_subcommand(name, help);
    cmd->add_option("--db", o->db, "store directory")->required();
    auto* a = cmd->add_option("--address", o->addresses, "address (repeatable)");
    auto* s = cmd->add_option("--script", o->scripts, "scriptPubKey hex (repeatable)");
    cmd->add_flag("--json", o->json, "JSON output");
    (void)a, (void)s;
    return cmd;
}

// Every target's coins, in the order given; any failure ends the command.
std::vector<std::pair<Target, std::vector<OwnedCoin>>> query(const QueryOptions& o) {
    std::optional<Store> store;
    auto cur = open_installed(o.db, store);
    if (!cur) exit_with(cur.error());
    auto targets = parse_targets(o.addresses, o.scripts, cur->manifest.network);
    if (!targets) exit_with(targets.error());
    std::vector<std::pair<Target, std::vector<OwnedCoin>>> out;
    for (auto& t : *targets) {
        auto coins = store->coins_for_script(t.script);
        if (!coins) exit_with(core::Error{coins.error().code, fmt::format("{}: {}", t.label, coins.error().message)});
        out.emplace_back(std::move(t), std::move(*coins));
    }
    return out;
}

void print_utxos(const QueryOptions& o) {
    auto results = query(o);
    if (o.json) {
        auto arr = nlohmann::json::array();
        for (const auto& [t, coins] : results)
            for (const auto& c : coins) arr.push_back(coin_json(c));
        fmt::print("{}\n", arr.dump());
        return;
    }
    for (const auto& [t, coins] : results)
        for (const auto& c : coins)
            fmt::print("{}:{} {} sat height {}{} {}\n", c.outpoint.txid.to_display_hex(), c.outpoint.vout,
                       c.coin.value.sat, c.coin.height.value, c.coin.coinbase ? " coinbase" : "", t.label);
}

void print_balance(const QueryOptions& o) {
    auto results = query(o);
    std::int64_t total = 0;
    std::uint64_t count = 0;
    auto rows = nlohmann::json::array();
    for (const auto& [t, coins] : results) {
        std::int64_t sum = 0;
        for (const auto& c : coins) sum += c.coin.value.sat;
        total += sum, count += coins.size();
        rows.push_back({{t.is_address ? "address" : "script", t.label}, {"value", sum}, {"coins", coins.size()}});
        if (!o.json) fmt::print("{} {} sat in {} coins\n", t.label, sum, coins.size());
    }
    if (o.json)
        fmt::print("{}\n", nlohmann::json{{"value", total}, {"coins", count}, {"targets", rows}}.dump());
    else if (results.size() > 1)
        fmt::print("total {} sat in {} coins\n", total, count);
}

}  // namespace

void add_utxos_command(CLI::App& app) {
    auto o = std::make_shared<QueryOptions>();
    add_query(app, "utxos", "list the unspent outputs of addresses or scripts", o)->callback([o] { print_utxos(*o); });
}

void add_balance_command(CLI::App& app) {
    auto o = std::make_shared<QueryOptions>();
    add_query(app, "balance", "sum the unspent outputs of addresses or scripts", o)->callback([o] { print_balance(*o); });
}

}  // namespace utxo::verifier

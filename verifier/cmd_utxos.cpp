// `utxos` and `balance`: the coins paying to addresses or scripts, from the installed release.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "verifier/commands.h"
#include "verifier/query.h"

namespace utxo::verifier {

namespace {

using Answers = std::vector<std::pair<Target, std::vector<OwnedCoin>>>;

// Every target's coins, in the order given; any failure ends the command.
[[nodiscard]] core::Result<Answers> query(const QueryOptions& o) {
    std::optional<Store> store;
    UTXO_TRY_ASSIGN(auto cur, open_installed(o.db, store));
    UTXO_TRY_ASSIGN(auto targets, parse_targets(o.addresses, o.scripts, cur.manifest.network));
    Answers out;
    for (auto& t : targets) {
        auto coins = store->coins_for_script(t.script);
        if (!coins)
            return core::fail(coins.error().code, fmt::format("{}: {}", t.label, coins.error().message));
        out.emplace_back(std::move(t), std::move(*coins));
    }
    return out;
}

}  // namespace

core::Result<std::string> run_utxos(const QueryOptions& o) {
    UTXO_TRY_ASSIGN(auto results, query(o));
    if (o.json) {
        auto arr = nlohmann::json::array();
        for (const auto& [t, coins] : results)
            for (const auto& c : coins) arr.push_back(coin_json(c));
        return arr.dump() + "\n";
    }
    std::string out;
    for (const auto& [t, coins] : results)
        for (const auto& c : coins)
            out += fmt::format("{}:{} {} sat height {}{} {}\n", c.outpoint.txid.to_display_hex(),
                               c.outpoint.vout, c.coin.value.sat, c.coin.height.value,
                               c.coin.coinbase ? " coinbase" : "", t.label);
    return out;
}

core::Result<std::string> run_balance(const QueryOptions& o) {
    UTXO_TRY_ASSIGN(auto results, query(o));
    std::int64_t total = 0;
    std::uint64_t count = 0;
    auto rows = nlohmann::json::array();
    std::string out;
    for (const auto& [t, coins] : results) {
        std::int64_t sum = 0;
        for (const auto& c : coins) sum += c.coin.value.sat;
        total += sum, count += coins.size();
        rows.push_back(
            {{t.is_address ? "address" : "script", t.label}, {"value", sum}, {"coins", coins.size()}});
        if (!o.json) out += fmt::format("{} {} sat in {} coins\n", t.label, sum, coins.size());
    }
    if (o.json)
        out += nlohmann::json{{"value", total}, {"coins", count}, {"targets", rows}}.dump() + "\n";
    else if (results.size() > 1)
        out += fmt::format("total {} sat in {} coins\n", total, count);
    return out;
}

}  // namespace utxo::verifier

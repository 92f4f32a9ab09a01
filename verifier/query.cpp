// Shared pieces of the query commands.
#include "verifier/query.h"

#include <fmt/format.h>

#include "core/address.h"

namespace utxo::verifier {

using core::Errc;
using core::fail;

core::Result<std::vector<Target>> parse_targets(const std::vector<std::string>& addresses,
                                                const std::vector<std::string>& scripts, core::Network net) {
    std::vector<Target> out;
    for (const auto& a : addresses) {
        auto s = core::address_to_script(a, net);
        if (!s) return fail(Errc::usage, fmt::format("address {}: {}", a, s.error().message));
        out.push_back(Target{a, true, std::move(*s)});
    }
    for (const auto& h : scripts) {
        auto s = core::from_hex(h);
        if (!s || s->empty())
            return fail(Errc::usage, fmt::format("script {}: not a non-empty hex string", h));
        out.push_back(Target{h, false, std::move(*s)});
    }
    if (out.empty()) return fail(Errc::usage, "give at least one --address or --script");
    return out;
}

nlohmann::json coin_json(const OwnedCoin& c) {
    return {{"txid", c.outpoint.txid.to_display_hex()},
            {"vout", c.outpoint.vout},
            {"value", c.coin.value.sat},
            {"height", c.coin.height.value},
            {"coinbase", c.coin.coinbase},
            {"script_pubkey", core::to_hex(c.coin.script)}};
}

core::Result<Installed> open_installed(const std::filesystem::path& db, std::optional<Store>& store) {
    UTXO_TRY_ASSIGN(auto s, Store::open(db));
    store.emplace(std::move(s));
    auto cur = store->installed();
    UTXO_TRY(cur);
    if (!*cur)
        return fail(
            Errc::not_found,
            fmt::format("{}: no release is installed (run `utxo-verifier fetch` first)", db.string()));
    return std::move(**cur);
}

}  // namespace utxo::verifier

// `utxo-indexer addresses`: some addresses that hold coins in the store, for trying a wallet
// fetch or a query against real data (deterministic: the first ones in key order).
#include <fmt/format.h>

#include <map>

#include "core/address.h"
#include "indexer/commands.h"

namespace utxo::indexer {

core::Result<std::vector<AddressHolding>> sample_addresses(const std::filesystem::path& db, std::size_t count) {
    auto store = core::UtxoStore::open_existing(db);
    if (!store) return std::unexpected(store.error());
    auto st = store->state();
    if (!st) return std::unexpected(st.error());
    std::vector<AddressHolding> out;
    std::map<std::string, std::size_t> index;
    auto s = store->for_each_coin([&](const core::OutPoint&, const core::Coin& coin) -> core::Result<bool> {
        auto address = core::script_to_address(coin.script, st->network);
        if (!address) return true;
        auto [it, added] = index.emplace(*address, out.size());
        if (added) {
            if (out.size() == count) return false;
            out.push_back({*address, 0, core::Amount{}});
        }
        ++out[it->second].coins;
        out[it->second].value.sat += coin.value.sat;
        return true;
    });
    if (!s) return std::unexpected(s.error());
    return out;
}

}  // namespace utxo::indexer

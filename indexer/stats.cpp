#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "indexer/commands.h"

namespace utxo::indexer {

core::Result<StoreStats> stats(const std::filesystem::path& db) {
    UTXO_TRY_ASSIGN(auto store, UtxoStore::open_existing(db));
    UTXO_TRY_ASSIGN(auto st, store.state());
    UTXO_TRY_ASSIGN(auto hs3, store.hash_serialized_3());
    return StoreStats{st.network, st.tip, st.coins, st.total, hs3, st.muhash.finalize()};
}

std::string stats_json(const StoreStats& s) {
    nlohmann::ordered_json j;
    j["height"] = s.tip ? nlohmann::ordered_json(s.tip->height.value) : nlohmann::ordered_json(nullptr);
    j["block_hash"] =
        s.tip ? nlohmann::ordered_json(s.tip->hash.to_display_hex()) : nlohmann::ordered_json(nullptr);
    j["coins"] = s.coins;
    j["total_amount"] = s.total.sat;
    j["hash_serialized_3"] = s.hash_serialized_3.to_display_hex();
    j["muhash"] = s.muhash.to_display_hex();
    return j.dump();
}

std::string stats_text(const StoreStats& s) {
    return fmt::format(
        "network            {}\nheight             {}\nblock_hash         {}\ncoins              {}\n"
        "total_amount       {} sat ({}.{:08} BTC)\nhash_serialized_3  {}\nmuhash             {}\n",
        core::network_name(s.network), s.tip ? std::to_string(s.tip->height.value) : "none (empty store)",
        s.tip ? s.tip->hash.to_display_hex() : "-", s.coins, s.total.sat, s.total.sat / core::kCoin,
        s.total.sat % core::kCoin, s.hash_serialized_3.to_display_hex(), s.muhash.to_display_hex());
}

}  // namespace utxo::indexer

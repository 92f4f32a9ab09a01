// `export-core`: the Bitcoin Core snapshot file of a full store.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "verifier/commands.h"
#include "verifier/export_core.h"
#include "verifier/query.h"

namespace utxo::verifier {

core::Result<std::string> run_export_core(const ExportCoreOptions& o) {
    std::optional<Store> store;
    UTXO_TRY_ASSIGN(auto cur, open_installed(o.db, store));
    auto r = export_core(*store, o.out);
    // A file that would not match the manifest (Errc::mismatch) is a verdict on the held data.
    if (!r)
        return core::fail(r.error().code == core::Errc::mismatch ? core::Errc::rejected : r.error().code,
                          std::move(r.error().message));
    const double rate = r->seconds > 0 ? static_cast<double>(r->coins) / r->seconds : 0.0;
    if (o.json) {
        std::error_code ec;
        const auto bytes = std::filesystem::file_size(o.out, ec);
        nlohmann::ordered_json j{
            {"ok", true},
            {"file", o.out.string()},
            {"bytes", ec ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(bytes)},
            {"network", core::network_name(cur.manifest.network)},
            {"height", cur.manifest.height.value},
            {"block_hash", cur.manifest.block.to_display_hex()},
            {"coins", r->coins},
            {"hash_serialized_3", r->hash_serialized_3.to_display_hex()},
            {"seconds", r->seconds},
            {"coins_per_second", rate}};
        return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
    }
    return fmt::format(
        "wrote {} coins at height {} to {}; hash_serialized_3 {} (matches the manifest); {:.2f}s, {:.0f} "
        "coins/s\n",
        r->coins, cur.manifest.height.value, o.out.string(), r->hash_serialized_3.to_display_hex(),
        r->seconds, rate);
}

}  // namespace utxo::verifier

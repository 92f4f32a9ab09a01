// `export-core`: the Bitcoin Core snapshot file of a full store.
#include <fmt/format.h>

#include "verifier/commands.h"
#include "verifier/export_core.h"
#include "verifier/query.h"

namespace utxo::verifier {

namespace {

void run_export(const std::filesystem::path& db, const std::filesystem::path& out) {
    std::optional<Store> store;
    auto cur = open_installed(db, store);
    if (!cur) exit_with(cur.error());
    auto r = export_core(*store, out);
    if (!r) exit_with(r.error(), r.error().code == core::Errc::mismatch ? kExitVerdict : kExitTrouble);
    fmt::print("wrote {} coins at height {} to {}; hash_serialized_3 {} (matches the manifest); {:.2f}s, {:.0f} coins/s\n",
               r->coins, cur->manifest.height.value, out.string(), r->hash_serialized_3.to_display_hex(), r->seconds,
               r->seconds > 0 ? static_cast<double>(r->coins) / r->seconds : 0.0);
}

}  // namespace

void add_export_core_command(CLI::App& app) {
    auto db = std::make_shared<std::filesystem::path>();
    auto out = std::make_shared<std::filesystem::path>();
    auto* cmd = app.add_subcommand("export-core", "write a full store as a Bitcoin Core snapshot file (loadtxoutset)");
    cmd->add_option("--db", *db, "store directory")->required();
    cmd->add_option("--out", *out, "snapshot file to create (must not exist)")->required();
    cmd->callback([db, out] { run_export(*db, *out); });
}

}  // namespace utxo::verifier

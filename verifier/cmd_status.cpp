// `status`: what the store answers for, and `check`: the deep re-check of the held files.
#include <fmt/format.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "verifier/commands.h"
#include "verifier/query.h"

namespace utxo::verifier {

namespace {

std::string shard_list(const Installed& in) {
    std::string s;
    for (auto i : in.shards) s += (s.empty() ? "" : ",") + std::to_string(i);
    return s;
}

std::string utc(std::int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

void print_status(const std::filesystem::path& db, bool json) {
    std::optional<Store> store;
    auto cur = open_installed(db, store);
    if (!cur) exit_with(cur.error());
    const auto& m = cur->manifest;
    const std::int64_t age_min = std::max<std::int64_t>(0, (std::time(nullptr) - cur->accepted_at) / 60);
    if (json) {
        nlohmann::json j{{"network", core::network_name(m.network)}, {"height", m.height.value},
                         {"block_hash", m.block.to_display_hex()}, {"full", cur->full},
                         {"shards", cur->shards}, {"shard_count", m.shard_count},
                         {"authorities", cur->authorities}, {"accepted_at", cur->accepted_at},
                         {"manifest_sha256", cur->manifest_sha256}, {"coins", m.coins},
                         {"total_amount", m.total_amount.sat}, {"dir", cur->dir.string()}};
        fmt::print("{}\n", j.dump());
        return;
    }
    fmt::print("network      {}\n", core::network_name(m.network));
    fmt::print("height       {}\n", m.height.value);
    fmt::print("block        {}\n", m.block.to_display_hex());
    if (cur->full)
        fmt::print("mode         full ({} shards)\n", m.shard_count);
    else
        fmt::print("mode         wallet ({} of {} shards: {})\n", cur->shards.size(), m.shard_count, shard_list(*cur));
    std::string auth;
    for (const auto& a : cur->authorities) auth += (auth.empty() ? "" : ", ") + a;
    fmt::print("authorities  {}\n", auth.empty() ? "(none recorded)" : auth);
    fmt::print("accepted     {} ({} minutes ago; release at block {})\n", utc(cur->accepted_at), age_min,
               m.height.value);
    fmt::print("set          {} coins, {} sat\n", m.coins, m.total_amount.sat);
    fmt::print("manifest     sha256 {}\n", cur->manifest_sha256);
}

void run_check(const std::filesystem::path& db) {
    std::optional<Store> store;
    auto cur = open_installed(db, store);
    if (!cur) exit_with(cur.error());
    auto s = store->check_installed();
    if (!s) exit_with(s.error(), s.error().code == core::Errc::io ? kExitTrouble : kExitVerdict);
    fmt::print("ok: {} shard files match the manifest's coin counts and MuHashes\n", cur->shards.size());
}

}  // namespace

void add_status_command(CLI::App& app) {
    auto db = std::make_shared<std::filesystem::path>();
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("status", "show the installed release");
    cmd->add_option("--db", *db, "store directory")->required();
    cmd->add_flag("--json", *json, "one JSON object");
    cmd->callback([db, json] { print_status(*db, *json); });
}

void add_check_command(CLI::App& app) {
    auto db = std::make_shared<std::filesystem::path>();
    auto* cmd = app.add_subcommand("check", "re-read every held shard file: canonical coins, counts and per-shard "
                                            "MuHash against the manifest (exit 1 on a mismatch)");
    cmd->add_option("--db", *db, "store directory")->required();
    cmd->callback([db] { run_check(*db); });
}

}  // namespace utxo::verifier

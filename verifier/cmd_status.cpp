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
    for (auto i : in.shards) {
        if (!s.empty()) s += ',';
        s += std::to_string(i);
    }
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

std::string status_json(const Installed& cur) {
    const auto& m = cur.manifest;
    nlohmann::json j{{"network", core::network_name(m.network)},
                     {"height", m.height.value},
                     {"block_hash", m.block.to_display_hex()},
                     {"full", cur.full},
                     {"shards", cur.shards},
                     {"shard_count", m.shard_count},
                     {"authorities", cur.authorities},
                     {"accepted_at", cur.accepted_at},
                     {"manifest_sha256", cur.manifest_sha256.to_hex()},
                     {"coins", m.coins},
                     {"total_amount", m.total_amount.sat},
                     {"dir", cur.dir.string()}};
    return j.dump() + "\n";
}

std::string status_text(const Installed& cur) {
    const auto& m = cur.manifest;
    const std::int64_t age_min = std::max<std::int64_t>(0, (std::time(nullptr) - cur.accepted_at) / 60);
    std::string out;
    out += fmt::format("network      {}\n", core::network_name(m.network));
    out += fmt::format("height       {}\n", m.height.value);
    out += fmt::format("block        {}\n", m.block.to_display_hex());
    if (cur.full)
        out += fmt::format("mode         full ({} shards)\n", m.shard_count);
    else
        out += fmt::format("mode         wallet ({} of {} shards: {})\n", cur.shards.size(), m.shard_count,
                           shard_list(cur));
    std::string auth;
    for (const auto& a : cur.authorities) auth += (auth.empty() ? "" : ", ") + a;
    out += fmt::format("authorities  {}\n", auth.empty() ? "(none recorded)" : auth);
    out += fmt::format("accepted     {} ({} minutes ago; release at block {})\n", utc(cur.accepted_at),
                       age_min, m.height.value);
    out += fmt::format("set          {} coins, {} sat\n", m.coins, m.total_amount.sat);
    out += fmt::format("manifest     sha256 {}\n", cur.manifest_sha256.to_hex());
    return out;
}

}  // namespace

core::Result<std::string> run_status(const StatusOptions& o) {
    std::optional<Store> store;
    UTXO_TRY_ASSIGN(auto cur, open_installed(o.db, store));
    return o.json ? status_json(cur) : status_text(cur);
}

core::Result<std::string> run_check(const CheckOptions& o) {
    std::optional<Store> store;
    UTXO_TRY_ASSIGN(auto cur, open_installed(o.db, store));
    // A held file that cannot be read is trouble; one that reads but contradicts the manifest is
    // the verdict this command exists for.
    if (auto s = store->check_installed(); !s)
        return core::fail(s.error().code == core::Errc::io ? core::Errc::io : core::Errc::rejected,
                          std::move(s.error().message));
    if (!o.json)
        return fmt::format("ok: {} shard files match the manifest's coin counts and MuHashes\n",
                           cur.shards.size());
    std::uint64_t coins = 0;
    for (auto i : cur.shards) coins += cur.manifest.shards.at(i).coins;
    const auto& m = cur.manifest;
    nlohmann::ordered_json j{{"ok", true},
                             {"network", core::network_name(m.network)},
                             {"height", m.height.value},
                             {"block_hash", m.block.to_display_hex()},
                             {"full", cur.full},
                             {"shards", cur.shards.size()},
                             {"coins", coins}};
    return j.dump() + "\n";
}

}  // namespace utxo::verifier

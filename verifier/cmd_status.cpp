// `status`: what the store answers for, and `check`: the deep re-check of the held files.
#include <fmt/format.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "core/release_age.h"
#include "core/trustnet_file.h"
#include "verifier/commands.h"
#include "verifier/freshness.h"
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

std::string status_json(const Installed& cur, const Freshness& f, bool with_trustnet) {
    const auto& m = cur.manifest;
    auto maybe = [](const std::optional<std::int64_t>& v) {
        return v ? nlohmann::json(*v) : nlohmann::json();
    };
    nlohmann::json j{{"network", core::network_name(m.network)},
                     {"height", m.height.value},
                     {"block_hash", m.block.to_display_hex()},
                     {"full", cur.full},
                     {"shards", cur.shards},
                     {"shard_count", m.shard_count},
                     {"authorities", cur.authorities},
                     {"accepted_at", cur.accepted_at},
                     {"signed_at", maybe(f.signed_at)},
                     {"age_seconds", maybe(f.age_seconds)},
                     {"manifest_sha256", cur.manifest_sha256.to_hex()},
                     {"coins", m.coins},
                     {"total_amount", m.total_amount.sat},
                     {"dir", cur.dir.string()}};
    if (with_trustnet) {
        j["max_age_seconds"] = maybe(f.max_age_seconds);
        j["stale"] = f.alarm ? nlohmann::json(*f.alarm) : nlohmann::json();
    }
    return j.dump() + "\n";
}

std::string status_text(const Installed& cur, const Freshness& f) {
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
    out += fmt::format("accepted     {} ({} minutes ago; release at block {})\n",
                       core::format_utc(cur.accepted_at), age_min, m.height.value);
    if (f.signed_at)
        out += fmt::format("signed       {} ({} ago)\n", core::format_utc(*f.signed_at),
                           core::format_duration(*f.age_seconds));
    else
        out += "signed       unknown (its signatures state no signing time)\n";
    if (f.max_age_seconds)
        out += fmt::format("max-age      {} ({})\n", core::format_duration(*f.max_age_seconds),
                           f.alarm ? "exceeded" : "within");
    if (f.alarm) out += fmt::format("alarm        {}\n", *f.alarm);
    out += fmt::format("set          {} coins, {} sat\n", m.coins, m.total_amount.sat);
    out += fmt::format("manifest     sha256 {}\n", cur.manifest_sha256.to_hex());
    return out;
}

}  // namespace

core::Result<StatusReport> run_status_report(const StatusOptions& o) {
    std::optional<core::Trustnet> tn;
    if (o.trustnet) {
        auto doc = core::load_trustnet(*o.trustnet);
        if (!doc)
            return core::fail(doc.error().code,
                              fmt::format("{}: {}", o.trustnet->string(), doc.error().message));
        tn = std::move(doc->trustnet);
    }
    std::optional<Store> store;
    UTXO_TRY_ASSIGN(auto cur, open_installed(o.db, store));
    const auto f = freshness(cur, tn ? &*tn : nullptr, core::unix_now());
    return StatusReport{o.json ? status_json(cur, f, tn.has_value()) : status_text(cur, f), f.alarm};
}

core::Result<std::string> run_status(const StatusOptions& o) {
    UTXO_TRY_ASSIGN(auto report, run_status_report(o));
    return std::move(report.text);
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

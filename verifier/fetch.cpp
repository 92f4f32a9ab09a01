// run_fetch: one round (fetch_round.cpp), then seeding back; and the shards of a wallet.
#include "verifier/fetch.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/address.h"
#include "core/release_age.h"
#include "core/shard.h"
#include "verifier/fetch_progress.h"
#include "verifier/fetch_session.h"
#include "verifier/freshness.h"

namespace utxo::verifier {

using core::Errc;
using core::fail;

core::Result<std::vector<std::uint32_t>> wallet_shards(const std::vector<std::string>& addresses,
                                                       const std::vector<std::string>& scripts,
                                                       core::Network network, std::uint32_t shard_count) {
    std::vector<std::uint32_t> out;
    for (const auto& a : addresses) {
        auto script = core::address_to_script(a, network);
        if (!script) return fail(Errc::usage, fmt::format("address {}: {}", a, script.error().message));
        out.push_back(core::shard_of(*script, shard_count));
    }
    for (const auto& hex : scripts) {
        auto script = core::from_hex(hex);
        if (!script || script->empty())
            return fail(Errc::usage, fmt::format("--script {} is not a script in hex", hex));
        out.push_back(core::shard_of(*script, shard_count));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

namespace {

// Seeding is a courtesy after the release is installed: its trouble is reported, not fatal.
std::string seed_back(FetchSession& session, const Round& round, const std::atomic<bool>& stop) {
    const FetchOptions& o = session.options;
    if (o.seed_ratio <= 0 || round.downloaded == 0 || !round.shards) return {};
    const auto goal =
        static_cast<std::uint64_t>(std::ceil(o.seed_ratio * static_cast<double>(round.downloaded)));
    ProgressBar bar("seeding", o.progress);
    auto up = seed_installed(
        session, *round.shards, goal, o.seed_timeout, [&](const TransferSample& s) { bar.update(s); }, stop);
    bar.finish();
    if (!up) return fmt::format("seeding stopped: {}", up.error().message);
    return fmt::format("seeded {} back ({:.2f} x the {} downloaded{})", human_bytes(*up),
                       static_cast<double>(*up) / static_cast<double>(round.downloaded),
                       human_bytes(round.downloaded),
                       *up >= goal   ? ""
                       : stop.load() ? ", stopped by a signal"
                                     : ", seed timeout reached");
}

}  // namespace

core::Result<FetchOutcome> run_fetch(const FetchOptions& o, const std::atomic<bool>& stop, const Say& say) {
    UTXO_TRY_ASSIGN(auto session, open_fetch_session(o));
    UTXO_TRY_ASSIGN(auto round, fetch_round(*session, stop, say));
    FetchOutcome out;
    if (round.installed)
        if (auto note = seed_back(*session, round, stop); !note.empty()) out.lines.push_back(note);
    out.lines.insert(out.lines.end(), round.end_lines.begin(), round.end_lines.end());
    // The store now holds the newest release the trustnet accepts (or none): is it too old?
    if (auto cur = session->store.installed(); cur && *cur)
        out.stale = freshness(**cur, &round.trustnet, core::unix_now()).alarm;
    return out;
}

}  // namespace utxo::verifier

// fetch_round(): one round of finding, agreeing and installing, for `fetch` and `follow`, over a
// FetchSession (the locked store, the swarm, the DHT node).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/address.h"
#include "core/file_io.h"
#include "core/manifest_torrent.h"
#include "core/sha256.h"
#include "core/shard.h"
#include "core/trustnet_file.h"
#include "verifier/fetch_dht.h"
#include "verifier/fetch_progress.h"
#include "verifier/fetch_session.h"
#include "verifier/log.h"
#include "verifier/staged_checker.h"

namespace utxo::verifier {

using core::Errc;
using core::fail;

namespace {

// Bad data from the network (hashes, sizes, headers that contradict the signed manifest) is a
// negative verdict; everything else is trouble.
std::unexpected<core::Error> judged(core::Error e) {
    if (e.code == Errc::mismatch || e.code == Errc::invalid || e.code == Errc::non_canonical ||
        e.code == Errc::truncated)
        e.code = Errc::rejected;
    return std::unexpected(std::move(e));
}

// "WHAT: message", keeping the code of the error.
std::unexpected<core::Error> named(const std::filesystem::path& what, const core::Error& e) {
    return fail(e.code, fmt::format("{}: {}", what.string(), e.message));
}

// The trustnet authorities' own http URLs first (they publish what they sign), then the --seeder
// URLs, once each. Discovery asks them all at once; the order decides which copy of a release's
// files and torrent is tried first (docs/verifier.md, "Which source first").
[[nodiscard]] core::Result<std::vector<HttpUrl>> release_sources(const FetchOptions& o,
                                                                 const core::Trustnet& tn) {
    std::vector<HttpUrl> out;
    auto add = [&](const HttpUrl& u) {
        if (std::none_of(out.begin(), out.end(), [&](const HttpUrl& x) { return x.str() == u.str(); }))
            out.push_back(u);
    };
    for (const auto& a : tn.authorities)
        for (const auto& url : a.urls)
            if (auto u = parse_http_url(url))
                add(*u);
            else
                log().debug("authority {}: {} is not a release source we can read", a.name, url);
    for (const auto& s : o.seeders) {
        UTXO_TRY_ASSIGN(auto u, parse_http_url(s));
        add(u);
    }
    if (out.empty() && !o.dht)
        return fail(Errc::usage,
                    "no release source: give --seeder URL or --dht, or list http URLs in the trustnet");
    return out;
}

[[nodiscard]] core::Result<ShardPlan> plan_shards(const FetchOptions& o, const core::Manifest& m,
                                                  const std::optional<Installed>& cur) {
    ShardPlan plan;
    if (!o.addresses.empty() || !o.scripts.empty()) {
        UTXO_TRY_ASSIGN(auto w, wallet_shards(o.addresses, o.scripts, m.network, m.shard_count));
        plan.shards = std::move(w);
        plan.full = plan.shards.size() == m.shard_count;
        return plan;
    }
    if (!o.all && cur && !cur->full) {  // a wallet store stays a wallet store
        if (cur->manifest.shard_count != m.shard_count)
            return fail(Errc::usage,
                        fmt::format("the new release has {} shards instead of {}; give the wallet's "
                                    "--address/--script again",
                                    m.shard_count, cur->manifest.shard_count));
        plan.shards = cur->shards;
        plan.full = false;
        return plan;
    }
    for (std::uint32_t i = 0; i < m.shard_count; ++i) plan.shards.push_back(i);
    return plan;
}

}  // namespace

// The shards a wallet's --address/--script need that the installed wallet store lacks (empty for
// a full store, or without addresses).
[[nodiscard]] core::Result<std::vector<std::uint32_t>> shards_to_add(const FetchOptions& o,
                                                                     const Installed& cur) {
    std::vector<std::uint32_t> missing;
    if (cur.full || (o.addresses.empty() && o.scripts.empty())) return missing;
    UTXO_TRY_ASSIGN(auto wanted,
                    wallet_shards(o.addresses, o.scripts, cur.manifest.network, cur.manifest.shard_count));
    for (auto i : wanted)
        if (std::find(cur.shards.begin(), cur.shards.end(), i) == cur.shards.end()) missing.push_back(i);
    return missing;
}

namespace {

// Loopback and private addresses: uTP there only slows TCP down (libtorrent tries uTP first for an
// outgoing connection; measured ~5 MB/s on loopback).
bool is_local_host(std::string_view h) { return h == "localhost" || net::is_local_address(h); }

SwarmOptions swarm_options(const FetchOptions& o, const std::vector<Offer>& offers,
                           const std::vector<HostPort>& dht_nodes = {}) {
    SwarmOptions s;
    s.listen = o.listen;
    s.stall_timeout = o.stall_timeout;
    s.web_seeds = o.web_seeds;
    if (o.dht) s.dht_nodes = dht_nodes;
    for (const auto& n : dht_nodes) s.tcp_only = s.tcp_only || is_local_host(n.host);
    for (const auto& s_url : o.seeders)
        if (auto u = parse_http_url(s_url)) s.tcp_only = s.tcp_only || is_local_host(u->host);
    for (const auto& off : offers) {
        if (is_local_host(off.source.host)) s.tcp_only = true;
        for (const auto* t : {&off.shards, &off.patches})
            if (*t)
                for (const auto& p : (*t)->peers) s.tcp_only = s.tcp_only || is_local_host(p.host);
    }
    return s;
}

std::vector<int> file_indices(const std::vector<std::uint32_t>& shards) {
    return {shards.begin(), shards.end()};
}

}  // namespace

core::Result<std::uint64_t> download_into_staging(Swarm& swarm, Store& store, const core::Manifest& m,
                                                  const ReleaseTorrent& t,
                                                  const std::vector<std::uint32_t>& files,
                                                  const FetchOptions& o, const std::atomic<bool>& stop,
                                                  std::function<void(int)> file_completed) {
    UTXO_TRY_ASSIGN(auto stage, store.staging_dir(m));
    ProgressBar bar(t.facts.name, o.progress);
    DownloadJob job{t.bytes, stage, file_indices(files), t.peers, std::move(file_completed)};
    auto got = swarm.download(
        job, [&](const TransferSample& s) { bar.update(s); }, stop);
    bar.finish();
    if (got) log().info("{}: {} downloaded into {}", t.facts.name, human_bytes(*got), stage.string());
    return got;
}

namespace {

// What the sources offer above the installed release. A wallet store at the newest release that
// is given addresses of shards it does not hold takes those shards (`adding`) of the release it
// has, accepted again under the same rule.
struct Found {
    Discovery discovery;
    std::vector<std::uint32_t> adding;
};

DiscoveryLimits discovery_limits(std::chrono::seconds timeout) {
    DiscoveryLimits limits;
    limits.timeout = timeout;
    limits.request_timeout = std::min(limits.request_timeout, timeout);
    return limits;
}

[[nodiscard]] core::Result<Found> discover_for(const FetchOptions& o, const core::Trustnet& tn,
                                               const std::vector<HttpUrl>& sources,
                                               const std::optional<Installed>& cur,
                                               const std::vector<ReadyOffer>* ready) {
    std::optional<core::Height> installed_height;
    if (cur) installed_height = cur->manifest.height;
    const DiscoveryLimits limits = discovery_limits(o.discovery_timeout);
    UTXO_TRY_ASSIGN(auto discovery, discover(tn, sources, installed_height, limits, ready));
    Found found{std::move(discovery), {}};
    if (!found.discovery.up_to_date || !cur) return found;
    UTXO_TRY_ASSIGN(found.adding, shards_to_add(o, *cur));
    if (found.adding.empty()) return found;
    auto waiting = std::move(found.discovery.waiting);  // above the installed release, said at the end
    const core::Height h = cur->manifest.height;
    const auto below = h.value > 0 ? std::optional<core::Height>(h.minus(1)) : std::nullopt;
    UTXO_TRY_ASSIGN(found.discovery, discover(tn, sources, below, limits, ready));
    auto& accepted = found.discovery.accepted;
    if (accepted && accepted->manifest.block != cur->manifest.block) accepted.reset();
    if (!accepted)
        return fail(Errc::rejected,
                    fmt::format("the installed release {} is no longer accepted from the sources, so "
                                "its shards for the new addresses cannot be added ({})",
                                h.value, found.discovery.message));
    found.discovery.waiting = std::move(waiting);
    return found;
}

// Downloads `to_download` of the shards torrent, checking each shard file as soon as it is
// complete, and installs the release with `plan`'s shards. Returns the bytes downloaded.
[[nodiscard]] core::Result<std::uint64_t> fetch_shards(Swarm& swarm, Store& store, const Accepted& a,
                                                       const ReleaseTorrent& shards, const ShardPlan& plan,
                                                       const std::vector<std::uint32_t>& to_download,
                                                       const FetchOptions& o, const std::atomic<bool>& stop,
                                                       const Say& say) {
    auto t0 = std::chrono::steady_clock::now();
    UTXO_TRY_ASSIGN(auto stage, store.staging_dir(a.manifest));
    // Each shard file is checked and synced as soon as it is complete, while the others still
    // download; install then reads only the files this did not get to (StagedChecker).
    StagedChecker checker(a.manifest, stage);
    auto got = download_into_staging(swarm, store, a.manifest, shards, to_download, o, stop,
                                     [&](int file) { checker.submit(static_cast<std::uint32_t>(file)); });
    if (!got) return judged(got.error());
    auto t1 = std::chrono::steady_clock::now();
    auto early = checker.finish();
    log().info("{} of {} shard files were checked during the download ({:.2f} s waiting for the last)",
               early.size(), to_download.size(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count());
    if (auto s = store.install(a.manifest, a.manifest_bytes, plan.shards, plan.full, a.verdict.signers, early,
                               a.verdict.signed_at);
        !s)
        return judged(s.error());
    auto t2 = std::chrono::steady_clock::now();
    say(fmt::format("downloaded in {:.2f} s; verified and installed in {:.2f} s",
                    std::chrono::duration<double>(t1 - t0).count(),
                    std::chrono::duration<double>(t2 - t1).count()));
    return *got;
}

// "a client that seeds back does the same": the pointers naming the installed release go back into
// the DHT (they are signed already; no key is needed), so they outlive their publishers. Each put
// is waited for briefly: the release is installed, and a lookup that passes a node which left
// would hold the exit for libtorrent's 15 s request timeout (the put still goes out while the
// client seeds).
constexpr std::chrono::seconds kRepublishWait{3};

void republish(FetchSession& session, const DhtFound& found, const Accepted& a) {
    if (!session.dht) return;
    const auto sha = core::sha256(core::as_bytes(a.manifest_bytes));
    std::size_t stored = 0, tried = 0;
    for (const auto& p : found.pointers) {
        if (p.pointer.manifest_sha256 != sha) continue;
        ++tried;
        if (auto put = session.dht->put(p.item, kRepublishWait))
            ++stored;
        else
            log().info("{}: re-putting its DHT pointer is not confirmed: {}", p.authority,
                       put.error().message);
    }
    if (tried > 0)
        log().info("republished {} of {} DHT pointer(s) naming the installed release", stored, tried);
}

// Moves the store from the installed release to the accepted one with patches: one step, or a
// chain through every release in between (each found again with discover() and accepted by the
// same rule), when the patches are fewer bytes than the new shards. nullopt: patches cannot do it
// (the reason is logged) and nothing moved; the caller downloads the shards.
[[nodiscard]] core::Result<std::optional<MovedForward>> move_forward_along_chain(
    Swarm& swarm, Store& store, const Accepted& a, const Installed& cur, const ShardPlan& plan,
    const FetchOptions& o, const core::Trustnet& tn, const std::vector<HttpUrl>& sources,
    const std::vector<ReadyOffer>* ready, const std::atomic<bool>& stop, const Say& say) {
    // The releases in between share one discovery deadline.
    const auto deadline = std::chrono::steady_clock::now() + o.discovery_timeout;
    FindRelease find = [&](core::Height at_most) -> core::Result<std::optional<Accepted>> {
        const auto left =
            std::chrono::ceil<std::chrono::seconds>(deadline - std::chrono::steady_clock::now());
        if (left <= std::chrono::seconds(0)) return std::nullopt;
        UTXO_TRY_ASSIGN(auto d,
                        discover(tn, sources, cur.manifest.height, discovery_limits(left), ready, at_most));
        if (!d.accepted) log().info("release at height {}: {}", at_most.value, d.message);
        return std::move(d.accepted);
    };
    UTXO_TRY_ASSIGN(auto chain, find_patch_chain(a, cur, plan.shards, plan.full, find));
    if (auto* why = std::get_if<CannotMoveForward>(&chain)) {
        log().info("not moving forward with patches: {}; fetching the shards", why->reason);
        return std::nullopt;
    }
    const auto& c = std::get<PatchChain>(chain);
    log().info("moving forward through {} release(s) with {} bytes of patches instead of {} bytes of shards",
               c.steps.size(), c.patch_bytes, c.shard_bytes);
    auto moved = move_along(swarm, store, c, plan.shards, plan.full, o, stop, say);
    if (!moved) return judged(moved.error());
    if (auto* cannot = std::get_if<CannotMoveForward>(&*moved)) {
        log().info("not moving forward with patches: {}; fetching the shards", cannot->reason);
        return std::nullopt;
    }
    return std::get<MovedForward>(*moved);
}

// Keeps the release's verified shards torrent (trackers and web seed included) beside its files: it
// is installed with them, so seeding can start again later without asking any source.
void keep_torrent(Store& store, const core::Manifest& m, const ReleaseTorrent& t) {
    auto stage = store.staging_dir(m);
    if (!stage) return;
    if (auto s = core::write_file_atomically(*stage / "shards.torrent", core::as_bytes(t.bytes), 0644); !s)
        log().warn("{}: {}", (*stage / "shards.torrent").string(), s.error().message);
}

// --dht: what the authorities' pointers offer above the installed release. Seeder URLs the
// pointers name join the sources.
[[nodiscard]] core::Result<DhtFound> dht_round(FetchSession& session, const core::Trustnet& tn,
                                               const std::optional<Installed>& cur,
                                               std::vector<HttpUrl>& sources, const std::atomic<bool>& stop) {
    const FetchOptions& o = session.options;
    DhtLimits limits;
    limits.get_timeout = std::min(limits.get_timeout, o.discovery_timeout);
    limits.timeout = o.discovery_timeout;
    std::optional<core::Height> installed;
    if (cur) installed = cur->manifest.height;
    // A wallet given addresses of shards it lacks may take them from the release it holds: its
    // pointers are offers then too (discover() sets them aside unless they are needed).
    if (cur && installed->value > 0)
        if (auto adding = shards_to_add(o, *cur); adding && !adding->empty()) installed = installed->minus(1);
    UTXO_TRY_ASSIGN(auto found,
                    dht_offers(*session.dht, *session.swarm, session.store, tn, installed, limits, stop));
    for (const auto& url : found.seeders) {
        auto u = parse_http_url(url);
        if (!u) continue;
        if (std::none_of(sources.begin(), sources.end(),
                         [&](const HttpUrl& x) { return x.str() == u->str(); }))
            sources.push_back(*u);
    }
    return found;
}

}  // namespace

core::Result<std::unique_ptr<FetchSession>> open_fetch_session(const FetchOptions& o) {
    // Usage trouble is said before the store is created or locked.
    auto doc = core::load_trustnet(o.trustnet);
    if (!doc) return named(o.trustnet, doc.error());
    UTXO_TRY(release_sources(o, doc->trustnet));
    UTXO_TRY_ASSIGN(auto lock, core::DirLock::take(o.db));
    auto store = Store::open(o.db);
    if (!store) return named(o.db, store.error());
    auto session =
        std::make_unique<FetchSession>(FetchSession{o, std::move(lock), std::move(*store), {}, {}});
    if (!o.dht) return session;
    std::vector<HostPort> nodes;
    for (const auto& n : o.dht_nodes) {
        UTXO_TRY_ASSIGN(auto hp, net::parse_host_port(n));
        nodes.push_back(std::move(hp));
    }
    UTXO_TRY_ASSIGN(auto listen, net::parse_host_port(o.dht_listen));
    net::DhtOptions d;
    d.listen = listen;
    d.nodes = nodes;
    d.private_dht = !nodes.empty();
    UTXO_TRY_ASSIGN(session->dht, net::Dht::start(d));
    UTXO_TRY_ASSIGN(session->swarm, Swarm::start(swarm_options(o, {}, nodes)));
    return session;
}

core::Result<Round> fetch_round(FetchSession& session, const std::atomic<bool>& stop, const Say& say) {
    const FetchOptions& o = session.options;
    Store& store = session.store;
    auto doc = core::load_trustnet(o.trustnet);
    if (!doc) return named(o.trustnet, doc.error());
    const auto& tn = doc->trustnet;
    UTXO_TRY_ASSIGN(auto sources, release_sources(o, tn));
    auto cur = store.installed();
    if (!cur) return named(o.db, cur.error());

    Round round;
    round.trustnet = tn;
    DhtFound dht_found;
    if (session.dht) {
        UTXO_TRY_ASSIGN(dht_found, dht_round(session, tn, *cur, sources, stop));
    }
    // The DHT counts as a source that answered when it gave any authority's item.
    const auto* ready = session.dht && dht_found.items > 0 ? &dht_found.offers : nullptr;
    if (sources.empty() && !ready)
        return fail(Errc::io, fmt::format("the DHT gave no release pointer of any of the {} authorities",
                                          tn.authorities.size()));
    UTXO_TRY_ASSIGN(auto found, discover_for(o, tn, sources, *cur, ready));
    round.waiting = found.discovery.waiting;
    // A newer release some authorities have not signed yet is said last: after the install, or
    // before "no release above the installed height H is fully signed yet".
    if (found.discovery.up_to_date) {
        if (round.waiting) round.end_lines.push_back(waiting_line(*round.waiting));
        round.end_lines.push_back(found.discovery.message);
        return round;
    }
    if (!found.discovery.accepted) return fail(Errc::rejected, std::move(found.discovery.message));
    const Accepted& a = *found.discovery.accepted;
    say(a.verdict.message);

    UTXO_TRY_ASSIGN(round.plan, plan_shards(o, a.manifest, *cur));
    const ShardPlan& plan = round.plan;
    if (!session.swarm) {
        UTXO_TRY_ASSIGN(session.swarm, Swarm::start(swarm_options(o, a.offers)));
    }
    Swarm& swarm = *session.swarm;
    UTXO_TRY_ASSIGN(auto shards, release_torrent(a.offers, a.manifest, Part::shards, &swarm, &stop));
    keep_torrent(store, a.manifest, shards);

    std::optional<std::uint64_t> downloaded;
    std::uint64_t patched = 0;  // bytes of patches downloaded by a chain that stopped halfway
    if (*cur && found.adding.empty()) {
        UTXO_TRY_ASSIGN(auto moved, move_forward_along_chain(swarm, store, a, **cur, plan, o, tn, sources,
                                                             ready, stop, say));
        if (moved) {
            if (moved->stopped.empty()) {
                downloaded = moved->downloaded;
                say("moved forward with patches");
            } else {
                patched = moved->downloaded;
                log().info("the patch chain stopped after {} release(s): {}; fetching the shards",
                           moved->steps, moved->stopped);
            }
        }
    }
    if (!downloaded) {
        // Only the shards not held yet are downloaded when the installed release is extended.
        const auto& to_download = found.adding.empty() ? plan.shards : found.adding;
        UTXO_TRY_ASSIGN(downloaded, fetch_shards(swarm, store, a, shards, plan, to_download, o, stop, say));
        *downloaded += patched;
    }
    say(fmt::format("installed {} height {} ({} of {} shards, {} bytes downloaded)",
                    core::network_name(a.manifest.network), a.manifest.height.value, plan.shards.size(),
                    a.manifest.shard_count, *downloaded));
    republish(session, dht_found, a);
    round.downloaded = *downloaded;
    round.shards = std::move(shards);
    round.installed = std::move(*found.discovery.accepted);
    if (round.waiting) round.end_lines.push_back(waiting_line(*round.waiting));
    return round;
}

std::optional<ReleaseTorrent> installed_shards_torrent(const Installed& cur) {
    const auto path = cur.dir / "shards.torrent";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::nullopt;
    auto bytes = core::read_small_file(path, std::size_t{64} << 20);
    if (!bytes) return std::nullopt;
    std::string text = std::move(*bytes);
    auto facts = read_torrent_facts(text);
    if (!facts || !check_release_torrent(*facts, cur.manifest, Part::shards)) {
        log().warn("{}: not the installed release's shards torrent; not seeding from it", path.string());
        return std::nullopt;
    }
    return ReleaseTorrent{std::move(text), std::move(*facts), {}};
}

core::Result<std::uint64_t> seed_installed(FetchSession& session, const ReleaseTorrent& t,
                                           std::uint64_t upload_goal, std::chrono::seconds timeout,
                                           const ProgressFn& progress, const std::atomic<bool>& stop) {
    auto cur = session.store.installed();
    if (!cur || !*cur) return fail(Errc::io, "the installed release cannot be read back");
    const FetchOptions& o = session.options;
    if (!session.swarm) {
        UTXO_TRY_ASSIGN(session.swarm, Swarm::start(swarm_options(o, {})));
    }
    SeedJob job{t.bytes,
                (*cur)->dir,
                file_indices((*cur)->shards),
                t.peers,
                upload_goal,
                timeout,
                o.dht ? core::manifest_torrent(core::encode_manifest((*cur)->manifest)) : std::string()};
    return session.swarm->seed(job, progress, stop);
}

}  // namespace utxo::verifier

#include "seeder/daemon.h"

#include <fmt/format.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>
#include <set>
#include <thread>

#include "core/file_io.h"
#include "core/manifest_torrent.h"
#include "net/service_notify.h"
#include "seeder/dht_publisher.h"
#include "seeder/http_server.h"
#include "seeder/log.h"
#include "seeder/metrics.h"
#include "seeder/release_catalog.h"
#include "seeder/torrent_session.h"

namespace utxo::seeder {

namespace {

// How long a tracker is given to re-read its whitelist after SIGHUP before we announce a torrent it
// just gained. opentracker re-reads in a thread of its own and never says when it is done; an
// announce that still overtakes the reload is refused and retried (TorrentSession).
constexpr std::chrono::milliseconds kTrackerReload{200};

// Keeps the session's torrents in step with each new snapshot of the releases directory.
class Reconciler {
public:
    Reconciler(const Options& o, LinkConfig links, TorrentSession& session, CatalogBox& box, Metrics& metrics)
        : options_(o), links_(std::move(links)), session_(session), box_(box), metrics_(metrics) {}

    // The tracker learns of new infohashes before we first announce them: opentracker refuses an
    // infohash missing from its whitelist, and libtorrent waits the 30 minutes a refusal implies
    // (a tracker answer without "interval") before it announces again.
    void rescan() {
        auto previous = box_.get();
        auto scan = scan_releases(options_.releases, options_.keep, links_, previous.get());
        if (!scan) {
            report_once("root", scan.error().message);
            return;
        }
        for (const auto& p : scan->problems) report_once(p.dir.string(), p.message);
        auto next = std::make_shared<Catalog>(*scan->catalog);
        leaving_ = dropped_infohashes(*previous, *next);
        if (update_whitelist(*next) == Whitelist::grown_and_signalled)
            std::this_thread::sleep_for(kTrackerReload);
        std::erase_if(next->releases, [&](const Release& r) { return !seed(r); });
        drop(*previous, *next);
        metrics_.releases = next->releases.size();
        update_whitelist(*next);  // without the releases that could not be seeded
        box_.set(next);
        if (options_.prune) prune(*next);
    }

private:
    const Options& options_;
    LinkConfig links_;
    TorrentSession& session_;
    CatalogBox& box_;
    Metrics& metrics_;
    std::set<std::string> seeded_;
    std::set<std::string> reported_;  // problems already logged, so a bad directory logs once
    std::optional<std::set<core::InfoHash>> whitelist_;  // what the whitelist file holds, once written
    // Infohashes of the releases dropped by this rescan: they stay in the whitelist until the next
    // one, so the tracker accepts their "stopped" announces instead of refusing them.
    std::set<core::InfoHash> leaving_;

    static bool holds(const Catalog& c, const Release& r) {
        return std::any_of(c.releases.begin(), c.releases.end(),
                           [&](const Release& x) { return x.key() == r.key(); });
    }

    static std::set<core::InfoHash> dropped_infohashes(const Catalog& previous, const Catalog& next) {
        std::set<core::InfoHash> out;
        for (const auto& r : previous.releases) {
            if (holds(next, r)) continue;
            out.insert(r.shards.infohash);
            if (r.patches) out.insert(r.patches->infohash);
        }
        return out;
    }

    // Stops seeding the releases of `previous` (all of them seeded) that `next` no longer holds.
    void drop(const Catalog& previous, const Catalog& next) {
        for (const auto& r : previous.releases) {
            if (holds(next, r)) continue;
            session_.remove(r.key() + "/shards");
            session_.remove(r.key() + "/patches");
            session_.remove(r.key() + "/manifest");
            log().info("dropped {} (no longer among the newest {})", r.key(), options_.keep);
        }
        seeded_.clear();
        for (const auto& r : next.releases) seeded_.insert(r.key());
    }

    enum class Whitelist { unchanged, changed, grown_and_signalled };

    // Writes the tracker whitelist when the kept infohashes change (atomically: the tracker never
    // reads half a file), then asks the tracker to re-read it.
    Whitelist update_whitelist(const Catalog& catalog) {
        if (options_.tracker_whitelist.empty()) return Whitelist::unchanged;
        std::set<core::InfoHash> hashes = leaving_;  // byte order is the order of their lowercase hex
        for (const auto& r : catalog.releases) {
            hashes.insert(r.shards.infohash);
            if (r.patches) hashes.insert(r.patches->infohash);
        }
        if (whitelist_ == hashes) return Whitelist::unchanged;
        std::string text;
        for (const auto& h : hashes) text += h.to_hex() + "\n";
        if (auto s = core::write_file_atomically(options_.tracker_whitelist, core::as_bytes(text), 0644);
            !s) {
            report_once(options_.tracker_whitelist.string(), s.error().message);
            return Whitelist::unchanged;
        }
        const bool grown = !whitelist_ || !std::includes(whitelist_->begin(), whitelist_->end(),
                                                         hashes.begin(), hashes.end());
        whitelist_ = std::move(hashes);
        log().info("{}: {} infohashes", options_.tracker_whitelist.string(), whitelist_->size());
        if (options_.tracker_pid <= 0) return Whitelist::changed;
        if (::kill(options_.tracker_pid, SIGHUP) != 0) {
            report_once("--tracker-pid", fmt::format("cannot signal tracker pid {}: {}", options_.tracker_pid,
                                                     std::strerror(errno)));
            return Whitelist::changed;
        }
        return grown ? Whitelist::grown_and_signalled : Whitelist::changed;
    }

    void report_once(const std::string& what, const std::string& message) {
        if (reported_.insert(what + "\n" + message).second) log().warn("{}: {}", what, message);
    }

    // --prune: deletes the releases older than the newest `keep` being seeded. A failure is logged
    // once and retried at the next rescan; the daemon goes on.
    void prune(const Catalog& seeded) {
        for (const auto& dir : prunable_releases(seeded, options_.keep)) {
            if (auto s = delete_release(dir); !s) {
                report_once("--prune", s.error().message);
                continue;
            }
            auto name = dir.filename().string();
            if (name.starts_with(".pruning-")) name.erase(0, 9);  // a deletion finished at last
            log().info("pruned {}/{} (older than the newest {} being seeded)",
                       dir.parent_path().filename().string(), name, options_.keep);
        }
    }

    // Adds a release's torrents to the session unless already there; false if it cannot be seeded.
    bool seed(const Release& r) {
        if (seeded_.contains(r.key())) return true;
        for (const ReleaseTorrent* t : {&r.shards, r.torrent("patches")}) {
            if (!t) continue;
            if (auto s = session_.add(r.key() + "/" + t->part, t->original, r.dir, t->infohash); !s) {
                report_once(r.dir.string(), s.error().message);
                session_.remove(r.key() + "/shards");
                return false;
            }
        }
        log().info("seeding {} (shards {}{})", r.key(), r.shards.infohash.to_hex(),
                   r.patches ? ", patches " + r.patches->infohash.to_hex() : std::string());
        if (options_.dht) seed_manifest_torrent(r);
        return true;
    }

    // --dht: the release's manifest torrent (core/manifest_torrent.h), which a client that has only
    // the DHT pointers fetches manifest.json through. Trouble is logged; the release stays seeded.
    void seed_manifest_torrent(const Release& r) {
        const auto infohash = core::manifest_torrent_infohash(r.manifest);
        if (auto s = session_.add(r.key() + "/manifest", core::manifest_torrent(r.manifest), r.dir, infohash,
                                  false);
            !s)
            report_once(r.dir.string(), fmt::format("the manifest torrent: {}", s.error().message));
    }
};

enum class Signal { none, hangup, stop };

// Waits up to `timeout` for SIGINT, SIGTERM or SIGHUP (blocked, so they queue until taken here).
Signal wait_for_signal(const sigset_t& set, std::chrono::milliseconds timeout) {
    timespec ts{static_cast<time_t>(timeout.count() / 1000),
                static_cast<long>(timeout.count() % 1000) * 1000000};
    int sig = sigtimedwait(&set, nullptr, &ts);
    if (sig == SIGHUP) return Signal::hangup;
    if (sig <= 0) return Signal::none;
    log().info("signal {}: stopping", sig);
    net::notify_stopping();
    return Signal::stop;
}

// The STATUS= line for the service manager: what is seeded now.
std::string seeding_status(const CatalogBox& box) {
    auto catalog = box.get();
    if (!catalog || catalog->releases.empty()) return "seeding no release";
    return fmt::format("seeding {} release{}, newest {}", catalog->releases.size(),
                       catalog->releases.size() == 1 ? "" : "s", catalog->releases.front().key());
}

}  // namespace

core::Status run_seeder(const Options& options) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);  // reload (options.on_hangup) and rescan, never a stop
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    signal(SIGPIPE, SIG_IGN);  // a peer closing mid-write is an error code, not a death

    std::error_code ec;
    if (!std::filesystem::is_directory(options.releases, ec))
        return core::fail(core::Errc::usage,
                          fmt::format("--releases {}: not a directory", options.releases.string()));
    Metrics metrics;
    CatalogBox box;
    auto session = TorrentSession::start(options, metrics);
    UTXO_TRY(session);
    UTXO_TRY_ASSIGN(auto server, start_http_server(options, box, metrics));

    // Port 0 means "any": links must carry the ports actually bound.
    Options bound = options;
    bound.listen.port = (*session)->listen_port();
    bound.http.port = (server)->port();
    LinkConfig links{bound.http_base_url(), bound.peer_address(), options.trackers};
    log().info("BitTorrent on {}{}, HTTP on {}", bound.listen.to_string(),
               options.public_peer.host.empty() ? "" : fmt::format(" (peers told {})", links.peer),
               links.http_base_url);

    Reconciler reconciler(options, links, **session, box, metrics);
    reconciler.rescan();
    // After the first rescan: the releases are served at once, whatever the DHT takes to join.
    std::unique_ptr<DhtPublisher> publisher;
    if (options.dht) {
        UTXO_TRY_ASSIGN(publisher, DhtPublisher::start(options, metrics));
        publisher->offer(box.get());
    }
    std::string status = seeding_status(box);
    net::notify_ready(status);  // both listeners are bound and the releases are added
    for (Signal s; (s = wait_for_signal(set, options.rescan)) != Signal::stop;) {
        if (s == Signal::hangup) {
            net::notify_reloading();
            if (options.on_hangup) options.on_hangup();
            log().info("SIGHUP: rescanning {}", options.releases.string());
        }
        reconciler.rescan();
        if (publisher) publisher->offer(box.get());
        if (s == Signal::hangup) net::notify_reloaded();
        if (auto now = seeding_status(box); now != status) net::notify_status(status = std::move(now));
    }
    server.reset();  // stop answering first, then stop seeding
    publisher.reset();
    session->reset();
    log().info("stopped");
    return {};
}

}  // namespace utxo::seeder

// run_follow: rounds every interval, seeding in between, with its Prometheus series.
#include "verifier/follow.h"

#include <fmt/format.h>

#include <cmath>
#include <ctime>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

#include "core/release_age.h"
#include "net/service_notify.h"
#include "verifier/fetch_progress.h"
#include "verifier/fetch_session.h"
#include "verifier/freshness.h"
#include "verifier/log.h"

namespace utxo::verifier {

namespace {

using Clock = std::chrono::steady_clock;

// What /metrics tells about following (beside serve's own series); written by the follow thread,
// read by the HTTP thread.
class FollowStats {
public:
    void round(const std::string& result) {
        std::lock_guard lock(mutex_);
        ++rounds_[result];
        last_round_ = core::unix_now();
    }
    void downloaded(std::uint64_t n) { downloaded_ += n; }
    void uploaded(std::uint64_t n) { uploaded_ += n; }
    void peers(int n) { peers_ = n; }
    void seeding(bool on) { seeding_ = on; }
    void waiting(bool on) { waiting_ = on; }
    void freshness(const Freshness& f) {
        std::lock_guard lock(mutex_);
        signed_at_ = f.signed_at;
        stale_ = f.alarm.has_value();
    }

    std::string render() const {
        std::lock_guard lock(mutex_);
        std::string out =
            "# HELP utxo_follow_rounds_total Rounds of follow (discovery, agreement, install), by outcome.\n"
            "# TYPE utxo_follow_rounds_total counter\n";
        for (const char* r : {"installed", "up_to_date", "refused", "failed"}) {
            auto it = rounds_.find(r);
            out += fmt::format("utxo_follow_rounds_total{{result=\"{}\"}} {}\n", r,
                               it == rounds_.end() ? 0 : it->second);
        }
        auto series = [&](const char* name, const char* type, const char* help, auto value) {
            out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
        };
        series("utxo_follow_downloaded_bytes_total", "counter", "Payload bytes downloaded by this process.",
               downloaded_.load());
        series("utxo_follow_uploaded_bytes_total", "counter", "Payload bytes seeded by this process.",
               uploaded_.load());
        series("utxo_follow_peers", "gauge", "Peers connected while seeding (0 when not seeding).",
               peers_.load());
        series("utxo_follow_seeding", "gauge", "1 while the held release is being seeded.", seeding_ ? 1 : 0);
        series("utxo_follow_waiting_for_signatures", "gauge",
               "1 when a newer release waits only for authorities' signatures.", waiting_ ? 1 : 0);
        series("utxo_follow_last_round_timestamp_seconds", "gauge", "Unix time the last round ended.",
               last_round_);
        if (signed_at_)
            series("utxo_follow_release_signed_age_seconds", "gauge",
                   "Seconds since the held release was signed (its earliest counted signature).",
                   core::unix_now() - *signed_at_);
        series("utxo_follow_release_stale", "gauge",
               "1 when the held release, the newest the trustnet accepts, is older than its max-age.",
               stale_ ? 1 : 0);
        return out;
    }

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::uint64_t> rounds_;
    std::int64_t last_round_ = 0;
    std::atomic<std::uint64_t> downloaded_{0}, uploaded_{0};
    std::atomic<int> peers_{0};
    std::atomic<bool> seeding_{false}, waiting_{false};
    std::optional<std::int64_t> signed_at_;
    bool stale_ = false;
};

// Sleeps until `until`, `stop` or `check_now`, a quarter of a second at a time.
void wait_until(Clock::time_point until, const std::atomic<bool>& stop, const std::atomic<bool>& check_now) {
    while (Clock::now() < until && !stop.load() && !check_now.load())
        std::this_thread::sleep_for(
            std::min<Clock::duration>(std::chrono::milliseconds(250), until - Clock::now()));
}

// A stop flag for one seeding stretch: set by the process's stop or by check_now.
class SeedStop {
public:
    SeedStop(const std::atomic<bool>& stop, const std::atomic<bool>& check_now)
        : watcher_([this, &stop, &check_now] {
              while (!done_.load()) {
                  if (stop.load() || check_now.load()) flag_.store(true);
                  std::this_thread::sleep_for(std::chrono::milliseconds(100));
              }
          }) {}
    ~SeedStop() {
        done_.store(true);
        watcher_.join();
    }
    const std::atomic<bool>& flag() const { return flag_; }

private:
    std::atomic<bool> flag_{false}, done_{false};
    std::thread watcher_;
};

}  // namespace

core::Status run_follow(const FollowOptions& o, const std::atomic<bool>& stop, std::atomic<bool>& check_now,
                        const Say& say) {
    UTXO_TRY_ASSIGN(auto session, open_fetch_session(o.fetch));
    FollowStats stats;
    std::unique_ptr<EsploraServer> http;
    if (o.http) {
        ServeOptions serve = o.serve;
        serve.extra_metrics = [&stats] { return stats.render(); };
        UTXO_TRY_ASSIGN(http, EsploraServer::start(session->store, serve));
        if (serve.on_listening) serve.on_listening(http->port());
    }
    net::notify_ready("following");         // the store is open and locked, the API (if any) listens
    std::optional<ReleaseTorrent> seeding;  // the held release's shards torrent
    if (auto cur = session->store.installed(); cur && *cur) seeding = installed_shards_torrent(**cur);
    std::uint64_t downloaded = 0, uploaded = 0;
    std::string last_state;  // the up-to-date/waiting lines said last, so they are not repeated
    bool stale = false;      // the freeze alarm is on
    while (!stop.load()) {
        if (check_now.exchange(false) && o.on_hangup) o.on_hangup();
        const auto next = Clock::now() + o.interval;
        auto round = fetch_round(*session, stop, say);
        if (stop.load()) break;
        if (!round) {
            const bool refused = round.error().code == core::Errc::rejected;
            stats.round(refused ? "refused" : "failed");
            say(fmt::format("{}: {}; trying again in {} s", refused ? "refused" : "round failed",
                            round.error().message, o.interval.count()));
            last_state.clear();
        } else {
            stats.round(round->installed ? "installed" : "up_to_date");
            stats.waiting(round->waiting.has_value());
            if (round->installed) {
                downloaded += round->downloaded;
                stats.downloaded(round->downloaded);
                seeding = std::move(round->shards);
                last_state.clear();
            }
            std::string state;
            for (const auto& line : round->end_lines) state += line + "\n";
            if (state != last_state)
                for (const auto& line : round->end_lines) say(line);
            last_state = std::move(state);
            // The freeze alarm, said when it starts and when it clears.
            if (auto cur = session->store.installed(); cur && *cur) {
                net::notify_status(fmt::format("holding release {}", (*cur)->manifest.height.value));
                const auto f = freshness(**cur, &round->trustnet, core::unix_now());
                stats.freshness(f);
                if (f.alarm && !stale) say("alarm: " + *f.alarm);
                if (!f.alarm && stale)
                    say("alarm cleared: the held release is within the trustnet's max-age");
                stale = f.alarm.has_value();
            }
        }
        // Seed until the next round (or the ratio), then wait for it.
        while (!stop.load() && !check_now.load() && Clock::now() < next) {
            const double goal_bytes = o.fetch.seed_ratio * static_cast<double>(downloaded);
            const bool want = seeding && (o.seed_forever || static_cast<double>(uploaded) < goal_bytes);
            if (!want) {
                wait_until(next, stop, check_now);
                break;
            }
            const std::uint64_t goal = o.seed_forever
                                           ? std::numeric_limits<std::uint64_t>::max()
                                           : static_cast<std::uint64_t>(std::ceil(goal_bytes)) - uploaded;
            const auto left = std::chrono::ceil<std::chrono::seconds>(next - Clock::now());
            SeedStop seed_stop(stop, check_now);
            stats.seeding(true);
            auto up = seed_installed(
                *session, *seeding, goal, std::max(left, std::chrono::seconds(1)),
                [&](const TransferSample& s) { stats.peers(s.peers); }, seed_stop.flag());
            stats.seeding(false);
            stats.peers(0);
            if (!up) {
                say(fmt::format("seeding stopped: {}", up.error().message));
                wait_until(next, stop, check_now);
                break;
            }
            uploaded += *up;
            stats.uploaded(*up);
        }
    }
    net::notify_stopping();
    say(fmt::format("stopped: {} downloaded and {} seeded by this run", human_bytes(downloaded),
                    human_bytes(uploaded)));
    return {};
}

}  // namespace utxo::verifier

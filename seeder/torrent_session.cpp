// Everything that includes libtorrent. Settings follow docs/shared reference measurements: TCP
// only on loopback (uTP runs at ~5 MB/s there), torrents added unpaused and not auto-managed (so
// the first peers are not refused), known-good files claimed without hashing.
#include "seeder/torrent_session.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <libtorrent/alert_types.hpp>
#include <libtorrent/error_code.hpp>
#include <libtorrent/ip_filter.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/session_params.hpp>
#include <libtorrent/session_stats.hpp>
#include <libtorrent/torrent_info.hpp>
#include <map>
#include <mutex>
#include <thread>

#include "core/bytes.h"
#include "net/dht_settings.h"
#include "seeder/log.h"
#include "seeder/log_limit.h"

namespace utxo::seeder {

namespace lt = libtorrent;
using core::Errc;
using core::fail;

namespace {

// Announces a tracker refused that are retried soon (see retry_refused).
constexpr int kRefusalRetries = 5;

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool is_wildcard(const std::string& host) { return host == "0.0.0.0" || host == "::" || host.empty(); }

// The one place the session is configured.
lt::settings_pack make_settings(const Options& o) {
    lt::settings_pack p = lt::high_performance_seed();
    p.set_str(lt::settings_pack::listen_interfaces, o.listen.to_string());
    if (!is_wildcard(o.listen.host)) p.set_str(lt::settings_pack::outgoing_interfaces, o.listen.host);
    p.set_int(lt::settings_pack::max_retry_port_bind, 0);  // never silently listen on PORT+1
    p.set_bool(lt::settings_pack::enable_dht, o.dht);
    if (!o.dht) p.set_str(lt::settings_pack::dht_bootstrap_nodes, "");
    if (o.dht) net::apply_dht_settings(p, o.dht_nodes);  // its nodes, and the rules for a private DHT
    p.set_bool(lt::settings_pack::enable_lsd, o.lsd);
    p.set_bool(lt::settings_pack::enable_upnp, o.upnp);
    p.set_bool(lt::settings_pack::enable_natpmp, o.natpmp);
    p.set_bool(lt::settings_pack::enable_ip_notifier, false);
    p.set_bool(lt::settings_pack::enable_outgoing_utp, o.utp);
    p.set_bool(lt::settings_pack::enable_incoming_utp, o.utp);
    // Test swarms and NATed users put many peers behind one address.
    p.set_bool(lt::settings_pack::allow_multiple_connections_per_ip, true);
    p.set_int(lt::settings_pack::upload_rate_limit,
              static_cast<int>(std::min<std::int64_t>(o.upload_rate, INT32_MAX)));
    // Destroying the session sends "stopped" to every tracker that took our "started", and waits for
    // the answers at most this long: a clean stop is quick, and a tracker over the internet (name
    // lookup, connection, answer) still hears that we left.
    p.set_int(lt::settings_pack::stop_tracker_timeout, 3);
    p.set_str(lt::settings_pack::user_agent, "utxo-seeder/0.1");
    p.set_int(lt::settings_pack::alert_mask,
              static_cast<int>(static_cast<std::uint32_t>(
                  lt::alert_category::error | lt::alert_category::status | lt::alert_category::tracker |
                  lt::alert_category::storage | lt::alert_category::performance_warning)));
    return p;
}

}  // namespace

struct TorrentSession::Impl {
    Metrics& metrics;
    std::vector<std::string> trackers;
    lt::session session;
    mutable std::mutex mutex;
    std::map<std::string, lt::torrent_handle> torrents;
    std::atomic<bool> stop{false};
    std::thread loop;
    LogLimiter limiter{30};
    int peers_idx = lt::find_metric_idx("peer.num_peers_connected");
    int sent_idx = lt::find_metric_idx("net.sent_payload_bytes");

    Impl(const Options& o, Metrics& m)
        : metrics(m), trackers(o.trackers), session(lt::session_params{make_settings(o)}) {}

    void warn_limited(const std::string& text) {
        std::uint64_t dropped = 0;
        if (!limiter.allow(dropped)) return;
        if (dropped)
            log().warn("bittorrent: {} ({} similar messages dropped)", text, dropped);
        else
            log().warn("bittorrent: {}", text);
    }

    void handle(lt::alert* a) {
        if (auto* s = lt::alert_cast<lt::session_stats_alert>(a)) {
            auto c = s->counters();
            if (peers_idx >= 0) metrics.peers = static_cast<std::uint64_t>(c[peers_idx]);
            if (sent_idx >= 0) metrics.bytes_uploaded = static_cast<std::uint64_t>(c[sent_idx]);
        } else if (auto* t = lt::alert_cast<lt::tracker_reply_alert>(a)) {
            metrics.tracker_announced(t->tracker_url(), true, unix_now());
            log().debug("tracker {}: {} peers", t->tracker_url(), t->num_peers);
        } else if (auto* e = lt::alert_cast<lt::tracker_error_alert>(a)) {
            metrics.tracker_announced(e->tracker_url(), false, unix_now());
            retry_refused(*e);
            warn_limited(a->message());
        } else if (auto* w = lt::alert_cast<lt::tracker_warning_alert>(a)) {
            metrics.tracker_warned(w->tracker_url());
            warn_limited(a->message());
        } else if (a->category() & (lt::alert_category::error | lt::alert_category::performance_warning)) {
            warn_limited(a->message());
        }
    }

    // A tracker that refuses an infohash (opentracker: not in its whitelist) gets the next announce
    // only after the 30 minutes libtorrent assumes when a refusal names no interval. Our whitelist
    // is written before a torrent is added, but opentracker re-reads it on SIGHUP in a thread of
    // its own, so a first announce can still overtake the reload: announce again after about 1, 2,
    // 4, 8 and 16 s, then leave it to libtorrent.
    static void retry_refused(const lt::tracker_error_alert& e) {
        if (e.error != lt::errors::tracker_failure || e.times_in_row < 1 || e.times_in_row > kRefusalRetries)
            return;
        const int delay = 1 << (e.times_in_row - 1);
        try {
            e.handle.force_reannounce(delay);
        } catch (const std::exception&) {
            return;  // the torrent was removed meanwhile
        }
        log().debug("tracker {} refused {}: announcing again in {} s", e.tracker_url(), e.torrent_name(),
                    delay);
    }

    // Drains alerts and asks for fresh session counters once a second.
    void run() {
        auto next_stats = std::chrono::steady_clock::now();
        while (!stop) {
            session.wait_for_alert(std::chrono::milliseconds(250));
            std::vector<lt::alert*> alerts;
            session.pop_alerts(&alerts);
            for (auto* a : alerts) handle(a);
            if (std::chrono::steady_clock::now() >= next_stats) {
                session.post_session_stats();
                next_stats += std::chrono::seconds(1);
            }
        }
    }

    // Waits for the TCP listen socket: libtorrent binds asynchronously and reports by alert.
    [[nodiscard]] core::Status wait_listening(const Options& o) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (std::chrono::steady_clock::now() < deadline) {
            session.wait_for_alert(std::chrono::milliseconds(100));
            std::vector<lt::alert*> alerts;
            session.pop_alerts(&alerts);
            for (auto* a : alerts) {
                if (auto* f = lt::alert_cast<lt::listen_failed_alert>(a);
                    f && f->socket_type == lt::socket_type_t::tcp)
                    return fail(Errc::io, fmt::format("cannot listen on {}: {}", o.listen.to_string(),
                                                      f->error.message()));
                auto* s = lt::alert_cast<lt::listen_succeeded_alert>(a);
                if (!s || s->socket_type != lt::socket_type_t::tcp) continue;
                // With the port taken, libtorrent 2.0.8 was seen listening on an ephemeral port
                // instead, even with max_retry_port_bind 0: peers and magnets would miss us.
                if (o.listen.port != 0 && s->port != o.listen.port)
                    return fail(Errc::io,
                                fmt::format("cannot listen on {}: the port is in use", o.listen.to_string()));
                return {};
            }
        }
        return fail(Errc::io,
                    fmt::format("cannot listen on {}: no answer from libtorrent", o.listen.to_string()));
    }
};

TorrentSession::TorrentSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

core::Result<std::unique_ptr<TorrentSession>> TorrentSession::start(const Options& options,
                                                                    Metrics& metrics) {
    std::unique_ptr<Impl> impl;
    try {
        impl = std::make_unique<Impl>(options, metrics);
    } catch (const std::exception& e) {
        return fail(Errc::io, fmt::format("cannot start the BitTorrent session: {}", e.what()));
    }
    UTXO_TRY(impl->wait_listening(options));
    if (options.dht) net::add_dht_nodes(impl->session, options.dht_nodes);
    if (options.upload_rate > 0) {
        // Loopback and LAN peers sit in libtorrent's local class, which ignores rate limits; put
        // every address in the global class so the cap holds for them too.
        lt::ip_filter f;
        f.add_rule(lt::make_address_v4("0.0.0.0"), lt::make_address_v4("255.255.255.255"),
                   1u << static_cast<std::uint32_t>(lt::session::global_peer_class_id));
        f.add_rule(lt::make_address_v6("::"), lt::make_address_v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
                   1u << static_cast<std::uint32_t>(lt::session::global_peer_class_id));
        impl->session.set_peer_class_filter(f);
    }
    auto* raw = impl.get();
    impl->loop = std::thread([raw] { raw->run(); });
    return std::unique_ptr<TorrentSession>(new TorrentSession(std::move(impl)));
}

TorrentSession::~TorrentSession() {
    impl_->stop = true;
    if (impl_->loop.joinable()) impl_->loop.join();
    lt::session_proxy proxy = impl_->session.abort();
    impl_.reset();  // the proxy outlives the session object and waits for the network thread
}

core::Status TorrentSession::add(const std::string& key, std::string_view torrent,
                                 const std::filesystem::path& save_path, const core::InfoHash& infohash,
                                 bool to_trackers) {
    lt::error_code ec;
    auto ti = std::make_shared<lt::torrent_info>(
        lt::span<char const>(torrent.data(), static_cast<std::ptrdiff_t>(torrent.size())), ec, lt::from_span);
    if (ec)
        return fail(Errc::invalid,
                    fmt::format("{}: libtorrent cannot read the torrent: {}", key, ec.message()));
    const lt::sha1_hash& v1 = ti->info_hashes().v1;
    if (core::InfoHash::from_bytes({reinterpret_cast<const std::uint8_t*>(v1.data()),
                                    static_cast<std::size_t>(v1.size())}) != infohash)
        return fail(Errc::mismatch, fmt::format("{}: the torrent's infohash is not the manifest's", key));
    lt::add_torrent_params atp;
    atp.ti = ti;
    atp.save_path = save_path.string();
    atp.have_pieces.resize(ti->num_pieces(), true);  // trusted: no hashing, seeding starts at once
    atp.flags &= ~(lt::torrent_flags::paused | lt::torrent_flags::auto_managed);
    if (to_trackers) atp.trackers = impl_->trackers;
    std::lock_guard lock(impl_->mutex);
    if (impl_->torrents.contains(key)) return {};
    auto h = impl_->session.add_torrent(std::move(atp), ec);
    if (ec)
        return fail(Errc::io, fmt::format("{}: libtorrent cannot add the torrent: {}", key, ec.message()));
    impl_->torrents.emplace(key, h);
    return {};
}

void TorrentSession::remove(const std::string& key) {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->torrents.find(key);
    if (it == impl_->torrents.end()) return;
    impl_->session.remove_torrent(it->second);  // no delete_files: releases stay on disk
    impl_->torrents.erase(it);
}

std::vector<std::string> TorrentSession::keys() const {
    std::lock_guard lock(impl_->mutex);
    std::vector<std::string> out;
    for (const auto& [k, h] : impl_->torrents) out.push_back(k);
    return out;
}

std::uint16_t TorrentSession::listen_port() const { return impl_->session.listen_port(); }

}  // namespace utxo::seeder

// The verifier's libtorrent session (its disk backend is in hashing_disk_io.cpp). Torrents are
// added neither paused nor auto-managed (libtorrent's default paused|auto_managed resumes them about
// a second later, and peers that connect meanwhile get EOF); several connections per IP are allowed
// (libtorrent's allow_multiple_connections_per_ip is off by default, and every peer on loopback
// shares one IP); LSD/UPnP/NAT-PMP are off and the DHT is too unless fetch --dht asks for it
// (peers come from the seeder's x.pe hint, its trackers, its web seed and then the DHT); alerts are
// drained in one loop.
#include "verifier/fetch_torrent.h"

#include <fmt/format.h>

#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/address.hpp>
#include <libtorrent/alert_types.hpp>
#include <libtorrent/magnet_uri.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/session_params.hpp>
#include <libtorrent/settings_pack.hpp>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_info.hpp>
#include <libtorrent/torrent_status.hpp>
#include <thread>

#include "core/bytes.h"
#include "net/dht_settings.h"
#include "verifier/hashing_disk_io.h"
#include "verifier/log.h"

namespace utxo::verifier {

using core::Errc;
using core::fail;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kMaxTorrentBytes = 64u << 20;

std::string hex_of(const lt::sha1_hash& h) {
    return core::to_hex(
        {reinterpret_cast<const std::uint8_t*>(h.data()), static_cast<std::size_t>(h.size())});
}

std::unexpected<core::Error> unusable_torrent(std::string_view reason) {
    return fail(Errc::invalid, fmt::format("not a usable .torrent file ({})", reason));
}

// The session's own copy of a torrent, within the bounds of read_torrent_facts (libtorrent's
// max_buffer_size applies only to files it reads itself, so the size is checked here).
[[nodiscard]] core::Result<std::shared_ptr<const lt::torrent_info>> parse_torrent(std::string_view torrent) {
    if (torrent.size() > kMaxTorrentBytes)
        return unusable_torrent(fmt::format("larger than {} bytes", kMaxTorrentBytes));
    try {
        return std::make_shared<const lt::torrent_info>(
            lt::span<const char>(torrent.data(), static_cast<std::ptrdiff_t>(torrent.size())),
            lt::load_torrent_limits{}, lt::from_span);
    } catch (const std::exception& e) {
        return unusable_torrent(e.what());
    }
}

lt::settings_pack session_settings(const SwarmOptions& o) {
    lt::settings_pack p;
    p.set_str(lt::settings_pack::listen_interfaces, o.listen);
    p.set_int(lt::settings_pack::max_retry_port_bind, 0);  // P4: never listen somewhere unasked
    p.set_bool(lt::settings_pack::enable_dht, false);
    p.set_str(lt::settings_pack::dht_bootstrap_nodes, "");
    if (o.dht_nodes) net::apply_dht_settings(p, *o.dht_nodes);
    // A release torrent of 65536 shards has ~3 MB of metadata (libtorrent's default limit).
    p.set_int(lt::settings_pack::max_metadata_size, static_cast<int>(kMaxTorrentBytes));
    p.set_bool(lt::settings_pack::enable_lsd, false);
    p.set_bool(lt::settings_pack::enable_upnp, false);
    p.set_bool(lt::settings_pack::enable_natpmp, false);
    p.set_bool(lt::settings_pack::enable_ip_notifier, false);
    p.set_bool(lt::settings_pack::enable_outgoing_utp, !o.tcp_only);
    p.set_bool(lt::settings_pack::allow_multiple_connections_per_ip, true);
    p.set_int(lt::settings_pack::stop_tracker_timeout, 2);
    // Throughput knobs from reference §3.2 that cost fixed memory, not memory per byte of the set.
    p.set_int(lt::settings_pack::max_queued_disk_bytes, 8 << 20);
    p.set_int(lt::settings_pack::max_out_request_queue, 1500);
    p.set_int(lt::settings_pack::send_buffer_watermark, 3 << 20);
    p.set_int(lt::settings_pack::send_buffer_low_watermark, 1 << 20);
    // libtorrent sizes a peer's receive buffer to what its socket holds, and the kernel grows an
    // unbounded socket buffer to several MB on a fast link: the peak memory of a download then
    // rose with its length (bigger bursts over a longer transfer), 33-36 -> 48-52 MB for
    // 7 x the set at one capped rate. 1 MiB per socket keeps it flat (22 -> 22-27 MB) and cost no
    // throughput on loopback; it still allows 20 MB/s per peer at 50 ms round trip.
    p.set_int(lt::settings_pack::recv_socket_buffer_size, 1 << 20);
    // Long round trips (issue 14; tests/verifier/slow_link_tests.cpp measures them through a
    // delaying proxy). libtorrent keeps request_queue_time seconds of a peer's measured rate
    // requested; when the round trip is longer, the queue and the rate it measures shrink each
    // other down to 2 blocks a round trip ("if the latency is more than this, the download will
    // stall", peer_connection.cpp): with the default 3 s, 578 KiB over a 4 s round trip capped at
    // 1 MB/s took 73 s. 20 s keeps a peer busy up to a 20 s round trip (its piece_timeout); the
    // queue stays within max_out_request_queue, so fast links are unchanged.
    p.set_int(lt::settings_pack::request_queue_time, 20);
    // An outgoing connection's handshake comes back 2 round trips after the connect began (SYN,
    // then the handshake): the default 10 s dropped every peer beyond a 5 s round trip.
    p.set_int(lt::settings_pack::handshake_timeout, 40);
    p.set_int(lt::settings_pack::alert_mask,
              static_cast<int>(static_cast<std::uint32_t>(
                  lt::alert_category::error | lt::alert_category::status | lt::alert_category::storage |
                  lt::alert_category::file_progress)));
    return p;
}

void connect_hints(lt::torrent_handle& h, const std::vector<HostPort>& peers) {
    for (const auto& p : peers) {
        lt::error_code ec;
        auto address = lt::make_address(p.host, ec);
        if (ec) {
            log().debug("peer hint {} is not an IP address; left to the trackers", p.host);
            continue;
        }
        h.connect_peer(lt::tcp::endpoint(address, p.port));
    }
}

TransferSample sample_of(const lt::torrent_status& st) {
    TransferSample s;
    s.done = static_cast<std::uint64_t>(st.total_wanted_done);
    s.wanted = static_cast<std::uint64_t>(st.total_wanted);
    s.rate = static_cast<std::uint64_t>(st.download_payload_rate);
    s.peers = st.num_peers;
    s.checking = st.state == lt::torrent_status::checking_files ||
                 st.state == lt::torrent_status::checking_resume_data;
    return s;
}

}  // namespace

core::Result<net::TorrentContents> read_torrent_facts(std::string_view torrent) {
    auto contents = net::read_torrent(torrent, {.max_bytes = kMaxTorrentBytes});
    if (!contents) return unusable_torrent(contents.error().message);
    return contents;
}

struct Swarm::Impl {
    lt::session session;
    SwarmOptions options;

    Impl(lt::session_params params, SwarmOptions o) : session(std::move(params)), options(std::move(o)) {}

    // Waits until libtorrent reports its listen sockets; fails only if none could be opened.
    [[nodiscard]] core::Status await_listen() {
        bool any = false;
        std::string failure;
        for (auto until = Clock::now() + std::chrono::seconds(3); Clock::now() < until && !any;) {
            session.wait_for_alert(std::chrono::milliseconds(100));
            std::vector<lt::alert*> alerts;
            session.pop_alerts(&alerts);
            for (auto* a : alerts) {
                if (lt::alert_cast<lt::listen_succeeded_alert>(a)) any = true;
                if (auto* f = lt::alert_cast<lt::listen_failed_alert>(a)) failure = f->message();
            }
            if (!failure.empty() && !any && session.listen_port() == 0 && !session.is_listening()) break;
        }
        if (!any && !session.is_listening())
            return fail(Errc::io, fmt::format("cannot listen on {} ({})", options.listen,
                                              failure.empty() ? "no socket opened" : failure));
        return {};
    }

    [[nodiscard]] core::Result<lt::torrent_handle> add(std::string_view torrent,
                                                       const std::filesystem::path& save_path,
                                                       const std::vector<int>& files, bool trust_all) {
        auto ti = parse_torrent(torrent);
        UTXO_TRY(ti);
        lt::add_torrent_params atp;
        atp.ti = std::const_pointer_cast<lt::torrent_info>(*ti);
        if (!options.web_seeds) {  // a private copy without the url-list
            auto copy = std::make_shared<lt::torrent_info>(**ti);
            copy->set_web_seeds({});
            atp.ti = std::move(copy);
        }
        atp.save_path = save_path.string();
        atp.file_priorities.assign(static_cast<std::size_t>((*ti)->num_files()), lt::dont_download);
        for (int i : files) atp.file_priorities.at(static_cast<std::size_t>(i)) = lt::default_priority;
        // A store's verified files are seeded without re-hashing (reference §7, "trust").
        if (trust_all) atp.have_pieces.resize((*ti)->num_pieces(), true);
        atp.flags &= ~(lt::torrent_flags::paused | lt::torrent_flags::auto_managed);
        lt::error_code ec;
        lt::torrent_handle h = session.add_torrent(std::move(atp), ec);
        if (ec) return fail(Errc::io, fmt::format("libtorrent refused the torrent ({})", ec.message()));
        return h;
    }

    // Removes the torrent and waits until libtorrent let go of it, so its files are complete on
    // disk and the same torrent can be added again.
    void remove(lt::torrent_handle& h) {
        h.flush_cache();
        session.remove_torrent(h);
        for (auto until = Clock::now() + std::chrono::seconds(10); Clock::now() < until;) {
            session.wait_for_alert(std::chrono::milliseconds(100));
            std::vector<lt::alert*> alerts;
            session.pop_alerts(&alerts);
            for (auto* a : alerts)
                if (lt::alert_cast<lt::torrent_removed_alert>(a)) return;
        }
    }
};

core::Result<Swarm> Swarm::start(const SwarmOptions& options) {
    try {
        lt::session_params params(session_settings(options));
        // pread/pwrite instead of mmap: mapped file pages count as the process's memory, so with
        // mmap the resident size would grow with the set being downloaded. Pieces are hashed as
        // they are written (hashing_disk_io.h).
        params.disk_io_constructor = hashing_posix_disk_io();
        auto impl = std::make_unique<Impl>(std::move(params), options);
        UTXO_TRY(impl->await_listen());
        if (options.dht_nodes) net::add_dht_nodes(impl->session, *options.dht_nodes);
        return Swarm(std::move(impl));
    } catch (const std::exception& e) {
        return fail(Errc::io, fmt::format("cannot start BitTorrent ({})", e.what()));
    }
}

Swarm::Swarm(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Swarm::~Swarm() = default;
Swarm::Swarm(Swarm&&) noexcept = default;
Swarm& Swarm::operator=(Swarm&&) noexcept = default;

namespace {

// What the alerts of one loop turn said that matters to a transfer.
struct AlertTally {
    int hash_failures = 0;
    std::string error;                 // first disk or torrent error
    std::vector<int> files_completed;  // since the last drain
};

void drain(lt::session& session, AlertTally& t) {
    std::vector<lt::alert*> alerts;
    session.pop_alerts(&alerts);
    for (auto* a : alerts) {
        if (auto* fc = lt::alert_cast<lt::file_completed_alert>(a)) {
            t.files_completed.push_back(static_cast<int>(fc->index));
        } else if (lt::alert_cast<lt::hash_failed_alert>(a)) {
            ++t.hash_failures;
            log().debug("{}", a->message());
        } else if (auto* fe = lt::alert_cast<lt::file_error_alert>(a)) {
            if (t.error.empty()) t.error = fmt::format("{}: {}", fe->filename(), fe->error.message());
        } else if (auto* te = lt::alert_cast<lt::torrent_error_alert>(a)) {
            if (t.error.empty()) t.error = te->error.message();
        }
    }
}

}  // namespace

core::Result<std::uint64_t> Swarm::download(const DownloadJob& job, const ProgressFn& progress,
                                            const std::atomic<bool>& stop) {
    UTXO_TRY_ASSIGN(auto h, impl_->add(job.torrent, job.save_path, job.wanted, false));
    connect_hints(h, job.peers);
    AlertTally tally;
    auto last_gain = Clock::now(), last_connect = Clock::now();
    std::uint64_t best = 0;
    core::Status outcome;
    lt::torrent_status st;
    for (;;) {
        impl_->session.wait_for_alert(std::chrono::milliseconds(200));
        drain(impl_->session, tally);
        if (job.file_completed)
            for (int f : tally.files_completed) job.file_completed(f);
        tally.files_completed.clear();
        st = h.status();
        auto s = sample_of(st);
        if (progress) progress(s);
        auto now = Clock::now();
        if (s.done > best || s.checking) last_gain = now, best = std::max(best, s.done);
        if (!tally.error.empty()) {
            outcome = fail(Errc::io, fmt::format("disk trouble while downloading ({})", tally.error));
            break;
        }
        if (st.is_finished && !s.checking) break;
        if (stop.load()) {
            outcome = fail(Errc::io, "interrupted; run fetch again to resume");
            break;
        }
        if (now - last_gain > impl_->options.stall_timeout) {
            outcome =
                tally.hash_failures > 0
                    ? fail(Errc::mismatch,
                           fmt::format(
                               "{} piece(s) failed the torrent's hash check and no good copy came in {} s: "
                               "the sources serve data that does not match the signed release",
                               tally.hash_failures, impl_->options.stall_timeout.count()))
                    : fail(Errc::io, fmt::format("no data arrived for {} s ({} peers connected)",
                                                 impl_->options.stall_timeout.count(), s.peers));
            break;
        }
        if (s.peers == 0 && now - last_connect > std::chrono::seconds(2)) {
            connect_hints(h, job.peers);  // the seeder may have restarted or dropped us
            last_connect = now;
        }
    }
    auto downloaded = static_cast<std::uint64_t>(st.total_payload_download);
    auto infohash = hex_of(h.info_hashes().v1);
    impl_->remove(h);
    UTXO_TRY(outcome);
    // The edge pieces shared with unwanted files sat in this file; the store must not see it.
    std::error_code ec;
    std::filesystem::remove(job.save_path / ("." + infohash + ".parts"), ec);
    return downloaded;
}

core::Result<std::string> Swarm::fetch_metadata(const core::InfoHash& infohash,
                                                const std::vector<HostPort>& peers,
                                                const std::atomic<bool>& stop) {
    lt::add_torrent_params atp;
    atp.info_hashes.v1 = lt::sha1_hash(reinterpret_cast<const char*>(infohash.data()));
    atp.save_path = std::filesystem::temp_directory_path().string();
    // upload_mode: nothing is downloaded or written when the metadata arrives.
    atp.flags |= lt::torrent_flags::upload_mode;
    atp.flags &= ~(lt::torrent_flags::paused | lt::torrent_flags::auto_managed);
    lt::error_code ec;
    lt::torrent_handle h = impl_->session.add_torrent(std::move(atp), ec);
    if (ec)
        return fail(Errc::io,
                    fmt::format("libtorrent refused the infohash {} ({})", infohash.to_hex(), ec.message()));
    connect_hints(h, peers);
    core::Status outcome =
        fail(Errc::io, fmt::format("no peer gave the metadata of {} within {} s", infohash.to_hex(),
                                   impl_->options.stall_timeout.count()));
    std::string torrent;
    auto last_connect = Clock::now();
    for (auto until = Clock::now() + impl_->options.stall_timeout; Clock::now() < until;) {
        if (stop.load()) {
            outcome = fail(Errc::io, "interrupted; run fetch again to resume");
            break;
        }
        impl_->session.wait_for_alert(std::chrono::milliseconds(200));
        std::vector<lt::alert*> alerts;
        impl_->session.pop_alerts(&alerts);
        bool received = false;
        for (auto* a : alerts)
            if (auto* m = lt::alert_cast<lt::metadata_received_alert>(a); m && m->handle == h)
                received = true;
        if (received || h.status().has_metadata) {
            auto ti = h.torrent_file();
            if (!ti) continue;
            auto info = ti->info_section();
            torrent = "d4:info" + std::string(info.data(), static_cast<std::size_t>(info.size())) + "e";
            outcome = {};
            break;
        }
        if (h.status().num_peers == 0 && Clock::now() - last_connect > std::chrono::seconds(2)) {
            connect_hints(h, peers);
            last_connect = Clock::now();
        }
    }
    impl_->remove(h);
    UTXO_TRY(outcome);
    return torrent;
}

core::Result<std::uint64_t> Swarm::seed(const SeedJob& job, const ProgressFn& progress,
                                        const std::atomic<bool>& stop) {
    UTXO_TRY_ASSIGN(auto ti, parse_torrent(job.torrent));
    bool all = static_cast<int>(job.held.size()) == (ti)->num_files();
    // A wallet's subset is checked by libtorrent (a few files); the full set is trusted.
    UTXO_TRY_ASSIGN(auto h, impl_->add(job.torrent, job.save_path, job.held, all));
    connect_hints(h, job.peers);
    std::optional<lt::torrent_handle> manifest;
    if (!job.manifest_torrent.empty()) {
        // Its one file is the installed manifest.json, whose bytes install checked: trusted.
        auto m = impl_->add(job.manifest_torrent, job.save_path, {0}, true);
        if (m)
            manifest = *m;
        else
            log().warn("not seeding the manifest torrent: {}", m.error().message);
    }
    AlertTally tally;
    std::uint64_t uploaded = 0;
    for (auto until = Clock::now() + job.timeout; Clock::now() < until && !stop.load();) {
        impl_->session.wait_for_alert(std::chrono::milliseconds(250));
        drain(impl_->session, tally);
        tally.files_completed.clear();
        auto st = h.status();
        uploaded = static_cast<std::uint64_t>(st.total_payload_upload);
        if (progress)
            progress({uploaded, job.upload_goal, static_cast<std::uint64_t>(st.upload_payload_rate),
                      st.num_peers, false});
        if (!tally.error.empty() || uploaded >= job.upload_goal) break;
    }
    impl_->remove(h);
    if (manifest) impl_->remove(*manifest);
    if (!tally.error.empty())
        return fail(Errc::io, fmt::format("disk trouble while seeding ({})", tally.error));
    return uploaded;
}

}  // namespace utxo::verifier

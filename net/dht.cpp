// The DHT node (net/dht.h): a libtorrent session with the DHT on and nothing else, driven by its
// alerts. libtorrent is linked PRIVATE: its headers and ABI defines stay in this file and
// dht_settings.cpp.
#include "net/dht.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <libtorrent/address.hpp>
#include <libtorrent/alert_types.hpp>
#include <libtorrent/bdecode.hpp>
#include <libtorrent/bencode.hpp>
#include <libtorrent/entry.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/session_params.hpp>
#include <libtorrent/settings_pack.hpp>
#include <mutex>
#include <type_traits>
#include <utility>

#include "net/dht_settings.h"
#include "net/log.h"

namespace utxo::net {

namespace lt = libtorrent;
using core::Errc;
using core::fail;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr std::size_t kMaxSaltBytes = 64;   // BEP 44
constexpr milliseconds kStatsInterval{50};  // how often start() asks for the DHT's routing table

std::string short_key(const std::array<std::uint8_t, 32>& key) {
    return fmt::format("{:02x}", fmt::join(key.begin(), key.begin() + 4, ""));
}

milliseconds since(Clock::time_point t) { return std::chrono::duration_cast<milliseconds>(Clock::now() - t); }

std::array<char, 32> lt_key(const std::array<std::uint8_t, 32>& key) {
    std::array<char, 32> out{};
    std::memcpy(out.data(), key.data(), out.size());
    return out;
}

std::string bencode(const lt::entry& e) {
    std::string out;
    lt::bencode(std::back_inserter(out), e);
    return out;
}

// Pops the session's alerts until `on_alert` says done (returns true) or the deadline passes;
// false at the deadline. `tick`, when given, runs before every wait. The deadline may move:
// `deadline_of` is asked again before every wait.
template <class Deadline, class OnAlert, class Tick>
requires std::is_invocable_r_v<Clock::time_point, Deadline>
bool pump(lt::session& session, Deadline&& deadline_of, OnAlert&& on_alert, Tick&& tick) {
    std::vector<lt::alert*> alerts;
    for (;;) {
        tick();
        const auto now = Clock::now();
        const auto deadline = deadline_of();
        if (now >= deadline) return false;
        session.wait_for_alert(
            std::min(std::chrono::duration_cast<milliseconds>(deadline - now), kStatsInterval));
        session.pop_alerts(&alerts);
        for (lt::alert* a : alerts) {
            if (on_alert(a)) return true;
        }
    }
}

// The same with a fixed deadline.
template <class OnAlert, class Tick>
bool pump(lt::session& session, Clock::time_point deadline, OnAlert&& on_alert, Tick&& tick) {
    return pump(
        session, [deadline] { return deadline; }, on_alert, tick);
}

// Alerts left over from an earlier call (a lookup that ended after its deadline), dropped.
void drain(lt::session& session) {
    std::vector<lt::alert*> alerts;
    session.pop_alerts(&alerts);
}

}  // namespace

struct Dht::Impl {
    explicit Impl(lt::session_params params) : session(std::move(params)) {}
    std::mutex mutex;  // one call at a time: each pumps the session's alerts
    lt::session session;
    HostPort endpoint;
};

Dht::Dht(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Dht::Dht(Dht&&) noexcept = default;
Dht& Dht::operator=(Dht&&) noexcept = default;
Dht::~Dht() = default;

core::Result<Dht> Dht::start(const DhtOptions& options) {
    lt::error_code ec;
    static_cast<void>(lt::make_address(options.listen.host, ec));
    if (ec)
        return fail(Errc::usage,
                    fmt::format("DHT listen address '{}' is not a numeric address", options.listen.host));

    lt::settings_pack pack;
    pack.set_str(lt::settings_pack::listen_interfaces, options.listen.to_string());
    // An explicit port is that port or an error; port 0 lets the system choose (TCP first, then UDP
    // on the same port, or any free one when that is taken).
    pack.set_int(lt::settings_pack::max_retry_port_bind, 0);
    pack.set_bool(lt::settings_pack::listen_system_port_fallback, options.listen.port == 0);
    pack.set_bool(lt::settings_pack::enable_lsd, false);
    pack.set_bool(lt::settings_pack::enable_upnp, false);
    pack.set_bool(lt::settings_pack::enable_natpmp, false);
    pack.set_bool(lt::settings_pack::enable_ip_notifier, false);
    pack.set_int(lt::settings_pack::alert_mask,
                 static_cast<int>(static_cast<std::uint32_t>(
                     lt::alert_category::dht | lt::alert_category::error | lt::alert_category::status)));
    apply_dht_settings(pack, options.nodes, options.private_dht);

    std::unique_ptr<Impl> impl;
    try {
        impl = std::make_unique<Impl>(lt::session_params(std::move(pack)));
    } catch (const std::exception& e) {
        return fail(Errc::io,
                    fmt::format("cannot start a DHT node on {}: {}", options.listen.to_string(), e.what()));
    }
    add_dht_nodes(impl->session, options.nodes);

    // Running: the DHT node has its UDP socket (dht_stats_alert names it). With nodes (given or the
    // public bootstrap ones) also wait for a first node in the routing table.
    const bool wait_for_nodes = !(options.nodes.empty() && options.private_dht);
    const auto t0 = Clock::now();
    const auto deadline = t0 + options.start_timeout;
    std::optional<HostPort> running;
    int routing_nodes = 0;
    std::optional<core::Error> error;
    auto next_stats = t0;
    const bool ready = pump(
        impl->session, deadline,
        [&](lt::alert* a) {
            if (auto* failed = lt::alert_cast<lt::listen_failed_alert>(a)) {
                error =
                    core::Error{Errc::io, fmt::format("cannot listen on {} for the DHT: {}",
                                                      options.listen.to_string(), failed->error.message())};
                return true;
            }
            if (auto* stats = lt::alert_cast<lt::dht_stats_alert>(a)) {
                const lt::udp::endpoint& ep = stats->local_endpoint;
                if (ep.port() != 0 && !running) running = HostPort{ep.address().to_string(), ep.port()};
                routing_nodes = 0;
                for (const auto& bucket : stats->routing_table) routing_nodes += bucket.num_nodes;
                return running && (!wait_for_nodes || routing_nodes > 0);
            }
            return false;
        },
        [&] {
            if (Clock::now() >= next_stats) {
                impl->session.post_dht_stats();
                next_stats = Clock::now() + kStatsInterval;
            }
        });
    if (error) return std::unexpected(*error);
    if (!running)
        return fail(Errc::io, fmt::format("the DHT node on {} did not start within {} ms",
                                          options.listen.to_string(), options.start_timeout.count()));
    if (!ready && !options.nodes.empty()) {
        std::vector<std::string> names;
        for (const auto& n : options.nodes) names.push_back(n.to_string());
        return fail(Errc::io, fmt::format("no DHT node answered within {} ms ({})",
                                          options.start_timeout.count(), fmt::join(names, ", ")));
    }
    if (!ready)
        dht_log().warn("DHT node on {}: no bootstrap node answered within {} ms; still trying",
                       running->to_string(), options.start_timeout.count());
    impl->endpoint = *running;
    dht_log().info("DHT node on {} ({}, {} node(s) known after {} ms)", running->to_string(),
                   options.nodes.empty() ? (options.private_dht ? "private, first node" : "public bootstrap")
                                         : fmt::format("{} given node(s)", options.nodes.size()),
                   routing_nodes, since(t0).count());
    return Dht(std::move(impl));
}

core::Result<PutOutcome> Dht::put(const core::DhtItem& item, milliseconds timeout) {
    const std::string key = short_key(item.public_key);
    // Refused before anything is sent: libtorrent would send an oversized value and wait for the
    // timeout, and nodes refuse the rest.
    if (item.salt.size() > kMaxSaltBytes)
        return fail(Errc::too_large, fmt::format("DHT item {}: salt of {} bytes (at most {})", key,
                                                 item.salt.size(), kMaxSaltBytes));
    if (item.value.size() > core::kMaxDhtValueBytes)
        return fail(Errc::too_large, fmt::format("DHT item {}: value of {} bytes (at most {})", key,
                                                 item.value.size(), core::kMaxDhtValueBytes));
    if (item.value.empty()) return fail(Errc::invalid, fmt::format("DHT item {}: empty value", key));
    if (item.seq < 0) return fail(Errc::invalid, fmt::format("DHT item {}: negative seq {}", key, item.seq));
    if (!core::verify_dht_item(item))
        return fail(Errc::invalid,
                    fmt::format("DHT item {} seq {}: the signature does not verify", key, item.seq));
    // libtorrent sends the value as an entry it bencodes again: only canonical bencoding comes out
    // as the signed bytes.
    lt::error_code ec;
    const lt::bdecode_node node =
        lt::bdecode(lt::span<const char>(item.value.data(), std::ssize(item.value)), ec);
    if (ec)
        return fail(Errc::invalid,
                    fmt::format("DHT item {}: the value is not bencoding: {}", key, ec.message()));
    const lt::entry value(node);
    if (bencode(value) != item.value)
        return fail(Errc::invalid, fmt::format("DHT item {}: the value is not canonical bencoding", key));

    std::lock_guard lock(impl_->mutex);
    drain(impl_->session);
    const auto t0 = Clock::now();
    std::array<char, 64> signature{};
    std::memcpy(signature.data(), item.signature.data(), signature.size());
    // The seq the lookup found stored (-1: none). Written on libtorrent's network thread.
    auto stored_seq = std::make_shared<std::atomic<std::int64_t>>(-1);
    impl_->session.dht_put_item(
        lt_key(item.public_key),
        [value, signature, seq = item.seq, stored_seq](lt::entry& e, std::array<char, 64>& sig,
                                                       std::int64_t& s, const std::string&) {
            // Runs on libtorrent's network thread once the lookup has found the current item (if
            // any): replace it with ours, as signed. Nothing here blocks.
            if (e.type() != lt::entry::undefined_t) stored_seq->store(s);
            e = value;
            sig = signature;
            s = seq;
        },
        item.salt);

    std::optional<int> stored;
    pump(
        impl_->session, t0 + timeout,
        [&](lt::alert* a) {
            auto* p = lt::alert_cast<lt::dht_put_alert>(a);
            if (!p || p->public_key != lt_key(item.public_key) || p->salt != item.salt ||
                p->seq != item.seq || p->signature != signature)
                return false;
            stored = p->num_success;
            return true;
        },
        [] {});
    const milliseconds elapsed = since(t0);
    if (!stored)
        return fail(Errc::io, fmt::format("DHT put of item {} seq {}: no answer within {} ms", key, item.seq,
                                          timeout.count()));
    // A higher seq seen by the lookup makes the put stale, even when nodes that still held an older
    // seq (or nothing) took it: a get prefers the higher seq wherever it is.
    const std::int64_t found = stored_seq->load();
    if (found > item.seq)
        return fail(Errc::rejected,
                    fmt::format("DHT put of item {} seq {}: a higher seq ({}) is stored ({} node(s) "
                                "still without it took this one)",
                                key, item.seq, found, *stored));
    if (*stored == 0) {
        return fail(Errc::io,
                    fmt::format("DHT put of item {} seq {}: no DHT node stored the item (no node reached, "
                                "or a higher seq is stored?)",
                                key, item.seq));
    }
    dht_log().debug("put {} seq {}: stored on {} node(s) in {} ms", key, item.seq, *stored, elapsed.count());
    return PutOutcome{*stored, elapsed};
}

core::Result<std::optional<core::DhtItem>> Dht::get(const std::array<std::uint8_t, 32>& public_key,
                                                    const std::string& salt, milliseconds timeout) {
    const std::string key = short_key(public_key);
    if (salt.size() > kMaxSaltBytes)
        return fail(Errc::too_large, fmt::format("DHT get of {}: salt of {} bytes (at most {})", key,
                                                 salt.size(), kMaxSaltBytes));
    std::lock_guard lock(impl_->mutex);
    drain(impl_->session);
    const auto t0 = Clock::now();
    impl_->session.dht_get_item(lt_key(public_key), salt);

    std::optional<core::DhtItem> best;
    int dropped = 0;
    auto deadline = t0 + timeout;
    bool settled = false;
    const bool authoritative = pump(
        impl_->session, [&] { return deadline; },
        [&](lt::alert* a) {
            auto* m = lt::alert_cast<lt::dht_mutable_item_alert>(a);
            if (!m || m->key != lt_key(public_key) || m->salt != salt) return false;
            if (m->item.type() != lt::entry::undefined_t) {
                core::DhtItem got;
                got.public_key = public_key;
                got.salt = salt;
                got.seq = m->seq;
                // libtorrent keeps the value as a parsed entry. Its bencoding of an entry parsed
                // from canonical bencoding is byte-identical to what was signed, and the signature
                // check below proves it; a response that fails is dropped.
                got.value = bencode(m->item);
                std::memcpy(got.signature.data(), m->signature.data(), got.signature.size());
                if (got.value.size() > core::kMaxDhtValueBytes || !core::verify_dht_item(got)) {
                    if (dropped++ == 0)  // once per get: a remote node can send these
                        dht_log().warn("get {}: dropped an item (seq {}) whose signature does not verify",
                                       key, got.seq);
                } else if (!best || got.seq > best->seq) {
                    if (!best && Clock::now() + kGetSettle < deadline) {
                        deadline = Clock::now() + kGetSettle;
                        settled = true;
                    }
                    best = std::move(got);
                }
            }
            return m->authoritative;
        },
        [] {});
    dht_log().debug("get {}: {} in {} ms{}", key,
                    best ? fmt::format("seq {}", best->seq) : std::string("nothing"), since(t0).count(),
                    authoritative ? ""
                    : settled     ? " (settled, not authoritative)"
                                  : " (deadline, not authoritative)");
    return best;
}

void Dht::add_node(const HostPort& node) {
    std::lock_guard lock(impl_->mutex);
    add_dht_nodes(impl_->session, {node});
}

HostPort Dht::endpoint() const { return impl_->endpoint; }

}  // namespace utxo::net

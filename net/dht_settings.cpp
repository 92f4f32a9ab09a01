// The one place for the DHT settings of a libtorrent session (net/dht_settings.h).
#include "net/dht_settings.h"

#include <algorithm>
#include <libtorrent/session.hpp>
#include <libtorrent/settings_pack.hpp>
#include <utility>

namespace utxo::net {

namespace lt = libtorrent;

namespace {

constexpr int kLocalAnnounceInterval = 5;  // seconds
// Raised limits of a local DHT: far above what a handful of nodes on one machine send each other.
constexpr int kLocalBlockRatelimit = 1'000'000;     // packets/s from one IP before it is blocked (default 5)
constexpr int kLocalUploadRateLimit = 100'000'000;  // DHT bytes/s (default 8000)

}  // namespace

bool is_local_dht(const std::vector<HostPort>& nodes, bool private_dht) {
    if (nodes.empty() && !private_dht) return false;  // the public bootstrap nodes
    return std::ranges::all_of(nodes, [](const HostPort& node) { return is_local_address(node.host); });
}

void apply_dht_settings(lt::settings_pack& pack, const std::vector<HostPort>& nodes, bool private_dht) {
    pack.set_bool(lt::settings_pack::enable_dht, true);
    const bool public_bootstrap = nodes.empty() && !private_dht;
    pack.set_str(
        lt::settings_pack::dht_bootstrap_nodes,
        public_bootstrap ? lt::default_settings().get_str(lt::settings_pack::dht_bootstrap_nodes) : "");
    const bool local = is_local_dht(nodes, private_dht);
    const lt::settings_pack defaults = lt::default_settings();
    pack.set_bool(lt::settings_pack::dht_restrict_routing_ips,
                  local ? false : defaults.get_bool(lt::settings_pack::dht_restrict_routing_ips));
    pack.set_bool(lt::settings_pack::dht_restrict_search_ips,
                  local ? false : defaults.get_bool(lt::settings_pack::dht_restrict_search_ips));
    pack.set_int(lt::settings_pack::dht_block_ratelimit,
                 local ? kLocalBlockRatelimit : defaults.get_int(lt::settings_pack::dht_block_ratelimit));
    pack.set_int(lt::settings_pack::dht_upload_rate_limit,
                 local ? kLocalUploadRateLimit : defaults.get_int(lt::settings_pack::dht_upload_rate_limit));
    // A torrent's peers are announced and looked up again every this many seconds. A small local
    // DHT may not know a node yet when a torrent is added (a new node waits in a replacement list
    // until it is pinged), and the default 15 minutes would leave its peers unfound that long.
    pack.set_int(lt::settings_pack::dht_announce_interval,
                 local ? kLocalAnnounceInterval : defaults.get_int(lt::settings_pack::dht_announce_interval));
}

void add_dht_nodes(lt::session& session, const std::vector<HostPort>& nodes) {
    for (const HostPort& node : nodes) session.add_dht_node(std::make_pair(node.host, int(node.port)));
}

}  // namespace utxo::net

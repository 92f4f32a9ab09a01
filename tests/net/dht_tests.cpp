// net/dht: BEP 44 mutable items on a private DHT of a few net::Dht nodes on 127.0.0.1 (always with
// explicit nodes or private_dht, so nothing ever reaches outside), items signed here with libsodium
// over core::dht_signing_buffer; a raw libtorrent session of the test's own puts what net::Dht
// refuses to send, to see the other nodes refuse it too. Also net/dht_settings' rules.
#include <sodium.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <libtorrent/alert_types.hpp>
#include <libtorrent/entry.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/session_params.hpp>
#include <libtorrent/settings_pack.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/dht_pointer.h"
#include "net/dht.h"
#include "net/dht_settings.h"
#include "net/log.h"

using namespace utxo;
using net::Dht;
using net::DhtOptions;
using net::HostPort;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
namespace lt = libtorrent;

namespace {

constexpr auto kTimeout = 5000ms;  // a bound only: on loopback every answer takes milliseconds

struct Key {
    std::array<std::uint8_t, 32> pk{};
    std::array<std::uint8_t, 64> sk{};
};

Key make_key() {
    REQUIRE(sodium_init() >= 0);
    Key k;
    crypto_sign_keypair(k.pk.data(), k.sk.data());
    return k;
}

std::string bstring(const std::string& s) { return std::to_string(s.size()) + ":" + s; }

// An item under `pk`, signed with `signer`'s secret key (the owner's, or a forger's).
core::DhtItem sign_item(const Key& signer, const std::array<std::uint8_t, 32>& pk, std::int64_t seq,
                        const std::string& value, const std::string& salt = "utxo-torrent/1/regtest") {
    core::DhtItem item;
    item.public_key = pk;
    item.salt = salt;
    item.seq = seq;
    item.value = value;
    const core::Bytes message = core::dht_signing_buffer(salt, seq, value);
    crypto_sign_detached(item.signature.data(), nullptr, message.data(), message.size(), signer.sk.data());
    return item;
}
core::DhtItem sign_item(const Key& key, std::int64_t seq, const std::string& value) {
    return sign_item(key, key.pk, seq, value);
}

// The value, or the test fails with the error's message.
template <class T>
const T& ok(const core::Result<T>& result) {
    if (!result) FAIL(result.error().message);
    return *result;
}

long long ms_since(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

Dht start_node(const std::vector<HostPort>& nodes, HostPort listen = {"127.0.0.1", 0}) {
    DhtOptions options;
    options.listen = listen;
    options.nodes = nodes;
    options.private_dht = true;
    options.start_timeout = kTimeout;
    auto dht = Dht::start(options);
    REQUIRE(dht);
    return std::move(*dht);
}

// N nodes on 127.0.0.1; each joins through every one started before it, and those are told about
// it too: a node only heard about (queried by it) waits in a replacement list until libtorrent
// pings it some seconds later, and the first node would have no live node to ask until then.
struct PrivateDht {
    std::vector<Dht> nodes;
    std::vector<HostPort> endpoints;
    explicit PrivateDht(int n) {
        for (int i = 0; i < n; ++i) {
            nodes.push_back(start_node(endpoints));
            endpoints.push_back(nodes.back().endpoint());
            for (int j = 0; j < i; ++j) nodes[std::size_t(j)].add_node(endpoints.back());
        }
    }
};

}  // namespace

TEST_CASE("dht settings: relaxed only on a DHT of loopback and private addresses", "[net][dht]") {
    CHECK_FALSE(net::is_local_dht({}, false));  // the public bootstrap nodes
    CHECK(net::is_local_dht({}, true));         // the first node of a private DHT
    CHECK(net::is_local_dht({{"127.0.0.1", 6881}, {"192.168.1.5", 6881}}, false));
    CHECK_FALSE(net::is_local_dht({{"127.0.0.1", 6881}, {"8.8.8.8", 6881}}, true));
    CHECK_FALSE(net::is_local_dht({{"localhost", 6881}}, false));

    const lt::settings_pack defaults = lt::default_settings();
    lt::settings_pack pack;
    net::apply_dht_settings(pack, {});
    CHECK(pack.get_bool(lt::settings_pack::enable_dht));
    CHECK(pack.get_str(lt::settings_pack::dht_bootstrap_nodes) ==
          defaults.get_str(lt::settings_pack::dht_bootstrap_nodes));
    CHECK(pack.get_bool(lt::settings_pack::dht_restrict_routing_ips));
    CHECK(pack.get_int(lt::settings_pack::dht_block_ratelimit) ==
          defaults.get_int(lt::settings_pack::dht_block_ratelimit));

    net::apply_dht_settings(pack, {{"127.0.0.1", 6881}});
    CHECK(pack.get_str(lt::settings_pack::dht_bootstrap_nodes).empty());
    CHECK_FALSE(pack.get_bool(lt::settings_pack::dht_restrict_routing_ips));
    CHECK_FALSE(pack.get_bool(lt::settings_pack::dht_restrict_search_ips));
    CHECK(pack.get_int(lt::settings_pack::dht_block_ratelimit) >
          defaults.get_int(lt::settings_pack::dht_block_ratelimit));
    CHECK(pack.get_int(lt::settings_pack::dht_upload_rate_limit) >
          defaults.get_int(lt::settings_pack::dht_upload_rate_limit));

    net::apply_dht_settings(pack, {{"203.0.113.7", 6881}});  // a private DHT of public nodes: not relaxed
    CHECK(pack.get_str(lt::settings_pack::dht_bootstrap_nodes).empty());
    CHECK(pack.get_bool(lt::settings_pack::dht_restrict_routing_ips));
}

TEST_CASE("dht start: errors for a bad address, a taken port, nodes that never answer", "[net][dht]") {
    DhtOptions options;
    options.listen = {"not-an-address", 0};
    options.private_dht = true;
    auto bad = Dht::start(options);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == core::Errc::usage);

    Dht first = start_node({});
    CHECK(first.endpoint().host == "127.0.0.1");
    CHECK(first.endpoint().port != 0);
    options.listen = first.endpoint();  // taken
    auto taken = Dht::start(options);
    REQUIRE_FALSE(taken);
    CHECK(taken.error().code == core::Errc::io);

    options.listen = {"127.0.0.1", 0};
    options.nodes = {{"127.0.0.1", 1}};  // nobody there
    options.start_timeout = 300ms;
    const auto t0 = Clock::now();
    auto lonely = Dht::start(options);
    REQUIRE_FALSE(lonely);
    CHECK(lonely.error().code == core::Errc::io);
    CHECK(lonely.error().message.find("127.0.0.1:1") != std::string::npos);
    CHECK(ms_since(t0) < 2000);
}

TEST_CASE("dht: an item put on one node is got, identical, from another", "[net][dht]") {
    PrivateDht dht(5);
    const Key key = make_key();
    const core::DhtItem item = sign_item(key, 1700000000, "d1:h" + bstring("release 1") + "e");

    auto t0 = Clock::now();
    auto put = dht.nodes[0].put(item, kTimeout);
    const auto put_ms = ms_since(t0);
    ok(put);
    CHECK(put->nodes_stored >= 1);

    t0 = Clock::now();
    auto got = dht.nodes[3].get(key.pk, item.salt, kTimeout);
    const auto get_ms = ms_since(t0);
    REQUIRE(got);
    REQUIRE(got->has_value());
    CHECK(**got == item);
    net::dht_log().info("5-node loopback DHT: put {} ms (stored on {} nodes), get {} ms", put_ms,
                        put->nodes_stored, get_ms);

    auto other_salt = dht.nodes[2].get(key.pk, "utxo-torrent/1/mainnet", kTimeout);  // another network's item
    REQUIRE(other_salt);
    CHECK_FALSE(other_salt->has_value());
}

TEST_CASE("dht: a forged item is refused by put and by every node", "[net][dht]") {
    PrivateDht dht(4);
    const Key owner = make_key();
    const Key forger = make_key();
    const core::DhtItem genuine = sign_item(owner, 100, bstring("genuine"));
    ok(dht.nodes[0].put(genuine, kTimeout));

    // Through net::Dht: refused before anything is sent.
    const core::DhtItem forged = sign_item(forger, owner.pk, 200, bstring("forged"));
    auto refused = dht.nodes[1].put(forged, kTimeout);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == core::Errc::invalid);

    // Below net::Dht: a raw libtorrent session puts the forged item anyway; no node stores it.
    lt::settings_pack pack;
    pack.set_str(lt::settings_pack::listen_interfaces, "127.0.0.1:0");
    pack.set_bool(lt::settings_pack::enable_lsd, false);
    pack.set_bool(lt::settings_pack::enable_upnp, false);
    pack.set_bool(lt::settings_pack::enable_natpmp, false);
    pack.set_int(lt::settings_pack::alert_mask,
                 static_cast<int>(static_cast<std::uint32_t>(lt::alert_category::dht)));
    net::apply_dht_settings(pack, dht.endpoints);
    lt::session raw(lt::session_params{pack});
    net::add_dht_nodes(raw, dht.endpoints);
    std::vector<lt::alert*> alerts;
    const auto deadline = Clock::now() + kTimeout;
    int known = 0;
    while (known == 0 && Clock::now() < deadline) {  // a node in the routing table first
        raw.post_dht_stats();
        raw.wait_for_alert(50ms);
        raw.pop_alerts(&alerts);
        for (auto* a : alerts)
            if (auto* s = lt::alert_cast<lt::dht_stats_alert>(a))
                for (const auto& bucket : s->routing_table) known += bucket.num_nodes;
    }
    REQUIRE(known > 0);
    std::array<char, 32> pk{};
    std::memcpy(pk.data(), owner.pk.data(), pk.size());
    raw.dht_put_item(
        pk,
        [forged](lt::entry& e, std::array<char, 64>& sig, std::int64_t& seq, const std::string&) {
            e = lt::entry(forged.value.substr(forged.value.find(':') + 1));  // the string "forged"
            std::memcpy(sig.data(), forged.signature.data(), sig.size());
            seq = forged.seq;
        },
        forged.salt);
    std::optional<int> stored;
    while (!stored && Clock::now() < deadline) {
        raw.wait_for_alert(50ms);
        raw.pop_alerts(&alerts);
        for (auto* a : alerts)
            if (auto* p = lt::alert_cast<lt::dht_put_alert>(a)) stored = p->num_success;
    }
    REQUIRE(stored);
    CHECK(*stored == 0);

    for (int i : {1, 2, 3}) {
        auto got = dht.nodes[i].get(owner.pk, genuine.salt, kTimeout);
        REQUIRE(got);
        REQUIRE(got->has_value());
        CHECK(**got == genuine);
    }
}

TEST_CASE("dht: an older seq put after a newer one does not replace it", "[net][dht]") {
    PrivateDht dht(4);
    const Key key = make_key();
    const core::DhtItem older = sign_item(key, 10, bstring("older"));
    const core::DhtItem newer = sign_item(key, 20, bstring("newer"));
    ok(dht.nodes[0].put(older, kTimeout));
    // The newer item on at least three nodes (a put answered late on a loaded machine reaches fewer), so
    // the older re-put's lookup sees it. A node still holding the older item may take the re-put as the
    // same item again; the put is refused all the same, because its lookup saw seq 20.
    int stored = 0;
    for (int attempt = 0; attempt < 5 && stored < 3; ++attempt)
        stored = ok(dht.nodes[1].put(newer, kTimeout)).nodes_stored;
    REQUIRE(stored >= 3);
    auto again = dht.nodes[2].put(older, kTimeout);
    REQUIRE_FALSE(again);
    CHECK(again.error().code == core::Errc::rejected);
    CHECK(again.error().message.find("a higher seq (20) is stored") != std::string::npos);
    auto got = dht.nodes[3].get(key.pk, older.salt, kTimeout);
    REQUIRE(got);
    REQUIRE(got->has_value());
    CHECK(**got == newer);
    // The same item again is fine: a re-put of what is stored.
    auto same = dht.nodes[0].put(newer, kTimeout);
    REQUIRE(same);
    CHECK(same->nodes_stored >= 1);
}

TEST_CASE("dht: oversized values and salts and malformed values are refused before sending", "[net][dht]") {
    Dht node = start_node({});  // alone: nothing could be sent anywhere anyway
    const Key key = make_key();
    const auto t0 = Clock::now();
    const std::string big = bstring(std::string(core::kMaxDhtValueBytes, 'x'));  // 1005 bytes bencoded
    auto too_large = node.put(sign_item(key, 1, big), kTimeout);
    REQUIRE_FALSE(too_large);
    CHECK(too_large.error().code == core::Errc::too_large);
    auto salt = node.put(sign_item(key, key.pk, 1, bstring("v"), std::string(65, 's')), kTimeout);
    REQUIRE_FALSE(salt);
    CHECK(salt.error().code == core::Errc::too_large);
    auto get_salt = node.get(key.pk, std::string(65, 's'), kTimeout);
    REQUIRE_FALSE(get_salt);
    CHECK(get_salt.error().code == core::Errc::too_large);
    auto not_bencoding = node.put(sign_item(key, 1, "hello"), kTimeout);
    REQUIRE_FALSE(not_bencoding);
    CHECK(not_bencoding.error().code == core::Errc::invalid);
    auto not_canonical = node.put(sign_item(key, 1, "d1:bi1e1:ai2ee"), kTimeout);  // keys out of order
    REQUIRE_FALSE(not_canonical);
    CHECK(not_canonical.error().code == core::Errc::invalid);
    CHECK(ms_since(t0) < 200);
}

TEST_CASE("dht: a pre-signed item re-put by a node without the key outlives its publisher", "[net][dht]") {
    PrivateDht dht(4);
    const Key key = make_key();
    const core::DhtItem item = sign_item(key, 42, "d1:h" + bstring("pointer") + "e");
    HostPort publisher_address;
    {
        Dht publisher = start_node(dht.endpoints);
        publisher_address = publisher.endpoint();
        ok(publisher.put(item, kTimeout));
    }  // the publisher leaves
    // A process takes its address (a seeder restarted, with a new node ID and nothing stored). On a
    // DHT this small an address that answers nothing would hold every lookup near it until
    // libtorrent's 15 s RPC timeout (net/README.md); here it answers, as a restarted node does.
    Dht restarted = start_node({dht.endpoints[1]}, publisher_address);

    // Node 1 never had the key: it gets the item and puts it again, as signed.
    auto got = dht.nodes[1].get(key.pk, item.salt, kTimeout);
    REQUIRE(got);
    REQUIRE(got->has_value());
    CHECK(**got == item);
    auto reput = dht.nodes[1].put(**got, kTimeout);
    ok(reput);
    CHECK(reput->nodes_stored >= 1);

    // The node at the publisher's old address, which joined after it left, gets it too.
    auto again = restarted.get(key.pk, item.salt, kTimeout);
    REQUIRE(again);
    REQUIRE(again->has_value());
    CHECK(**again == item);
}

TEST_CASE("dht: a key nobody put is nullopt, quickly", "[net][dht]") {
    PrivateDht dht(4);
    const Key key = make_key();
    const auto t0 = Clock::now();
    auto got = dht.nodes[2].get(key.pk, "utxo-torrent/1/regtest", kTimeout);
    REQUIRE(got);
    CHECK_FALSE(got->has_value());
    CHECK(ms_since(t0) < 2000);
}

// fetch --dht end to end with the real binaries on 127.0.0.1 and a private DHT (three in-process
// net::Dht nodes; nothing reaches outside): the authorities sign offline (utxo-signer writes each
// pre-signed pointer beside its .minisig), utxo-seeder --dht puts the pointers and seeds the
// manifest torrents, and fetch --dht finds, agrees, downloads and installs with no HTTP at all.
#include <sodium.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "core/dht_pointer.h"
#include "core/minisign.h"
#include "fetch_world.h"
#include "net/dht.h"
#include "test_process.h"
#include "test_support.h"

using namespace fetch_world;

namespace {

// Eight DHT nodes on 127.0.0.1 that know each other: the bootstrap nodes of every process in a
// test. Each joins through those started before it, and they are told about it (net/dht.h). Eight,
// as a lookup ends once its 8 closest nodes answered: with fewer live nodes, a node that left (a
// finished fetch) stalls every lookup for libtorrent's 15 s request timeout.
struct PrivateDht {
    std::vector<utxo::net::Dht> nodes;
    std::vector<utxo::net::HostPort> endpoints;

    PrivateDht() {
        for (int i = 0; i < 8; ++i) {
            utxo::net::DhtOptions o;
            o.listen = {"127.0.0.1", 0};
            o.nodes = endpoints;
            o.private_dht = true;
            auto node = utxo::net::Dht::start(o);
            REQUIRE(node);
            nodes.push_back(std::move(*node));
            endpoints.push_back(nodes.back().endpoint());
            for (int j = 0; j < i; ++j) nodes[static_cast<std::size_t>(j)].add_node(endpoints.back());
        }
    }

    std::vector<std::string> args() const {
        std::vector<std::string> out;
        for (const auto& e : endpoints) out.insert(out.end(), {"--dht-node", e.to_string()});
        return out;
    }
};

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// A seeder that publishes its releases' pointers into `dht` (and nothing else: no tracker).
struct DhtSeeder {
    fs::path releases;
    Seeder seeder;
    DhtSeeder(const fs::path& root, const PrivateDht& dht, const std::vector<std::string>& extra = {})
        : releases(root), seeder(root, concat(concat({"--dht"}, dht.args()), extra)) {}

    std::uint64_t metric(const std::string& series) const {
        auto url = utxo::verifier::parse_http_url(seeder.url() + "/metrics");
        auto body = utxo::verifier::seeder_get(*url);
        if (!body || !*body) return 0;
        auto at = (*body)->find("\n" + series + " ");
        if (at == std::string::npos) return 0;
        return std::stoull((*body)->substr(at + series.size() + 2));
    }

    // Waits until the seeder has put `n` pointers (the puts of one round).
    void await_puts(std::uint64_t n) const {
        for (auto until = std::chrono::steady_clock::now() + 20s; std::chrono::steady_clock::now() < until;) {
            if (metric("utxo_seeder_dht_puts_total{result=\"stored\"}") >= n) return;
            std::this_thread::sleep_for(100ms);
        }
        FAIL("the seeder did not put " << n << " DHT pointers: " << slurp(log()));
    }
    fs::path log() const { return releases.string() + ".log"; }
};

// fetch --dht's arguments with no --seeder: the DHT is the only source. Options in `extra` replace
// the defaults given here.
std::vector<std::string> fetch_dht_args(const fs::path& db, const PrivateDht& dht,
                                        const std::vector<std::string>& extra = {},
                                        const fs::path& trustnet = {}, int listen_port = 0) {
    std::vector<std::string> a{verifier,
                               "fetch",
                               "--trustnet",
                               (trustnet.empty() ? world().trustnet : trustnet).string(),
                               "--db",
                               db.string(),
                               "--listen",
                               "127.0.0.1:" + std::to_string(listen_port ? listen_port : free_port()),
                               "--dht",
                               "--dht-listen",
                               "127.0.0.1:" + std::to_string(free_port())};
    for (const auto& [option, value] : std::vector<std::pair<std::string, std::string>>{
             {"--seed-ratio", "0"}, {"--stall-timeout", "30"}, {"--discovery-timeout", "30"}})
        if (std::find(extra.begin(), extra.end(), option) == extra.end()) a.insert(a.end(), {option, value});
    return concat(concat(a, dht.args()), extra);
}

test::CommandResult fetch_dht(const fs::path& db, const PrivateDht& dht,
                              const std::vector<std::string>& extra = {}, const fs::path& trustnet = {}) {
    return run("timeout -s KILL 120 " + sh_join(fetch_dht_args(db, dht, extra, trustnet)) + " 2>&1");
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// The raw Ed25519 secret key (seed | pk) of an unencrypted minisign key file made by
// `utxo-signer keygen --unencrypted` (docs/signer.md: the key blob's last 104 bytes are key id,
// secret key, checksum).
std::array<std::uint8_t, 64> unencrypted_secret_key(const fs::path& key_file) {
    auto lines = test::read_lines(key_file);
    REQUIRE(lines.size() >= 2);
    auto blob = utxo::core::base64_decode(lines[1]);
    REQUIRE(blob);
    REQUIRE(blob->size() == 158);
    std::array<std::uint8_t, 64> sk{};
    std::copy_n(blob->begin() + 54 + 8, 64, sk.begin());
    return sk;
}

// Changes one character of the signature line of the .minisig inside the authority's item in
// `rel` (so it parses but does not verify), and signs the item again with the authority's key.
void forge_minisig_in_item(const fs::path& rel, const fs::path& key_file) {
    auto sk = unencrypted_secret_key(key_file);
    for (const auto& e : fs::directory_iterator(rel)) {
        if (e.path().extension() != ".dht") continue;
        auto item = utxo::core::decode_item_file(slurp(e.path()));
        REQUIRE(item);
        if (!std::equal(item->public_key.begin(), item->public_key.end(), sk.begin() + 32)) continue;
        auto pointer = utxo::core::decode_pointer_value(item->value);
        REQUIRE(pointer);
        auto& sig = pointer->signature;
        auto second_line = sig.find('\n') + 1;
        auto& c = sig[second_line + 40];
        c = c == 'A' ? 'B' : 'A';
        auto value = utxo::core::encode_pointer_value(*pointer);
        REQUIRE(value);
        item->value = *value;
        item->seq += 1;
        auto message = utxo::core::dht_signing_buffer(item->salt, item->seq, item->value);
        crypto_sign_detached(item->signature.data(), nullptr, message.data(), message.size(), sk.data());
        REQUIRE(utxo::core::verify_dht_item(*item));
        auto file = utxo::core::encode_item_file(*item);
        REQUIRE(file);
        std::ofstream(e.path(), std::ios::binary | std::ios::trunc) << *file;
        return;
    }
    FAIL("no DHT item of " << key_file << " in " << rel);
}

}  // namespace

TEST_CASE("fetch --dht bootstraps from the DHT alone: pointers put by a seeder, no HTTP source",
          "[fetch][dht][slow-e2e]") {
    auto& w = world();
    PrivateDht dht;
    DhtSeeder s(serve_dir("dht-full", {200, 250}, w.names), dht, {"--dht-republish", "10"});
    s.await_puts(3);  // one pointer per authority: its newest (250)
    // The seeder puts them again every --dht-republish seconds while every authority is offline.
    s.await_puts(6);
    test::TempDir db;
    auto t0 = std::chrono::steady_clock::now();
    auto r = fetch_dht(db.path(), dht, {"-v"});
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    WARN("fetch --dht of 16 shards took " << seconds << " s");
    CHECK(r.out.find("release regtest height 250 accepted: signed by alice, bob, carol") !=
          std::string::npos);
    CHECK(r.out.find("http://") == std::string::npos);  // no HTTP request of any kind
    auto st = store_status(db.path());
    REQUIRE(st.is_object());
    CHECK(st["height"] == 250);
    CHECK(shard_files(st["dir"].get<std::string>()) == shard_files(release_dir(w.releases("alice"), 250)));
    // The client puts the pointers of what it installed back (no key needed).
    CHECK(r.out.find("republished 3 of 3 DHT pointer(s)") != std::string::npos);

    auto again = fetch_dht(db.path(), dht);
    INFO(again.out);
    CHECK(again.exit_code == 0);
    CHECK(again.out.find("no release above the installed height 250") != std::string::npos);
}

TEST_CASE("fetch --dht: a pointer missing under require all is named, require 2 accepts without it",
          "[fetch][dht][slow-e2e]") {
    auto& w = world();
    PrivateDht dht;
    DhtSeeder s(serve_dir("dht-two", {250}, {"alice", "bob"}), dht);
    s.await_puts(2);
    test::TempDir db;
    // carol's get finds nothing and ends at its deadline, min(20 s, --discovery-timeout).
    const std::vector<std::string> short_wait{"--discovery-timeout", "8"};
    auto r = fetch_dht(db.path(), dht, short_wait);
    INFO(r.out);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("carol: no DHT pointer found") != std::string::npos);
    CHECK(r.out.find("missing: carol") != std::string::npos);
    CHECK(store_status(db.path()).is_null());

    test::TempDir dir;
    auto two = dir / "trustnet-2";
    {
        std::string text = slurp(w.trustnet);
        text = std::regex_replace(text, std::regex("require all"), "require 2");
        std::ofstream(two) << text;
    }
    auto ok = fetch_dht(db.path(), dht, short_wait, two);
    INFO(ok.out);
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.find("release regtest height 250 accepted: signed by alice, bob") != std::string::npos);
    CHECK(store_status(db.path())["height"] == 250);
}

TEST_CASE("fetch --dht: two authorities' pointers naming different manifests at one height conflict",
          "[fetch][dht]") {
    auto& w = world();
    PrivateDht dht;
    DhtSeeder good(serve_dir("dht-good", {250}, {"alice", "bob"}), dht);
    DhtSeeder other(serve_dir("dht-alt", {250}, {"carol"}, w.alt), dht);  // carol signed the 8-shard one
    good.await_puts(2);
    other.await_puts(1);
    test::TempDir db;
    auto r = fetch_dht(db.path(), dht);
    INFO(r.out);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("conflict at regtest height 250") != std::string::npos);
    CHECK(r.out.find("from the DHT pointer(s) of carol is signed by carol") != std::string::npos);
    CHECK(r.out.find("alice signed") != std::string::npos);
    CHECK(store_status(db.path()).is_null());
}

TEST_CASE("fetch --dht refuses a pointer older than one it saw before (a replay), naming the authority",
          "[fetch][dht]") {
    auto& w = world();
    auto served = serve_dir("dht-replay", {200, 250}, w.names);  // 250's pointers have the higher seq
    test::TempDir db;
    {
        PrivateDht dht;
        DhtSeeder s(served, dht);
        s.await_puts(3);
        auto r = fetch_dht(db.path(), dht);
        INFO(r.out);
        REQUIRE(r.exit_code == 0);
        REQUIRE(store_status(db.path())["height"] == 250);
    }
    // Another DHT holds only the older pointers (those of 200, signed before 250's): a rollback.
    test::TempDir old_root;
    auto src = release_dir(served, 200);
    fs::create_directories(old_root / "regtest");
    fs::copy(src, old_root / "regtest" / src.filename(), fs::copy_options::recursive);
    PrivateDht other;
    DhtSeeder s(old_root.path(), other);
    s.await_puts(3);
    auto r = fetch_dht(db.path(), other);
    INFO(r.out);
    CHECK(count(r.out, "a replayed pointer, refused") == 3);
    for (const auto& n : w.names) CHECK(r.out.find(n + ": its DHT pointer has seq") != std::string::npos);
    CHECK(r.exit_code == 0);  // the store keeps the newer release it holds
    CHECK(store_status(db.path())["height"] == 250);
}

TEST_CASE("fetch --dht refuses a pointer whose signature over the manifest is forged, naming the authority",
          "[fetch][dht]") {
    auto& w = world();
    auto served = serve_dir("dht-forged", {250}, w.names);
    auto rel = release_dir(served, 250);
    // carol's pointer, still a valid DHT item of her key, now carries a .minisig whose signature
    // does not verify: what a DHT node cannot see and the agreement rule must.
    forge_minisig_in_item(rel, w.dir / "carol.key");
    PrivateDht dht;
    DhtSeeder s(served, dht);
    s.await_puts(3);
    test::TempDir db;
    auto r = fetch_dht(db.path(), dht);
    INFO(r.out);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("missing: carol") != std::string::npos);
    CHECK(r.out.find("carol's DHT pointer") != std::string::npos);
    CHECK(store_status(db.path()).is_null());
}

TEST_CASE("fetch --dht: a wallet given a new address takes its shard from the release it holds",
          "[fetch][dht][slow-e2e]") {
    auto& w = world();
    auto served = serve_dir("dht-wallet", {250}, w.names);
    auto listed = run(indexer + " addresses --release " + q(release_dir(served, 250)) + " --count 2");
    REQUIRE(listed.exit_code == 0);
    std::vector<std::string> addresses;
    for (std::size_t at = 0; at < listed.out.size();) {
        auto end = listed.out.find('\n', at);
        auto line = listed.out.substr(at, end - at);
        if (!line.empty()) addresses.push_back(line.substr(0, line.find(' ')));
        at = end == std::string::npos ? listed.out.size() : end + 1;
    }
    REQUIRE(addresses.size() == 2);
    PrivateDht dht;
    DhtSeeder s(served, dht);
    s.await_puts(3);
    test::TempDir db;
    auto first = fetch_dht(db.path(), dht, {"--address", addresses[0]});
    INFO(first.out);
    REQUIRE(first.exit_code == 0);
    REQUIRE(store_status(db.path())["shards"].size() == 1);
    auto second = fetch_dht(db.path(), dht, {"--address", addresses[0], "--address", addresses[1]});
    INFO(second.out);
    CHECK(second.exit_code == 0);
    auto st = store_status(db.path());
    CHECK(st["height"] == 250);
    CHECK(st["shards"].size() == 2);
}

TEST_CASE("fetch --dht: a client seeds back what the pointers name, and another bootstraps from it alone",
          "[fetch][dht][slow-e2e]") {
    auto& w = world();
    PrivateDht dht;
    auto seeder = std::make_unique<DhtSeeder>(serve_dir("dht-seed-back", {250}, w.names), dht);
    seeder->await_puts(3);
    // The first client installs, then seeds (the shards and the manifest torrent) for a minute.
    test::TempDir first_db, logs;
    Process first(fetch_dht_args(first_db.path(), dht, {"--seed-ratio", "100", "--seed-timeout", "60"}),
                  logs / "first.log");
    for (auto until = std::chrono::steady_clock::now() + 60s;
         std::chrono::steady_clock::now() < until && !store_status(first_db.path()).is_object();)
        std::this_thread::sleep_for(200ms);
    INFO(slurp(logs / "first.log"));
    REQUIRE(store_status(first_db.path()).is_object());
    seeder.reset();  // the seeder leaves: the pointers stay in the DHT, the data with the first client
    test::TempDir second_db;
    auto r = fetch_dht(second_db.path(), dht, {"-v"});
    INFO(r.out);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("metadata and manifest.json from the swarm") != std::string::npos);  // from the client
    CHECK(r.out.find("release regtest height 250 accepted: signed by alice, bob, carol") !=
          std::string::npos);
    auto st = store_status(second_db.path());
    REQUIRE(st.is_object());
    CHECK(shard_files(st["dir"].get<std::string>()) == shard_files(release_dir(w.releases("alice"), 250)));
}

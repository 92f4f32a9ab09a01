// bench-dht ROUNDS NODES VALUE_BYTES: put and get wall times of a BEP 44 mutable item (net::Dht) on
// a private DHT of NODES nodes on 127.0.0.1, over ROUNDS rounds; each round puts the next seq from
// one node and gets it from another. Beside it, measured in the same run: an HTTP GET of a body of
// the same size from a net::HttpServer on 127.0.0.1 (a new connection each, as http_get does: the
// cheapest way to fetch the same bytes from one known server) and a libsodium verify of the item.
// Prints one line per measure (median, p90, max in ms) and the ratios to the HTTP GET's median.
#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "core/dht_pointer.h"
#include "net/dht.h"
#include "net/http_client.h"
#include "net/url.h"

using namespace utxo;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace bench {
std::shared_ptr<void> serve_body(const std::string& body, std::uint16_t& port);  // dht_bench_server.cpp
}

namespace {

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

struct Stats {
    double median, p90, max;
};
Stats stats(std::vector<double> v) {
    std::ranges::sort(v);
    return {v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 9 / 10)], v.back()};
}

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "bench-dht: %s\n", what.c_str());
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::atoi(argv[1]) : 50;
    const int node_count = argc > 2 ? std::atoi(argv[2]) : 8;
    const int value_bytes = argc > 3 ? std::atoi(argv[3]) : 800;
    if (rounds < 1 || node_count < 2 || value_bytes < 8 || value_bytes > int(core::kMaxDhtValueBytes))
        die("usage: bench-dht ROUNDS(>=1) NODES(>=2) VALUE_BYTES(8-1000)");
    if (sodium_init() < 0) die("libsodium does not initialise");

    const auto t_start = Clock::now();
    std::vector<net::Dht> nodes;
    std::vector<net::HostPort> endpoints;
    for (int i = 0; i < node_count; ++i) {
        net::DhtOptions options;
        options.listen = {"127.0.0.1", 0};
        options.nodes = endpoints;
        options.private_dht = true;
        auto dht = net::Dht::start(options);
        if (!dht) die(dht.error().message);
        nodes.push_back(std::move(*dht));
        endpoints.push_back(nodes.back().endpoint());
        // The earlier nodes learn of it too (a node only queried by another is not yet live).
        for (int j = 0; j < i; ++j) nodes[std::size_t(j)].add_node(endpoints.back());
    }
    const double start_ms = ms_since(t_start);

    std::array<std::uint8_t, 32> pk{};
    std::array<std::uint8_t, 64> sk{};
    crypto_sign_keypair(pk.data(), sk.data());
    // A bencoded string of value_bytes bytes in all ("NNN:" and its payload).
    std::string payload(std::size_t(value_bytes) - std::to_string(value_bytes).size() - 1, 'p');
    const std::string value = std::to_string(payload.size()) + ":" + payload;

    std::uint16_t port = 0;
    const std::shared_ptr<void> server = bench::serve_body(value, port);
    auto url = net::parse_http_url(fmt::format("http://127.0.0.1:{}/pointer", port));
    if (!url) die(url.error().message);

    std::vector<double> put_ms, get_ms, http_ms, verify_ms;
    int min_stored = node_count;
    for (int round = 0; round < rounds; ++round) {
        core::DhtItem item;
        item.public_key = pk;
        item.salt = "utxo-torrent/1/regtest";
        item.seq = 1000 + round;
        item.value = value;
        const core::Bytes message = core::dht_signing_buffer(item.salt, item.seq, item.value);
        crypto_sign_detached(item.signature.data(), nullptr, message.data(), message.size(), sk.data());

        auto t = Clock::now();
        auto put = nodes[std::size_t(round % node_count)].put(item, 10s);
        put_ms.push_back(ms_since(t));
        if (!put) die(put.error().message);
        min_stored = std::min(min_stored, put->nodes_stored);

        t = Clock::now();
        auto got = nodes[std::size_t((round + node_count / 2) % node_count)].get(pk, item.salt, 10s);
        get_ms.push_back(ms_since(t));
        if (!got) die(got.error().message);
        if (!*got || **got != item)
            die(fmt::format("round {}: the get did not return the item just put", round));

        t = Clock::now();
        auto body = net::http_get(*url, {});
        http_ms.push_back(ms_since(t));
        if (!body || !*body || **body != value) die("the HTTP GET failed");

        t = Clock::now();
        const bool ok = core::verify_dht_item(item);
        verify_ms.push_back(ms_since(t));
        if (!ok) die("verify failed");
    }

    const Stats put = stats(put_ms), get = stats(get_ms), http = stats(http_ms), verify = stats(verify_ms);
    std::printf(
        "loopback DHT of %d nodes started in %.0f ms; %d rounds, value %d bytes, every put stored on >= %d "
        "nodes\n",
        node_count, start_ms, rounds, value_bytes, min_stored);
    std::printf("%-34s %9s %9s %9s %12s\n", "ms", "median", "p90", "max", "median/http");
    auto line = [&](const char* name, const Stats& s) {
        std::printf("%-34s %9.3f %9.3f %9.3f %12.2f\n", name, s.median, s.p90, s.max, s.median / http.median);
    };
    line("dht put (lookup + store)", put);
    line("dht get (authoritative)", get);
    line("baseline: http GET, new connection", http);
    line("libsodium verify of the item", verify);
    return 0;
}

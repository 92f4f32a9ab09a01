// utxo-seeder's options onto seeder::Options.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <filesystem>

#include "cli/daemon.h"
#include "cli/default_dirs.h"
#include "seeder/cli.h"
#include "seeder/daemon.h"

namespace utxo::seeder {

namespace {

[[nodiscard]] core::Status set_host_port(const std::string& option, const std::string& text,
                                         net::HostPort& out) {
    if (text.empty()) return {};
    auto hp = net::parse_host_port(text);
    if (!hp) return core::fail(core::Errc::usage, fmt::format("{}: {}", option, hp.error().message));
    out = *hp;
    return {};
}

[[nodiscard]] core::Status make_default_releases(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        return core::fail(core::Errc::io, fmt::format("{}: cannot create: {}", dir.string(), ec.message()));
    return {};
}

}  // namespace

void add_options(CLI::App& app, CommandLine& line, cli::Action& action) {
    Options& o = line.options;
    o.releases = cli::default_releases();
    auto* releases = app.add_option(
        "--releases", o.releases,
        "releases directory (RELEASES/<network>/<height>-<hash>/); default BASE/releases, made if missing");
    releases->capture_default_str();
    app.add_option("--keep", o.keep, "newest releases kept per network (older ones are dropped, not deleted)")
        ->capture_default_str()
        ->check(CLI::Range(1u, 1000000u));
    app.add_flag("--prune", o.prune,
                 "delete from disk each network's releases older than the newest --keep, once those are "
                 "seeded");
    app.add_option("--listen", line.listen, "BitTorrent listen HOST:PORT (default 127.0.0.1:6881)");
    app.add_option("--http", line.http, "HTTP listen HOST:PORT, numeric (default 127.0.0.1:8080)");
    app.add_option("--public-url", o.public_http_url,
                   "base URL of the HTTP server as peers reach it (web seeds)");
    app.add_option("--public-peer", line.public_peer,
                   "BitTorrent HOST:PORT as peers reach it, for magnet x.pe hints (default: --listen)");
    app.add_option("--tracker", o.trackers,
                   "announce URL for served torrents, magnets and our announces (repeatable)");
    app.add_option("--tracker-whitelist", o.tracker_whitelist,
                   "keep this file listing the kept releases' infohashes (opentracker -w)");
    app.add_option("--tracker-pid", o.tracker_pid,
                   "send SIGHUP to this tracker pid after each whitelist change")
        ->check(CLI::PositiveNumber);
    app.add_option("--upload-rate", o.upload_rate, "upload cap in bytes/s, local peers included (0 = none)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    app.add_option("--max-connections-per-ip", o.max_connections_per_ip,
                   "HTTP connections open at once from one IPv4 address or IPv6 /64; more are closed")
        ->capture_default_str()
        ->check(CLI::Range(1u, 100000u));
    app.add_flag("--dht", o.dht,
                 "join the BitTorrent DHT: announce the torrents there, seed each release's manifest torrent "
                 "and publish the authorities' pre-signed release pointers (manifest.json.<KEYID>.dht)");
    app.add_option(
        "--dht-node", line.dht_nodes,
        "with --dht: bootstrap from this DHT node HOST:PORT instead of the public DHT (repeatable)");
    app.add_option(
        "--dht-listen", line.dht_listen,
        "with --dht: HOST:PORT of the node that puts the pointers (default: --listen's host, any port)");
    app.add_option("--dht-republish", o.dht_republish,
                   "with --dht: put the pointers again every this many seconds")
        ->capture_default_str()
        ->check(CLI::Range(10, 86400));
    app.add_flag("--lsd", o.lsd, "local service discovery");
    app.add_flag("--upnp", o.upnp, "UPnP port mapping");
    app.add_flag("--natpmp", o.natpmp, "NAT-PMP port mapping");
    app.add_flag("--utp", o.utp, "allow uTP besides TCP");
    cli::add_log_file_option(&app, line.log_file);
    app.callback([&line, &action, releases] {
        const bool default_releases = releases->count() == 0;
        action = [&line, default_releases]() -> core::Status {
            UTXO_TRY(apply_addresses(line));
            // A fresh install seeds nothing until the indexer publishes there; a --releases that
            // was given and is missing stays an error (a typo must not seed an empty directory).
            if (default_releases) UTXO_TRY(make_default_releases(line.options.releases));
            UTXO_TRY(cli::start_logging(line.log_file));
            line.options.on_hangup = cli::hangup;
            return run_seeder(line.options);
        };
    });
}

core::Status apply_addresses(CommandLine& line) {
    UTXO_TRY(set_host_port("--listen", line.listen, line.options.listen));
    UTXO_TRY(set_host_port("--dht-listen", line.dht_listen, line.options.dht_listen));
    UTXO_TRY(set_host_port("--public-peer", line.public_peer, line.options.public_peer));
    if (line.options.dht_listen.host.empty()) line.options.dht_listen.host = line.options.listen.host;
    line.options.dht_nodes.clear();
    for (const auto& n : line.dht_nodes) {
        net::HostPort hp;
        UTXO_TRY(set_host_port("--dht-node", n, hp));
        line.options.dht_nodes.push_back(std::move(hp));
    }
    return set_host_port("--http", line.http, line.options.http);
}

}  // namespace utxo::seeder

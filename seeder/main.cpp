// utxo-seeder: seed the kept releases over BitTorrent and serve them over HTTP until SIGINT/SIGTERM.
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "seeder/daemon.h"

namespace sd = utxo::seeder;

namespace {

// "--listen" and "--http" take HOST:PORT; a bad one is a usage error (exit 2).
bool set_host_port(const std::string& option, const std::string& text, utxo::net::HostPort& out) {
    if (text.empty()) return true;
    auto hp = utxo::net::parse_host_port(text);
    if (!hp)
        fmt::print(stderr, "utxo-seeder: {}: {}\n", option, hp.error().message);
    else
        out = *hp;
    return hp.has_value();
}

}  // namespace

int main(int argc, char** argv) {
    auto log = spdlog::stderr_color_mt("seeder");
    log->set_pattern("%Y-%m-%d %H:%M:%S %^%l%$: %v");
    spdlog::set_level(spdlog::level::info);

    CLI::App app{"utxo-seeder: seed UTXO set releases over BitTorrent and serve them over HTTP"};
    sd::Options o;
    bool verbose = false, quiet = false;
    std::string listen, http;
    app.add_option("--releases", o.releases, "releases directory (RELEASES/<network>/<height>-<hash>/)")
        ->required();
    app.add_option("--keep", o.keep, "newest releases kept per network (older ones are dropped, not deleted)")
        ->capture_default_str()
        ->check(CLI::Range(1u, 1000000u));
    app.add_option("--listen", listen, "BitTorrent listen HOST:PORT (default 127.0.0.1:6881)");
    app.add_option("--http", http, "HTTP listen HOST:PORT, numeric (default 127.0.0.1:8080)");
    app.add_option("--public-url", o.public_http_url,
                   "base URL of the HTTP server as peers reach it (web seeds)");
    app.add_option("--tracker", o.trackers,
                   "announce URL for served torrents, magnets and our announces (repeatable)");
    app.add_option("--tracker-whitelist", o.tracker_whitelist,
                   "keep this file listing the kept releases' infohashes (opentracker -w)");
    app.add_option("--tracker-pid", o.tracker_pid, "send SIGHUP to this tracker pid after each whitelist change")
        ->check(CLI::PositiveNumber);
    app.add_option("--upload-rate", o.upload_rate, "upload cap in bytes/s, local peers included (0 = none)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    app.add_flag("--dht", o.dht, "join the BitTorrent DHT");
    app.add_flag("--lsd", o.lsd, "local service discovery");
    app.add_flag("--upnp", o.upnp, "UPnP port mapping");
    app.add_flag("--natpmp", o.natpmp, "NAT-PMP port mapping");
    app.add_flag("--utp", o.utp, "allow uTP besides TCP");
    app.add_flag("-v,--verbose", verbose, "debug logging (requests, tracker replies)");
    app.add_flag("-q,--quiet", quiet, "warnings and errors only");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;  // --help is 0; usage errors are 2, like every tool here
    }
    if (!set_host_port("--listen", listen, o.listen) || !set_host_port("--http", http, o.http)) return 2;
    if (verbose) spdlog::set_level(spdlog::level::debug);
    if (quiet) spdlog::set_level(spdlog::level::warn);

    try {
        if (auto s = sd::run_seeder(o); !s) {
            fmt::print(stderr, "utxo-seeder: {}\n", s.error().message);
            return 2;
        }
    } catch (const std::exception& e) {  // a library throwing past our boundaries is still reported
        fmt::print(stderr, "utxo-seeder: {}\n", e.what());
        return 2;
    }
    return 0;
}

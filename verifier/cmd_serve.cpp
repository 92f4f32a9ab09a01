// `serve`: the Esplora-compatible HTTP API over the store.
#include <fmt/format.h>

#include <cstdio>

#include "net/endpoint.h"
#include "verifier/commands.h"
#include "verifier/http_server.h"
#include "verifier/query.h"

namespace utxo::verifier {

namespace {

void run_serve(const std::filesystem::path& db, const std::string& listen, std::size_t max_connections) {
    auto hp = net::parse_host_port(listen);
    if (!hp) exit_with(hp.error());
    std::optional<Store> store;
    auto cur = open_installed(db, store);
    if (!cur) exit_with(cur.error());
    ServeOptions o;
    o.host = hp->host, o.port = hp->port;
    o.max_connections = max_connections;
    o.on_listening = [&](std::uint16_t port) {
        // Tests and scripts read this line to learn the port when 0 was asked for.
        fmt::print("listening on {}:{} (release {}, {})\n", o.host, port, cur->manifest.height.value,
                   cur->full ? "full" : "wallet");
        std::fflush(stdout);
    };
    if (auto s = serve_http(*store, o); !s) exit_with(s.error());
}

}  // namespace

void add_serve_command(CLI::App& app) {
    auto db = std::make_shared<std::filesystem::path>();
    auto listen = std::make_shared<std::string>();
    auto max_connections = std::make_shared<std::size_t>(ServeOptions{}.max_connections);
    auto* cmd = app.add_subcommand("serve", "serve Esplora-compatible /address/:a/utxo, /scripthash/:h/utxo and "
                                            "/blocks/tip/height over HTTP until SIGINT/SIGTERM");
    cmd->add_option("--db", *db, "store directory")->required();
    cmd->add_option("--http", *listen, "HOST:PORT to listen on (port 0: any free port)")->required();
    cmd->add_option("--max-connections", *max_connections,
                    "open connections served at once; more get 503 (default 256)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
    cmd->callback([db, listen, max_connections] { run_serve(*db, *listen, *max_connections); });
}

}  // namespace utxo::verifier

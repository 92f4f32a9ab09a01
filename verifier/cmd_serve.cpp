// `serve`: the Esplora-compatible HTTP API over the store.
#include <fmt/format.h>

#include "net/endpoint.h"
#include "verifier/commands.h"
#include "verifier/esplora_route.h"
#include "verifier/http_server.h"
#include "verifier/query.h"

namespace utxo::verifier {

core::Status run_serve(const ServeCommandOptions& options,
                       const std::function<void(const std::string& line)>& on_listening) {
    UTXO_TRY_ASSIGN(auto hp, net::parse_host_port(options.listen));
    ServeOptions o;
    if (!options.base_path.empty()) {
        UTXO_TRY_ASSIGN(o.esplora.base_path, normalize_base_path(options.base_path));
    }
    if (!options.cors.empty()) UTXO_TRY(check_cors_origin(options.cors));
    o.esplora.cors_origin = options.cors;
    // A store with nothing installed yet is served too: every answer is 503 until a `fetch` beside
    // serve installs a release, which the next request then answers from (Store::current()). So a
    // service can start before the first fetch has finished.
    UTXO_TRY_ASSIGN(auto opened, Store::open(options.db));
    std::optional<Store> store(std::move(opened));
    UTXO_TRY_ASSIGN(auto cur, store->installed());
    o.host = hp.host, o.port = hp.port;
    o.max_connections = options.max_connections;
    o.max_connections_per_ip = options.max_connections_per_ip;
    o.on_hangup = options.on_hangup;
    o.on_listening = [&](std::uint16_t port) {
        // Tests and scripts read this line to learn the port when 0 was asked for.
        on_listening(cur ? fmt::format("listening on {}:{} (release {}, {})", o.host, port,
                                       cur->manifest.height.value, cur->full ? "full" : "wallet")
                         : fmt::format("listening on {}:{} (no release installed yet: 503 until a fetch "
                                       "installs one)",
                                       o.host, port));
    };
    return serve_http(*store, o);
}

}  // namespace utxo::verifier

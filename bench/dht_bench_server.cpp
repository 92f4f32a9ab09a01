// bench-dht's baseline server: net::HttpServer on 127.0.0.1 answering every GET with one body. A file
// of its own because net/http_server.h's and net/http_client.h's HttpResponse cannot meet in one file.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "net/http_server.h"

namespace bench {

// The server (kept alive by the returned pointer) and its port.
std::shared_ptr<void> serve_body(const std::string& body, std::uint16_t& port) {
    auto server = utxo::net::HttpServer::start({}, [body](const utxo::net::HttpRequest&) {
        utxo::net::HttpResponse r;
        r.content_type = "application/octet-stream";
        r.body = body;
        return r;
    });
    if (!server) {
        std::fprintf(stderr, "bench-dht: %s\n", server.error().message.c_str());
        std::exit(2);
    }
    port = (*server)->port();
    return std::shared_ptr<utxo::net::HttpServer>(std::move(*server));
}

}  // namespace bench

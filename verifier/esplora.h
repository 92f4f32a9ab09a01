// The HTTP API as a pure function from request to response (no sockets, no Beast), so it is
// tested directly; http_server.cpp carries it over the network. Of the request only the method
// and the target are read. Routes (under "/", "/api", "/<network>/api" or the base path, see
// esplora_route.h), for GET and HEAD:
//
//   /address/:address/utxo    [{"txid","vout","status":{"confirmed":true,"block_height":H},"value"}]
//   /scripthash/:hash/utxo    the same; :hash is hex(SHA256(scriptPubKey)) in natural byte order
//   /blocks/tip/height        the installed release's height, text/plain
//   /blocks/tip/hash          its block hash (signed in the manifest), text/plain
//   /block-height/:height     that hash for the release's height; 404 for any other height
//
// Esplora's status also has block_hash and block_time: the signed data holds one block hash (the
// release's) and no time, so they are omitted. What needs a full node's history (transactions,
// address statistics, blocks, mempool, fees, POST /tx) is 501 naming what this server is. 400: a
// bad address, hash or height; 404: unknown path, another network's prefix, a script whose shard
// this wallet store does not hold; 405: another method; 503: nothing installed. OPTIONS: 204, for
// CORS preflights. The HTML pages and /metrics of serve are answered before this (serve_pages.h).
//
// Every answer carries Cache-Control (max_age for 2xx, no-store otherwise), the installed release
// (X-Utxo-Release-Height, X-Utxo-Release-Block, X-Utxo-Release-Age: seconds since this store
// accepted it) and, with cors_origin set, Access-Control-Allow-Origin.
#pragma once
#include <cstdint>
#include <string>

#include "net/http_types.h"
#include "verifier/store.h"

namespace utxo::verifier {

using net::HttpRequest;
using net::HttpResponse;

struct EsploraOptions {
    std::string base_path;    // an extra prefix, normalized ("/esplora"; esplora_route.h); empty: none
    std::string cors_origin;  // Access-Control-Allow-Origin of every answer ("*" or an origin); empty: none
    std::uint32_t max_age = 10;  // Cache-Control max-age of 2xx answers, seconds (Esplora's short TTL)
};

// `now` is unix seconds, for X-Utxo-Release-Age.
HttpResponse handle_request(const HttpRequest& req, Store& store, const EsploraOptions& options,
                            std::int64_t now);
// The same at the system clock's time, default options.
HttpResponse handle_request(const HttpRequest& req, Store& store);

// The headers every answer carries (Cache-Control, the release's, CORS), for the server
// skeleton's own answers (413, 431, 503 over the connection cap).
void add_common_headers(HttpResponse& res, Store& store, const EsploraOptions& options, std::int64_t now);

}  // namespace utxo::verifier

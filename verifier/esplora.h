// The HTTP API as a pure function from request to response (no sockets, no Beast), so it is
// tested directly; http_server.cpp carries it over the network. Of the request only the method
// and the target are read.
//
//   GET /address/:address/utxo     Esplora:
//   [{"txid","vout","status":{"confirmed":true,"block_height":H},"value"}] GET /scripthash/:hash/utxo     the
//   same; :hash is hex(SHA256(scriptPubKey)) in natural byte order GET /blocks/tip/height         the
//   installed release's height, text/plain
//
// Esplora's status also has block_hash and block_time; a shard file holds only each coin's height,
// so they are omitted. 400: a bad address or hash; 404: unknown path, or the script's shard is not
// held by this wallet store; 405: not GET; 503: nothing installed.
#pragma once
#include "net/http_types.h"
#include "verifier/store.h"

namespace utxo::verifier {

using net::HttpRequest;
using net::HttpResponse;

HttpResponse handle_request(const HttpRequest& req, Store& store);

}  // namespace utxo::verifier

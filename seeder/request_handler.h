// The whole HTTP interface (docs/seeder-http.md) as one pure function of the request and a
// read-only snapshot of the releases: no sockets, no state, so it is tested directly.
#pragma once
#include "net/http_types.h"
#include "seeder/metrics.h"
#include "seeder/release_catalog.h"

namespace utxo::seeder {

using net::FileSlice;
using net::HttpRequest;
using net::HttpResponse;

// GET and HEAD only (405 otherwise). Routes: / (the operator's HTML page, status_page.h), /v1/releases,
// /v1/releases/<net>/<name>/<file>, /v1/files/<net>/<name>/<shards|patches>/<file> (Range: 206 or 416),
// /metrics (when metrics is given). 400 for targets that try to leave their directory, 404 for anything not
// kept. Files are returned as FileSlice after resolving symlinks and checking the result is still a regular
// file under catalog.root.
HttpResponse handle_request(const HttpRequest& request, const Catalog& catalog, const Metrics* metrics);

}  // namespace utxo::seeder

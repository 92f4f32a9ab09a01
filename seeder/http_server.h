// The seeder's HTTP server: net's server skeleton (net/http_server.h) with the seeder's limits,
// handle_request over the current snapshot of the releases, the HTTP counters of /metrics and
// rate-limited request log lines. Every read has a timeout (5 s for a header), headers are limited
// to 8 KiB, request bodies are refused (413), connections beyond the cap (in all, or from one
// client address) are closed at once, and file bodies are streamed in chunks from disk under
// --upload-rate.
#pragma once
#include <memory>

#include "core/error.h"
#include "net/http_server.h"
#include "seeder/metrics.h"
#include "seeder/options.h"
#include "seeder/release_catalog.h"

namespace utxo::seeder {

using net::HttpServer;

// Binds options.http (a numeric address) and serves on two threads until destroyed.
// catalogs and metrics must outlive the server.
[[nodiscard]] core::Result<std::unique_ptr<HttpServer>> start_http_server(const Options& options,
                                                                          const CatalogBox& catalogs,
                                                                          Metrics& metrics);

}  // namespace utxo::seeder

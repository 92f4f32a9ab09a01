// `utxo-indexer run --metrics-listen HOST:PORT`: GET /metrics while the run goes on, for an
// operator's Prometheus (the indexer's height, the releases it cut, build and process series).
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "core/error.h"
#include "net/endpoint.h"
#include "net/http_server.h"

namespace utxo::indexer {

// Written by the run (its thread), read by the server's.
struct RunMetrics {
    std::atomic<std::int64_t> height{-1};  // the store's tip; -1 while the store is empty
    std::atomic<std::uint64_t> blocks_applied{0};
    std::atomic<std::uint64_t> releases_cut{0};
    std::atomic<std::int64_t> last_release_unix_time{0};  // 0: none cut by this run yet
};

// utxo_indexer_* then utxo_build_info{tool="utxo-indexer"} and the process_* series.
std::string render_run_metrics(const RunMetrics& m);

// Serves GET /metrics (everything else 404) on `listen`, a numeric address, on one thread until
// destroyed; `metrics` must outlive it. Errc::usage or Errc::io naming --metrics-listen.
[[nodiscard]] core::Result<std::unique_ptr<net::HttpServer>> start_metrics_server(const net::HostPort& listen,
                                                                                  const RunMetrics& metrics);

}  // namespace utxo::indexer

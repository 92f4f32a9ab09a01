// What `serve` answers besides the Esplora API: GET / (the status page), GET /lookup?address=A
// (an address's unspent outputs and balance as HTML) and GET /metrics (Prometheus text), each at
// the root and under --base-path. Counters of the answers given are kept here for /metrics.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "net/http_types.h"
#include "verifier/esplora.h"
#include "verifier/store.h"

namespace utxo::verifier {

// Answers by status code, counted by the server's observer; thread-safe.
class ServeCounters {
public:
    void count(unsigned status);
    std::map<unsigned, std::uint64_t> requests() const;
    // Series another part of the process adds to /metrics (follow's); set before serving starts.
    void set_extra_metrics(std::function<std::string()> extra) { extra_ = std::move(extra); }
    std::string extra_metrics() const { return extra_ ? extra_() : std::string(); }

private:
    mutable std::mutex mutex_;
    std::map<unsigned, std::uint64_t> requests_;
    std::function<std::string()> extra_;
};

// The answer for "/", "/lookup" and "/metrics" (GET or HEAD; after base_path or at the root), or
// nullopt for every other request, which the Esplora API answers. `now` is unix seconds. The
// lookup page answers 400 for an address that does not parse on the store's network, 404 when a
// wallet store does not hold the address's shard, 503 when nothing is installed.
std::optional<HttpResponse> handle_page(const HttpRequest& req, Store& store, const EsploraOptions& options,
                                        const ServeCounters& counters, std::int64_t now);

// utxo_serve_* (installed height, release age, requests answered) then utxo_build_info and the
// process_* series; `cur` null: the release series are left out.
std::string render_serve_metrics(const Installed* cur, const ServeCounters& counters, std::int64_t now);

}  // namespace utxo::verifier

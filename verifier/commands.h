// The utxo-verifier commands other than fetch (verifier/fetch.h) as library calls: an options
// struct in, the text for stdout out. The executable (main.cpp and cli_*.cpp) lays the command
// line over these options, prints the text, and maps a failure to the exit code.
//
// Failures are core::Error; main prints "utxo-verifier: <message>". Errc::rejected is a negative
// verdict (a held file or an export that contradicts the signed manifest); every other code is
// usage or I/O trouble, including "no release installed" and "shard not held".
#pragma once
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "verifier/http_server.h"

namespace utxo::verifier {

// `status`: the installed release, as text or one JSON object.
struct StatusOptions {
    std::filesystem::path db;
    bool json = false;
    // Given: the release's age is checked against its max-age (the freeze alarm).
    std::optional<std::filesystem::path> trustnet;
};
[[nodiscard]] core::Result<std::string> run_status(const StatusOptions& options);
// The same, with the freeze alarm's line when the trustnet's max-age is exceeded (exit 3).
struct StatusReport {
    std::string text;
    std::optional<std::string> stale;
};
[[nodiscard]] core::Result<StatusReport> run_status_report(const StatusOptions& options);

// `check`: re-reads every held shard file against the manifest (Errc::rejected on a mismatch).
// JSON keys: ok, network, height, block_hash, full, shards (files checked), coins (theirs).
struct CheckOptions {
    std::filesystem::path db;
    bool json = false;
};
[[nodiscard]] core::Result<std::string> run_check(const CheckOptions& options);

// `utxos` and `balance`: the coins paying to addresses or scripts (at least one of them).
struct QueryOptions {
    std::filesystem::path db;
    std::vector<std::string> addresses;
    std::vector<std::string> scripts;  // scriptPubKey hex
    bool json = false;
};
[[nodiscard]] core::Result<std::string> run_utxos(const QueryOptions& options);
[[nodiscard]] core::Result<std::string> run_balance(const QueryOptions& options);

// `export-core`: a full store as a Bitcoin Core snapshot file (Errc::rejected when the file would
// not match the manifest's coin count and hash_serialized_3). JSON keys: ok, file, bytes, network,
// height, block_hash, coins, hash_serialized_3, seconds, coins_per_second.
struct ExportCoreOptions {
    std::filesystem::path db;
    std::filesystem::path out;  // must not exist
    bool json = false;
};
[[nodiscard]] core::Result<std::string> run_export_core(const ExportCoreOptions& options);

// `serve`: the Esplora-compatible HTTP API over the store until SIGINT or SIGTERM. `on_listening`
// is told the line announcing the address and port (the port matters when 0 was asked for).
struct ServeCommandOptions {
    std::filesystem::path db;
    std::string listen;                                            // HOST:PORT
    std::size_t max_connections = ServeOptions{}.max_connections;  // served at once; more get 503
    std::size_t max_connections_per_ip = ServeOptions{}.max_connections_per_ip;  // of those, from one client
    std::string
        base_path;     // an API prefix besides "/api" and "/<network>/api" (esplora_route.h); empty: none
    std::string cors;  // Access-Control-Allow-Origin: "*" or an origin; empty: no CORS headers
    std::function<void()> on_hangup;  // SIGHUP (ServeOptions::on_hangup)
};
[[nodiscard]] core::Status run_serve(const ServeCommandOptions& options,
                                     const std::function<void(const std::string& line)>& on_listening);

}  // namespace utxo::verifier

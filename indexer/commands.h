// The indexer's commands as library functions: plain option structs in, results out.
// The executable (main.cpp, cli_*.cpp) lays the command line over these, prints the results and
// maps errors to exit codes: Errc::rejected is a negative verdict (a release that contradicts its
// manifest), every other code is usage or I/O trouble. `run` is in run.h, `synth` in synth.h.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/network.h"
#include "indexer/release.h"
#include "indexer/utxo_store.h"
#include "indexer/verify_release.h"

namespace utxo::indexer {

struct BuildOptions {
    std::filesystem::path blocks;  // hex-lines file, blk*.dat file or blocks directory
    core::Network network = core::Network::mainnet;
    std::filesystem::path db;
    bool progress = false;        // draw a progress line on stderr
    std::size_t cache_mb = 2048;  // memory for new coins before they are written to LMDB
};
struct BuildSummary {
    std::uint64_t blocks = 0;
    std::uint64_t created = 0;
    std::uint64_t spent = 0;
    double seconds = 0;
    std::optional<ChainTip> tip;
};
// Applies every block that follows the store's tip, in one transaction: an error or an
// interruption leaves the store exactly as it was.
[[nodiscard]] core::Result<BuildSummary> build(const BuildOptions& options);

struct StoreStats {
    core::Network network;
    std::optional<ChainTip> tip;
    std::uint64_t coins = 0;
    core::Amount total;
    core::AssumeutxoHash hash_serialized_3;
    core::MuHashDigest muhash;
};
[[nodiscard]] core::Result<StoreStats> stats(const std::filesystem::path& db);
std::string stats_json(const StoreStats& s);  // one object: height, block_hash, coins, total_amount, ...
std::string stats_text(const StoreStats& s);

struct ImportOptions {
    std::filesystem::path snapshot;
    std::filesystem::path db;
    std::optional<core::Height> height;  // required unless the base block is a known Core snapshot
};
struct ImportSummary {
    core::Network network;
    ChainTip tip;
    std::uint64_t coins = 0;
    core::AssumeutxoHash hash_serialized_3;
    bool matched_core_params = false;  // hash checked against Core's published assumeutxo value
    double seconds = 0;
};
[[nodiscard]] core::Result<ImportSummary> import_core(const ImportOptions& options);

struct ExportSummary {
    std::uint64_t coins = 0;
    ChainTip tip;
    core::AssumeutxoHash hash_serialized_3;
    core::MuHashDigest muhash;  // recomputed from the written coins and checked against the store
    double seconds = 0;
};
// Writes the store as a Core snapshot file; refuses an existing file. On the way it computes
// hash_serialized_3 and recomputes MuHash, which must equal the store's running MuHash.
[[nodiscard]] core::Result<ExportSummary> export_core(const std::filesystem::path& db,
                                                      const std::filesystem::path& out);

struct AddressHolding {
    std::string address;
    std::uint64_t coins = 0;  // among the coins visited (the scan stops at `count` addresses)
    core::Amount value;
};
// The first `count` distinct addresses of the set in key order (scripts without an address skipped).
[[nodiscard]] core::Result<std::vector<AddressHolding>> sample_addresses(const std::filesystem::path& db,
                                                                         std::size_t count);
// The same from a release's shard files (shard by shard, each in outpoint order).
[[nodiscard]] core::Result<std::vector<AddressHolding>> sample_release_addresses(
    const std::filesystem::path& release, std::size_t count);

// `addresses`: sample_addresses of `db` or sample_release_addresses of `release`, exactly one of
// them given (Errc::usage otherwise).
struct AddressesOptions {
    std::filesystem::path db;
    std::filesystem::path release;
    std::size_t count = 10;
};
[[nodiscard]] core::Result<std::vector<AddressHolding>> list_addresses(const AddressesOptions& options);

// `release`: opens the existing store at `db` and cuts the release at its tip. A release the store
// cannot cut (ReleaseNotCut) is a failure here, Errc::not_found with the reason. For a release that
// exists already, the summary's manifest is the one on disk.
struct CutOptions {
    std::filesystem::path db;
    ReleaseOptions release;
};
[[nodiscard]] core::Result<ReleaseSummary> cut_store_release(const CutOptions& options);

// --json objects (docs/indexer.md). A release cut or found: dir, network, height, block_hash,
// shard_count, piece_size, coins, total_amount, hash_serialized_3, muhash, manifest_sha256,
// shards_infohash, shard_bytes, patches (null, or from_height, from_block, infohash, bytes), seconds.
nlohmann::ordered_json release_json(const ReleaseSummary& release);
// `verify-release`: ok, dir, files, bytes, coins, checks, hash_seconds, coins_seconds, patch_seconds.
nlohmann::ordered_json verify_json(const std::filesystem::path& dir, const VerifyReport& report);
// `addresses`: {"addresses": [{"address", "value", "coins"}]}.
nlohmann::ordered_json addresses_json(const std::vector<AddressHolding>& holdings);

// `verify-release DIR`: verify_release(DIR) as a verdict: content that contradicts the manifest
// (Errc::mismatch) becomes Errc::rejected; every message starts with "DIR: ".
[[nodiscard]] core::Result<VerifyReport> judge_release(const std::filesystem::path& dir);

}  // namespace utxo::indexer

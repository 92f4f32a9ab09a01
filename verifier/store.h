// The verifier's store: the verified release files themselves (kept to seed them back) plus a
// small LMDB database for what is installed. No second copy of the set.
//
// DIR/releases/<network>/<height>-<hash>/   manifest.json, *.minisig, shards.torrent, patches.torrent,
//                                           shards/<i>.shard (all, or a wallet's subset)
//                                           index/<i>.sidx: script indexes, derived (script_index.h)
// DIR/staging/<height>-<hash>/              downloads and patch results before they are verified
// DIR/index/                                LMDB: "installed" record
//
// Installing is: files complete and verified in staging -> staging renamed into releases/ ->
// one LMDB transaction switches "installed" -> the old release's directory is removed. A crash at
// any point leaves the previous release installed and answering; a restart resumes from staging.
//
// What install() checks (see docs/verifier.md, "Why SHA-256 is enough to answer"): every staged
// shard's size and SHA-256 against the manifest (one read), and its header fields and coin count.
// The manifest's SHA-256 is the strong, signed hash of the exact bytes, so the per-shard MuHash and
// the coin-by-coin canonical parse, which cost ~20x the hashing, are not repeated at install time;
// check_installed() (`utxo-verifier check`) does them on demand.
//
// Concurrency: any number of processes may read; install() takes an exclusive lock on DIR/lock,
// so two installs never interleave, and open() clears leftovers of a crash only under that lock.
// current() and the queries may be called from several threads of one process at once.
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/coin.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/manifest.h"
#include "core/minisign.h"
#include "core/network.h"
#include "verifier/shard_check.h"

namespace utxo::verifier {

struct Installed {
    core::Manifest manifest;
    core::Sha256Digest manifest_sha256;
    std::vector<std::uint32_t> shards;     // held shard indices (all of them in full mode)
    bool full = true;                      // full set, or a wallet's shards
    std::vector<std::string> authorities;  // names of the authorities whose signatures were accepted
    std::int64_t accepted_at = 0;          // unix seconds
    // When the release was signed (the earliest signing time among the counted signatures, unix
    // seconds; core::Verdict::signed_at), if its signatures state one.
    std::optional<std::int64_t> signed_at;
    std::filesystem::path dir;  // DIR/releases/<network>/<name>
};

struct OwnedCoin {
    core::OutPoint outpoint;
    core::Coin coin;
};

// Shard files (by index) already checked against the manifest before install, with the stamp of
// the bytes checked (StagedChecker, during the download; their writeback has been started).
using EarlyChecks = std::unordered_map<std::uint32_t, FileStamp>;

class Store {
public:
    // Opens or creates DIR.
    [[nodiscard]] static core::Result<Store> open(const std::filesystem::path& dir);
    ~Store();
    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;

    // The installed release, shared and never changed (null while nothing is installed). It is
    // decoded once and kept: each call opens one LMDB read transaction and compares its id (and,
    // when the id moved, the "installed" record's bytes) with what was decoded, so a release
    // installed by another handle or process is answered for from the next call on. Thread-safe.
    [[nodiscard]] core::Result<std::shared_ptr<const Installed>> current();
    // A copy of current()'s release.
    [[nodiscard]] core::Result<std::optional<Installed>> installed();
    // Where a release's files are staged before installation (created if missing).
    [[nodiscard]] core::Result<std::filesystem::path> staging_dir(const core::Manifest& m);
    // DIR/staging/<name> (created if missing), for a download that is not a release yet (the
    // manifest a DHT pointer names). The caller removes it.
    [[nodiscard]] core::Result<std::filesystem::path> scratch_dir(std::string_view name);
    // Checks every staged file listed for `shards` against the manifest (size, header with its
    // coin count, SHA-256) and makes it durable, then installs it as described above. A file in
    // `early` whose stamp is unchanged was checked already and is not read again.
    [[nodiscard]] core::Status install(const core::Manifest& m, const std::string& manifest_bytes,
                                       const std::vector<std::uint32_t>& shards, bool full,
                                       const std::vector<std::string>& authorities,
                                       const EarlyChecks& early = {},
                                       std::optional<std::int64_t> signed_at = std::nullopt);
    // Coins paying to `script` among the held shards (fails if its shard is not held).
    [[nodiscard]] core::Result<std::vector<OwnedCoin>> coins_for_script(core::ByteView script);
    // The same by SHA256(script) (Esplora's script hash, raw digest order), for callers that do
    // not know the script. Costs a decode and hash per coin of one shard.
    [[nodiscard]] core::Result<std::vector<OwnedCoin>> coins_for_script_hash(
        const core::Sha256Digest& script_sha256);
    const std::filesystem::path& directory() const;

    // Script indexes (docs/formats.md, "Script index"): the queries read a shard's index when it
    // has one and scan the shard otherwise. build_script_indexes() writes the index of every held
    // shard of the installed release that has no valid one, until `stop` is requested; it returns
    // how many it wrote. `serve` runs it on a background thread.
    [[nodiscard]] core::Result<std::size_t> build_script_indexes(const std::stop_token& stop = {});

    // Re-reads every held shard file with the full canonical checks and recomputes each shard's
    // coin count and MuHash, comparing them with the installed manifest (Errc::mismatch names the
    // first file that differs).
    [[nodiscard]] core::Status check_installed();

    // The highest DHT pointer seq seen for an authority's key on a network (fetch --dht), so an
    // older pointer replayed later is refused. record_dht_seq keeps the higher of the two.
    [[nodiscard]] core::Result<std::optional<std::int64_t>> dht_seq(core::Network network,
                                                                    const core::KeyId& id);
    [[nodiscard]] core::Status record_dht_seq(core::Network network, const core::KeyId& id, std::int64_t seq);

    struct Impl;  // defined in store_impl.h, for the store's own source files

private:
    explicit Store(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// The file of shard `index` inside a release (or staging) directory: DIR/shards/NNNNN.shard.
std::filesystem::path shard_path(const std::filesystem::path& release_dir, std::uint32_t index);

// Test builds only (configured with UTXO_BUILD_TESTS, which defines UTXO_TEST_HOOKS for this
// library): when the environment variable UTXO_VERIFIER_CRASH_AT names a step of install()
// ("verified", "renamed", "switched"), the process kills itself with SIGKILL at that step. A build
// without the tests has no such hook.
inline constexpr char kCrashEnv[] = "UTXO_VERIFIER_CRASH_AT";

}  // namespace utxo::verifier

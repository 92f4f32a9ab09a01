// Internals of Store shared by its source files (store.cpp, store_install.cpp, store_query.cpp).
#pragma once
#include <spdlog/spdlog.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/bytes.h"
#include "core/dir_lock.h"
#include "core/lmdb.h"
#include "verifier/log.h"
#include "verifier/script_index.h"
#include "verifier/store.h"

namespace utxo::verifier {

struct Store::Impl {
    std::filesystem::path dir;
    core::lmdb::Env env;
    core::lmdb::Dbi meta = 0;

    // Store::current()'s cache: the release decoded from `record` (the "installed" record's
    // bytes, empty when absent), last confirmed in the read transaction `txn_id`.
    std::mutex cache_mutex;
    bool cached = false;
    std::uint64_t txn_id = 0;
    std::string record;
    std::shared_ptr<const Installed> release;

    // The script indexes checked so far (by shard), for the release `indexed` only.
    std::mutex index_mutex;
    std::shared_ptr<const Installed> indexed;
    std::unordered_map<std::uint32_t, ScriptIndexTable> indexes;
};

// The LMDB "installed" record (meta key "installed"); layout in docs/formats.md.
struct InstalledRecord {
    std::int64_t accepted_at = 0;
    std::optional<std::int64_t> signed_at;  // the release's signing time (record version 2)
    bool full = true;
    std::string dir;  // relative to the store directory: "releases/<network>/<name>"
    std::vector<std::uint32_t> shards;
    std::vector<std::string> authorities;
    std::string manifest_bytes;
};
core::Bytes encode_installed(const InstalledRecord& r);
[[nodiscard]] core::Result<InstalledRecord> decode_installed(core::ByteView bytes);

inline constexpr char kInstalledKey[] = "installed";

[[nodiscard]] core::Result<std::optional<InstalledRecord>> read_installed_record(Store::Impl& impl);

// Decides from a coin's compressed script bytes whether the coin is wanted.
using ScriptMatch = std::function<bool(core::ByteView compressed)>;

// The checked script index of `shard` of the release `cur`, kept per release once checked;
// nullopt when the shard has none, an error when its file is damaged or another shard's.
[[nodiscard]] core::Result<std::optional<ScriptIndexTable>> script_index_of(
    Store::Impl& impl, const std::shared_ptr<const Installed>& cur, std::uint32_t shard);

// The coins of the records at `offsets` of a shard file (found in its script index) that `match`
// accepts; each record is matched as a scan would, so the index only says where to look.
[[nodiscard]] core::Result<std::vector<OwnedCoin>> read_records(const std::filesystem::path& shard_file,
                                                                const std::vector<std::uint32_t>& offsets,
                                                                const ScriptMatch& match);

// The store's one-writer lock: core's DirLock on DIR/lock (flock, holder's PID inside).
// wait=false fails at once when another process holds it; within one process it is re-entrant, so
// an install inside a fetch that holds the lock takes it again without blocking.
class StoreLock {
public:
    [[nodiscard]] static core::Result<StoreLock> take(const std::filesystem::path& dir, bool wait);

private:
    explicit StoreLock(core::DirLock lock) : lock_(std::move(lock)) {}
    core::DirLock lock_;
};

// Moves release directories that are not the installed one (an install that crashed between its
// rename and its LMDB switch) back into staging so the next install reuses their files.
void recover_releases(Store::Impl& impl);

// The component's logger ("verifier"), created on first use when main() did not.

// fsync a file or directory by path; errors are reported as Errc::io naming the path.
[[nodiscard]] core::Status fsync_path(const std::filesystem::path& p);

}  // namespace utxo::verifier

// Store::install: verify staged shard files against the manifest, then switch to them.
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "core/file_io.h"
#include "core/shard.h"
#include "verifier/shard_check.h"
#include "verifier/store.h"
#include "verifier/store_impl.h"

namespace utxo::verifier {

namespace fs = std::filesystem;
using core::Errc;
using core::fail;

namespace {

#ifdef UTXO_TEST_HOOKS
void crash_point(const char* step) {
    const char* at = std::getenv(kCrashEnv);
    if (at && std::strcmp(at, step) == 0) ::kill(::getpid(), SIGKILL);
}
#else
void crash_point(const char*) {}  // release builds: no hook
#endif

// Files checked here whose descriptors are kept to fdatasync each; past this many, or with files
// checked early (whose writeback the checker started), one syncfs is cheaper than a journal commit
// and device flush per file.
constexpr std::size_t kSyncEachUpTo = 64;

// The verified bytes must be on disk before the LMDB switch vouches for them. For many files, one
// syncfs() flushes them all: an fsync per file costs a device cache flush each (measured up to
// ~3 ms, 3 s for 1024 shards) even when the file is already clean. It also writes back whatever
// else is dirty on that filesystem, so a few files are fdatasynced each instead.
[[nodiscard]] core::Status sync_filesystem(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return fail(Errc::io, fmt::format("{}: cannot open: {}", dir.string(), std::strerror(errno)));
    core::ScopedFd guard(fd);
    if (::syncfs(fd) != 0)
        return fail(Errc::io, fmt::format("{}: syncfs failed: {}", dir.string(), std::strerror(errno)));
    return {};
}

[[nodiscard]] core::Result<std::vector<std::uint32_t>> held_list(const core::Manifest& m,
                                                                 std::vector<std::uint32_t> shards,
                                                                 bool full) {
    if (full && shards.empty())
        for (std::uint32_t i = 0; i < m.shard_count; ++i) shards.push_back(i);
    std::sort(shards.begin(), shards.end());
    shards.erase(std::unique(shards.begin(), shards.end()), shards.end());
    if (shards.empty()) return fail(Errc::usage, "no shards to install");
    if (shards.back() >= m.shard_count)
        return fail(Errc::usage, fmt::format("shard {} does not exist (the release has {})", shards.back(),
                                             m.shard_count));
    if (full && shards.size() != m.shard_count)
        return fail(Errc::usage,
                    fmt::format("a full store needs all {} shards, {} given", m.shard_count, shards.size()));
    return shards;
}

[[nodiscard]] core::Status check_succession(const std::optional<Installed>& cur, const core::Manifest& m) {
    if (!cur) return {};
    const auto& old = cur->manifest;
    if (old.network != m.network)
        return fail(Errc::usage, fmt::format("the store holds {}, not {}; use another directory",
                                             core::network_name(old.network), core::network_name(m.network)));
    if (m.height < old.height)
        return fail(Errc::usage, fmt::format("release {} is older than the installed release {}",
                                             m.height.value, old.height.value));
    if (m.height == old.height && m.block != old.block)
        return fail(Errc::mismatch,
                    fmt::format("release {} conflicts with the installed release at the same height {}",
                                m.block.to_display_hex(), old.block.to_display_hex()));
    return {};
}

// Staging holds exactly the files to be kept: shard files of the held set (re-installing the
// installed release, e.g. a wallet adding shards, links the ones it already has), nothing else.
[[nodiscard]] core::Status prepare_shards_dir(const fs::path& stage, const std::optional<Installed>& cur,
                                              const core::Manifest& m,
                                              const std::vector<std::uint32_t>& held) {
    std::error_code ec;
    const bool same = cur && cur->manifest.block == m.block && cur->manifest.height == m.height;
    for (auto i : held) {
        const fs::path want = shard_path(stage, i);
        if (!same || !fs::exists(shard_path(cur->dir, i), ec)) continue;
        // The installed, verified copy wins over whatever is staged: a download of neighbouring
        // shards leaves the edges of a v1 piece in files it was not asked for.
        fs::remove(want, ec);
        fs::create_hard_link(shard_path(cur->dir, i), want, ec);
        if (ec) fs::copy_file(shard_path(cur->dir, i), want, ec);
        if (ec) return fail(Errc::io, fmt::format("{}: cannot link: {}", want.string(), ec.message()));
    }
    for (const auto& e : fs::directory_iterator(stage / "shards", ec)) {
        const std::string name = e.path().filename().string();
        bool keep =
            std::any_of(held.begin(), held.end(), [&](auto i) { return name == core::shard_file_name(i); });
        if (!keep) fs::remove_all(e.path(), ec);
    }
    return {};
}

// A staged file that contradicts the signed manifest is refused; the staging directory goes with
// it, so a hostile peer's bytes do not stay on disk (I/O trouble keeps it for the next attempt).
std::unexpected<core::Error> refuse_staged(const fs::path& stage, core::Error e) {
    if (e.code == Errc::mismatch || e.code == Errc::invalid || e.code == Errc::non_canonical ||
        e.code == Errc::truncated || e.code == Errc::rejected) {
        std::error_code ec;
        fs::remove_all(stage, ec);
        if (!ec) log().info("removed {}: its files were refused", stage.string());
    }
    return std::unexpected(std::move(e));
}

}  // namespace

core::Status Store::install(const core::Manifest& m, const std::string& manifest_bytes,
                            const std::vector<std::uint32_t>& shards, bool full,
                            const std::vector<std::string>& authorities, const EarlyChecks& early,
                            std::optional<std::int64_t> signed_at) {
    if (core::encode_manifest(m) != manifest_bytes)
        return fail(Errc::mismatch,
                    "the manifest bytes are not the canonical encoding of the manifest given");
    UTXO_TRY_ASSIGN(auto held, held_list(m, shards, full));
    UTXO_TRY_ASSIGN(auto lock, StoreLock::take(impl_->dir, true));  // held until the install ends
    UTXO_TRY_ASSIGN(auto cur, installed());
    UTXO_TRY(check_succession(cur, m));
    UTXO_TRY_ASSIGN(auto stage, staging_dir(m));
    UTXO_TRY(prepare_shards_dir(stage, cur, m, held));
    std::vector<core::ScopedFd> to_sync;
    bool sync_all = false;
    for (auto i : held) {
        const fs::path p = shard_path(stage, i);
        if (auto it = early.find(i); it != early.end()) {
            auto now = file_stamp(p);
            if (now && *now == it->second) {  // checked during the download, writeback started
                sync_all = true, to_sync.clear();
                continue;
            }
        }
        auto checked = check_shard_file(p, m, i);
        if (!checked) return refuse_staged(stage, checked.error());
        if (sync_all) continue;
        to_sync.push_back(std::move(checked->fd));
        if (to_sync.size() > kSyncEachUpTo) sync_all = true, to_sync.clear();
    }
    if (auto s = core::write_file_atomically(stage / "manifest.json", core::as_bytes(manifest_bytes), 0644);
        !s)
        return s;
    if (sync_all) {
        UTXO_TRY(sync_filesystem(stage));
    }
    for (const auto& fd : to_sync)
        if (::fdatasync(fd.fd) != 0)
            return fail(Errc::io,
                        fmt::format("{}: fdatasync failed: {}", stage.string(), std::strerror(errno)));
    crash_point("verified");

    const std::string name = core::release_dir_name(m.height, m.block);
    fs::path rel = fs::path("releases") / std::string(core::network_name(m.network)) / name;
    if (cur && (cur)->dir == impl_->dir / rel) rel += "~1";  // the installed release, re-installed
    const fs::path target = impl_->dir / rel;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    fs::remove_all(target, ec);  // not installed (checked above): a leftover of an interrupted install
    fs::rename(stage, target, ec);
    if (ec)
        return fail(Errc::io, fmt::format("{}: cannot move into place: {}", target.string(), ec.message()));
    UTXO_TRY(fsync_path(target.parent_path()));
    UTXO_TRY(fsync_path(impl_->dir / "staging"));
    crash_point("renamed");

    InstalledRecord rec{static_cast<std::int64_t>(std::time(nullptr)),
                        signed_at,
                        full,
                        rel.string(),
                        held,
                        authorities,
                        manifest_bytes};
    UTXO_TRY_ASSIGN(auto txn, core::lmdb::Txn::begin(impl_->env, true));
    auto value = encode_installed(rec);
    UTXO_TRY(core::lmdb::put(txn, impl_->meta, core::as_bytes(kInstalledKey), value));
    UTXO_TRY(txn.commit());
    crash_point("switched");

    if (cur && (cur)->dir != target) fs::remove_all((cur)->dir, ec);
    log().info("installed release {} ({} of {} shards)", name, held.size(), m.shard_count);
    return {};
}

}  // namespace utxo::verifier

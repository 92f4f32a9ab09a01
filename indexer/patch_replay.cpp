#include "indexer/patch_replay.h"

#include <fmt/format.h>
#include <stdlib.h>

#include "core/buffered_file.h"
#include "core/parallel_for.h"
#include "core/patch.h"
#include "core/shard.h"

namespace utxo::indexer {

namespace fs = std::filesystem;
using core::Errc;
using core::fail;
using core::Result;

namespace {

// A private directory for the patched shards, removed with everything in it.
class ScratchDir {
public:
    [[nodiscard]] static Result<ScratchDir> create() {
        std::error_code ec;
        std::string tmpl = (fs::temp_directory_path(ec) / "utxo-verify-XXXXXX").string();
        if (ec || !::mkdtemp(tmpl.data()))
            return fail(Errc::io, fmt::format("cannot create a temporary directory in {}", tmpl));
        return ScratchDir(tmpl);
    }
    ScratchDir(ScratchDir&& o) noexcept : path_(std::exchange(o.path_, {})) {}
    ScratchDir& operator=(ScratchDir&&) = delete;
    ~ScratchDir() {
        std::error_code ec;
        if (!path_.empty()) fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

private:
    explicit ScratchDir(fs::path p) : path_(std::move(p)) {}
    fs::path path_;
};

// The directory the release itself is in (a trailing slash names the same directory).
fs::path release_parent(const fs::path& dir) {
    fs::path norm = dir.lexically_normal();
    if (!norm.has_filename()) norm = norm.parent_path();
    return norm.parent_path();
}

// Patch i applied to the previous release's shard i, compared with this release's shard entry.
[[nodiscard]] core::Status replay_one(const fs::path& dir, const fs::path& prev, const core::Manifest& m,
                                      std::uint32_t i, const fs::path& scratch) {
    const std::string patch_name = "patches/" + core::patch_file_name(i);
    const std::string shard_name = "shards/" + core::shard_file_name(i);
    auto patch = core::read_patch_file(dir / patch_name);
    if (!patch) return fail(patch.error().code, fmt::format("{}: {}", patch_name, patch.error().message));
    const fs::path out = scratch / core::shard_file_name(i);
    const fs::path base = prev / shard_name;
    if (auto st = core::apply_patch_unchecked(base, *patch, out, core::ShardWriter::Durability::caller_syncs);
        !st) {
        // A coin the base lacks (not_found) or already has, or headers that do not chain: the patch
        // contradicts the release it claims to start from.
        const bool contradicts = st.error().code == Errc::not_found || st.error().code == Errc::mismatch;
        return fail(contradicts ? Errc::mismatch : st.error().code,
                    fmt::format("{}: applied to {}: {}", patch_name, base.string(), st.error().message));
    }
    auto got = core::digest_file(out);
    std::error_code ec;
    fs::remove(out, ec);
    if (!got) return fail(got.error().code, fmt::format("{}: {}", patch_name, got.error().message));
    const core::ShardEntry& want = m.shards[i];
    if (got->bytes != want.bytes || got->sha256 != want.sha256)
        return fail(Errc::mismatch,
                    fmt::format("{}: applied to {} gives {} bytes with sha256 {}, but {} is {} bytes with "
                                "sha256 {}",
                                patch_name, base.string(), got->bytes, got->sha256.to_hex(), shard_name,
                                want.bytes, want.sha256.to_hex()));
    return {};
}

}  // namespace

Result<std::string> replay_patches(const fs::path& dir, const core::Manifest& m) {
    const core::PatchSet& ps = *m.patches;
    const fs::path prev = release_parent(dir) / core::release_dir_name(ps.from_height, ps.from_block);
    std::error_code ec;
    if (!fs::is_directory(prev, ec))
        return fmt::format("patches/: not applied: the release they start from ({}) is not beside this one",
                           prev.filename().string());
    UTXO_TRY_ASSIGN(auto scratch, ScratchDir::create());
    // One shard per job on every core; the lowest failing shard is reported.
    UTXO_TRY(core::parallel_for(m.shard_count, core::worker_threads(), [&](std::size_t i) {
        return replay_one(dir, prev, m, static_cast<std::uint32_t>(i), scratch.path());
    }));
    return fmt::format("patches/: applied to the {} shards of {}, each gives this release's shard",
                       m.shard_count, prev.filename().string());
}

}  // namespace utxo::indexer

// forward(): patch the held shards into the next release, then install it.
#include "verifier/forward.h"

#include <fmt/format.h>

#include "core/file_io.h"
#include "core/parallel_for.h"
#include "core/patch.h"
#include "core/sha256.h"
#include "verifier/shard_check.h"
#include "verifier/store_impl.h"

namespace utxo::verifier {

namespace fs = std::filesystem;
using core::Errc;

namespace {

[[nodiscard]] std::optional<CannotMoveForward> unusable_chain(const std::optional<Installed>& cur,
                                                              const core::Manifest& m) {
    if (!cur) return CannotMoveForward{"no release is installed to move forward from"};
    const auto& old = cur->manifest;
    if (!m.patches) return CannotMoveForward{fmt::format("release {} has no patches", m.height.value)};
    if (m.patches->from_height != old.height || m.patches->from_block != old.block)
        return CannotMoveForward{fmt::format("release {} patches from {}, the installed release is {}",
                                             m.height.value, m.patches->from_height.value, old.height.value)};
    if (m.network != old.network || m.shard_count != old.shard_count)
        return CannotMoveForward{"the new release has another network or shard count"};
    return std::nullopt;
}

// The patch file must be the one the signed manifest lists before it is parsed at all.
[[nodiscard]] std::expected<core::Patch, CannotMoveForward> read_checked_patch(const fs::path& p,
                                                                               const core::FileEntry& entry) {
    auto unusable = [&](std::string why) {
        return std::unexpected(CannotMoveForward{fmt::format("{}: {}", p.string(), why)});
    };
    auto bytes = core::read_small_file(p, std::size_t{1} << 34);
    if (!bytes) return unusable(bytes.error().message);
    if (bytes->size() != entry.bytes)
        return unusable(
            fmt::format("the patch is {} bytes, the manifest says {}", bytes->size(), entry.bytes));
    const core::Sha256Digest got = core::sha256(core::as_bytes(*bytes));
    if (got != entry.sha256)
        return unusable(
            fmt::format("SHA-256 is {}, the manifest says {}", got.to_hex(), entry.sha256.to_hex()));
    auto patch = core::decode_patch(core::as_bytes(*bytes));
    if (!patch) return unusable(patch.error().message);
    return std::move(*patch);
}

// Shard i patched into the staging directory and checked there against the new manifest (the
// bytes are still in the page cache), so install() need not read them again.
[[nodiscard]] std::expected<FileStamp, CannotMoveForward> patch_one(const Installed& cur,
                                                                    const core::Manifest& m,
                                                                    const fs::path& patches_dir,
                                                                    const fs::path& stage, std::uint32_t i) {
    const fs::path p = patches_dir / core::patch_file_name(i);
    auto patch = read_checked_patch(p, m.patches->files[i]);
    if (!patch) return std::unexpected(std::move(patch.error()));
    const fs::path out = shard_path(stage, i);
    std::error_code ec;
    fs::remove(out, ec);  // a result of an earlier attempt; apply_patch never replaces a file
    // The installed shard was checked against its signed manifest and the result is checked
    // against the new one, so its records are copied as they are. No fsync per file: install()
    // makes the staged files durable before the switch, as for downloaded files.
    if (auto s = core::apply_patch_unchecked(shard_path(cur.dir, i), *patch, out,
                                             core::ShardWriter::Durability::caller_syncs);
        !s)
        return std::unexpected(CannotMoveForward{fmt::format(
            "{}: does not apply to {}: {}", p.string(), shard_path(cur.dir, i).string(), s.error().message)});
    auto checked = check_shard_file(out, m, i);  // a patch result that is not the signed shard file
    if (!checked) return std::unexpected(CannotMoveForward{std::move(checked.error().message)});
    return checked->stamp;
}

}  // namespace

core::Result<std::optional<CannotMoveForward>> forward(Store& store, const core::Manifest& m,
                                                       const std::string& manifest_bytes,
                                                       const fs::path& patches_dir,
                                                       const std::vector<std::string>& authorities,
                                                       std::optional<std::int64_t> signed_at) {
    UTXO_TRY_ASSIGN(auto cur, store.installed());
    if (auto why = unusable_chain(cur, m)) return why;
    UTXO_TRY_ASSIGN(auto stage, store.staging_dir(m));
    // One shard per job, on every core: patching is bound by one core per file.
    const auto& held = cur->shards;
    std::vector<std::optional<FileStamp>> stamps(held.size());
    std::vector<std::optional<CannotMoveForward>> unusable(held.size());
    auto patched =
        core::parallel_for(held.size(), core::worker_threads(), [&](std::size_t k) -> core::Status {
            auto stamp = patch_one(*cur, m, patches_dir, stage, held[k]);
            if (!stamp) {
                unusable[k] = std::move(stamp.error());
                return core::fail(Errc::mismatch, "not usable");
            }
            stamps[k] = *stamp;
            return {};
        });
    if (!patched)  // the lowest shard that failed, whatever the threads' timing
        for (auto& why : unusable)
            if (why) return std::move(why);
    EarlyChecks early;
    for (std::size_t k = 0; k < held.size(); ++k) early.emplace(held[k], *stamps[k]);
    auto s = store.install(m, manifest_bytes, held, cur->full, authorities, early, signed_at);
    if (!s && s.error().code == Errc::mismatch)  // a patch result that is not the signed shard file
        return CannotMoveForward{std::move(s.error().message)};
    if (!s) return std::unexpected(std::move(s.error()));
    return std::nullopt;
}

}  // namespace utxo::verifier

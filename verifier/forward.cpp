// forward(): patch the held shards into the next release, then install it.
#include "verifier/forward.h"

#include <fmt/format.h>

#include "core/file_io.h"
#include "core/patch.h"
#include "core/sha256.h"
#include "verifier/store_impl.h"

namespace utxo::verifier {

namespace fs = std::filesystem;
using core::Errc;
using core::fail;

namespace {

// Every reason forward() cannot be used becomes not_found: the caller's answer to all of them is
// the same (download the new shards), and the message says which file and why.
std::unexpected<core::Error> unusable(std::string message) { return fail(Errc::not_found, std::move(message)); }

[[nodiscard]] core::Status check_chain(const std::optional<Installed>& cur, const core::Manifest& m) {
    if (!cur) return unusable("no release is installed to move forward from");
    const auto& old = cur->manifest;
    if (!m.patches) return unusable(fmt::format("release {} has no patches", m.height.value));
    if (m.patches->from_height != old.height || m.patches->from_block != old.block)
        return unusable(fmt::format("release {} patches from {}, the installed release is {}", m.height.value,
                                    m.patches->from_height.value, old.height.value));
    if (m.network != old.network || m.shard_count != old.shard_count)
        return unusable("the new release has another network or shard count");
    return {};
}

// The patch file must be the one the signed manifest lists before it is parsed at all.
[[nodiscard]] core::Result<core::Patch> read_checked_patch(const fs::path& p, const core::FileEntry& entry) {
    auto bytes = core::read_small_file(p, std::size_t{1} << 34);
    if (!bytes) return unusable(fmt::format("{}: {}", p.string(), bytes.error().message));
    if (bytes->size() != entry.bytes)
        return unusable(fmt::format("{}: the patch is {} bytes, the manifest says {}", p.string(), bytes->size(),
                                    entry.bytes));
    const core::Sha256Digest got = core::sha256(core::as_bytes(*bytes));
    if (got != entry.sha256)
        return unusable(fmt::format("{}: SHA-256 is {}, the manifest says {}", p.string(), got.to_hex(),
                                    entry.sha256.to_hex()));
    auto patch = core::decode_patch(core::as_bytes(*bytes));
    if (!patch) return unusable(fmt::format("{}: {}", p.string(), patch.error().message));
    return std::move(*patch);
}

}  // namespace

core::Status forward(Store& store, const core::Manifest& m, const std::string& manifest_bytes,
                     const fs::path& patches_dir, const std::vector<std::string>& authorities) {
    UTXO_TRY_ASSIGN(auto cur, store.installed());
    UTXO_TRY(check_chain(cur, m));
    UTXO_TRY_ASSIGN(auto stage, store.staging_dir(m));
    for (auto i : (cur)->shards) {
        const fs::path p = patches_dir / core::patch_file_name(i);
        UTXO_TRY_ASSIGN(auto patch, read_checked_patch(p, m.patches->files[i]));
        const fs::path out = shard_path(stage, i);
        std::error_code ec;
        fs::remove(out, ec);  // a result of an earlier attempt; apply_patch never replaces a file
        if (auto s = core::apply_patch(shard_path((cur)->dir, i), patch, out); !s)
            return unusable(fmt::format("{}: does not apply to {}: {}", p.string(), shard_path((cur)->dir, i).string(),
                                        s.error().message));
    }
    auto s = store.install(m, manifest_bytes, (cur)->shards, (cur)->full, authorities);
    if (!s && s.error().code == Errc::mismatch)  // a patch result that is not the signed shard file
        return unusable(s.error().message);
    return s;
}

}  // namespace utxo::verifier

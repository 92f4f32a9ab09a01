// Moving a store forward with patches: the shards held at the installed release, patched into the
// shards of the next release, verified and installed like downloaded ones.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/manifest.h"
#include "verifier/store.h"

namespace utxo::verifier {

// Why patches cannot move this store forward: the caller's answer is to download the new shards
// instead. `reason` names the file and what was wrong with it.
struct CannotMoveForward {
    std::string reason;
};

// Applies, for every held shard i, `patches_dir`/NNNNN.patch (checked first against the new
// manifest's patch entry: size and SHA-256) to the installed shard file, writing the new shard
// file into Store::staging_dir(new_manifest), then installs it (install() checks every result's
// size and SHA-256 against new_manifest) with the same shard set and mode.
//
// Returns nothing when the store moved forward, and CannotMoveForward when the patches cannot be
// used here: nothing installed, the new manifest does not patch from the installed release, a
// patch file missing, not matching its manifest entry, or not applying. An error is a failure of
// the install itself (I/O, a conflicting release). Either way the store still answers for its
// previous release unless it moved.
[[nodiscard]] core::Result<std::optional<CannotMoveForward>> forward(
    Store& store, const core::Manifest& new_manifest, const std::string& manifest_bytes,
    const std::filesystem::path& patches_dir, const std::vector<std::string>& authorities,
    std::optional<std::int64_t> signed_at = std::nullopt);

}  // namespace utxo::verifier

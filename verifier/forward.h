// Moving a store forward with patches: the shards held at the installed release, patched into the
// shards of the next release, verified and installed like downloaded ones.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/manifest.h"
#include "verifier/store.h"

namespace utxo::verifier {

// Applies, for every held shard i, `patches_dir`/NNNNN.patch (checked first against the new
// manifest's patch entry: size and SHA-256) to the installed shard file, writing the new shard
// file into Store::staging_dir(new_manifest), then installs it (install() checks every result's
// size and SHA-256 against new_manifest) with the same shard set and mode.
//
// Fails with Errc::not_found when forward cannot be used and the caller should download the new
// shards instead: nothing installed, the new manifest does not patch from the installed release,
// a patch file missing, not matching its manifest entry, or not applying. Any other code is a
// failure of the install itself (I/O, a conflicting release). On any failure the store still
// answers for its previous release.
[[nodiscard]] core::Status forward(Store& store, const core::Manifest& new_manifest, const std::string& manifest_bytes,
                     const std::filesystem::path& patches_dir, const std::vector<std::string>& authorities);

}  // namespace utxo::verifier

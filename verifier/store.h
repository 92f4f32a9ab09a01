// The verifier's store: the verified release files themselves (kept to seed them back) plus a
// small LMDB database for what is installed. No second copy of the set.
//
// DIR/releases/<network>/<height>-<hash>/   manifest.json, *.minisig, shards.torrent, patches.torrent,
//                                           shards/<i>.shard (all, or a wallet's subset)
// DIR/staging/<height>-<hash>/              downloads and patch results before they are verified
// DIR/index/                                LMDB: "installed" record, per-shard script index
//
// Installing is: files complete and verified in staging -> staging renamed into releases/ ->
// one LMDB transaction switches "installed" -> the old release's directory is removed. A crash at
// any point leaves the previous release installed and answering; a restart resumes from staging.
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/coin.h"
#include "core/error.h"
#include "core/manifest.h"
#include "core/network.h"

namespace utxo::verifier {

struct Installed {
    core::Manifest manifest;
    std::string manifest_sha256;           // hex
    std::vector<std::uint32_t> shards;     // held shard indices (all of them in full mode)
    bool full = true;                      // full set, or a wallet's shards
    std::vector<std::string> authorities;  // names of the authorities whose signatures were accepted
    std::int64_t accepted_at = 0;          // unix seconds
    std::filesystem::path dir;             // DIR/releases/<network>/<name>
};

struct OwnedCoin {
    core::OutPoint outpoint;
    core::Coin coin;
};

class Store {
public:
    // Opens or creates DIR.
    static core::Result<Store> open(const std::filesystem::path& dir);
    ~Store();
    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;

    core::Result<std::optional<Installed>> installed();
    // Where a release's files are staged before installation (created if missing).
    core::Result<std::filesystem::path> staging_dir(const core::Manifest& m);
    // Checks every staged file listed for `shards` against the manifest (size, SHA-256, shard
    // header, coin count, per-shard MuHash), then installs it as described above.
    core::Status install(const core::Manifest& m, const std::string& manifest_bytes,
                         const std::vector<std::uint32_t>& shards, bool full,
                         const std::vector<std::string>& authorities);
    // Coins paying to `script` among the held shards (fails if its shard is not held).
    core::Result<std::vector<OwnedCoin>> coins_for_script(core::ByteView script);
    const std::filesystem::path& directory() const;

private:
    struct Impl;
    explicit Store(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace utxo::verifier

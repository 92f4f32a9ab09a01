// hash_release_part: one read of a release part's files gives the manifest's sizes and SHA-256s
// and the torrent's piece hashes.
#include "core/manifest.h"
#include "indexer/piece_hasher.h"
#include "indexer/release.h"
#include "indexer/torrent_maker.h"

namespace utxo::indexer {

core::Result<HashedPart> hash_release_part(const std::filesystem::path& release_dir, const std::string& part,
                                           std::uint32_t count) {
    PieceHasher hasher(kPieceSize);
    for (std::uint32_t i = 0; i < count; ++i) {
        std::string name =
            part + "/" + (part == "shards" ? core::shard_file_name(i) : core::patch_file_name(i));
        UTXO_TRY(hasher.hash_file(release_dir / name, name));
    }
    auto pieces = hasher.finish();
    HashedPart out;
    for (const auto& f : hasher.files()) out.files.push_back({f.file.size, f.sha256});
    UTXO_TRY_ASSIGN(auto torrent, make_torrent(part, hasher.torrent_files(), kPieceSize, pieces));
    UTXO_TRY_ASSIGN(auto infohash, torrent_infohash(torrent));
    out.torrent = std::move(torrent);
    out.infohash = infohash;
    return out;
}

}  // namespace utxo::indexer

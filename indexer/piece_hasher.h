// One pass over a torrent's files computes everything a release needs from their bytes: the
// BitTorrent v1 SHA-1 piece hashes (pieces run across file boundaries, in torrent order) and, per
// file, its size and SHA-256 for the manifest. So each file is read (or produced) and hashed once.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/sha256.h"
#include "net/torrent_file.h"

namespace utxo::indexer {

// Fixed, so that every authority derives the same infohash; written to the manifest as piece_size.
inline constexpr std::uint32_t kPieceSize = 64 * 1024;

// A torrent file's path ("shards/00017.shard") is also its path relative to the release directory.
using core::Sha1Digest;
using net::TorrentFile;

struct HashedFile {
    TorrentFile file;
    core::Sha256Digest sha256;
};

// Feed files in torrent order: begin_file, update..., end_file; then finish() once.
class PieceHasher {
public:
    // piece_size: a power of two, at least 16 KiB (BitTorrent's block size).
    explicit PieceHasher(std::uint32_t piece_size = kPieceSize);
    ~PieceHasher();
    PieceHasher(PieceHasher&&) noexcept;
    PieceHasher& operator=(PieceHasher&&) noexcept;

    void begin_file(std::string torrent_path);
    void update(core::ByteView data);
    void end_file();
    // begin_file + the file's bytes read from disk in large blocks + end_file.
    [[nodiscard]] core::Status hash_file(const std::filesystem::path& disk_path, std::string torrent_path);

    // Hashes the last, shorter piece and returns all piece hashes. Call once, after the last file.
    std::vector<Sha1Digest> finish();

    std::uint32_t piece_size() const { return piece_size_; }
    std::uint64_t total_bytes() const { return total_; }
    const std::vector<HashedFile>& files() const { return files_; }
    std::vector<TorrentFile> torrent_files() const;

private:
    struct Sha1State;
    void piece_done();

    std::uint32_t piece_size_;
    std::unique_ptr<Sha1State> sha1_;
    std::uint32_t in_piece_ = 0;  // bytes of the current piece hashed so far
    std::uint64_t total_ = 0;
    std::vector<Sha1Digest> pieces_;
    std::vector<HashedFile> files_;
    core::Sha256Stream file_sha_;
};

}  // namespace utxo::indexer

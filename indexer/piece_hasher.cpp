#include "indexer/piece_hasher.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

// SHA_CTX is deprecated in OpenSSL 3 but avoids EVP's per-call algorithm fetch and context
// allocation; it still uses SHA-NI. Same choice as core/sha256.cpp.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

namespace utxo::indexer {

namespace {
constexpr std::size_t kReadBlock = 1 << 20;  // large reads: fewer syscalls, still cache-friendly
}

struct PieceHasher::Sha1State {
    SHA_CTX ctx;
};

PieceHasher::PieceHasher(std::uint32_t piece_size)
    : piece_size_(piece_size), sha1_(std::make_unique<Sha1State>()) {
    SHA1_Init(&sha1_->ctx);
}
PieceHasher::~PieceHasher() = default;
PieceHasher::PieceHasher(PieceHasher&&) noexcept = default;
PieceHasher& PieceHasher::operator=(PieceHasher&&) noexcept = default;

void PieceHasher::begin_file(std::string torrent_path) {
    files_.push_back(HashedFile{TorrentFile{std::move(torrent_path), 0}, {}});
    file_sha_ = core::Sha256Stream();
}

void PieceHasher::update(core::ByteView data) {
    file_sha_.update(data);
    files_.back().file.size += data.size();
    total_ += data.size();
    // Pieces ignore file boundaries: a piece may hold the tail of one file and the head of the next.
    while (!data.empty()) {
        std::size_t take = std::min<std::size_t>(data.size(), piece_size_ - in_piece_);
        SHA1_Update(&sha1_->ctx, data.data(), take);
        in_piece_ += static_cast<std::uint32_t>(take);
        data = data.subspan(take);
        if (in_piece_ == piece_size_) piece_done();
    }
}

void PieceHasher::end_file() { files_.back().sha256 = file_sha_.finish(); }

void PieceHasher::piece_done() {
    Sha1Digest d;
    SHA1_Final(d.bytes().data(), &sha1_->ctx);
    pieces_.push_back(d);
    SHA1_Init(&sha1_->ctx);
    in_piece_ = 0;
}

core::Status PieceHasher::hash_file(const std::filesystem::path& disk_path, std::string torrent_path) {
    std::FILE* f = std::fopen(disk_path.c_str(), "rb");
    if (!f)
        return core::fail(core::Errc::io,
                          fmt::format("{}: cannot open: {}", torrent_path, std::strerror(errno)));
    std::setvbuf(f, nullptr, _IONBF, 0);  // we read in large blocks; stdio's buffer only adds a copy
    begin_file(std::move(torrent_path));
    std::vector<std::uint8_t> buf(kReadBlock);
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), f)) update({buf.data(), n});
    bool failed = std::ferror(f) != 0;
    int err = errno;
    std::fclose(f);
    end_file();
    if (failed)
        return core::fail(core::Errc::io,
                          fmt::format("{}: read error: {}", files_.back().file.path, std::strerror(err)));
    return {};
}

std::vector<Sha1Digest> PieceHasher::finish() {
    if (in_piece_ > 0) piece_done();
    return std::move(pieces_);
}

std::vector<TorrentFile> PieceHasher::torrent_files() const {
    std::vector<TorrentFile> out;
    out.reserve(files_.size());
    for (const auto& f : files_) out.push_back(f.file);
    return out;
}

}  // namespace utxo::indexer

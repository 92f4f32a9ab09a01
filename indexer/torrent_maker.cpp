#include "indexer/torrent_maker.h"

#include <fmt/format.h>

#include <exception>
#include <libtorrent/create_torrent.hpp>
#include <libtorrent/error_code.hpp>
#include <libtorrent/file_storage.hpp>

namespace utxo::indexer {

namespace lt = libtorrent;
using core::Errc;
using core::fail;

namespace {

constexpr std::uint32_t kBlockSize = 16 * 1024;  // BitTorrent request size; pieces are multiples of it

[[nodiscard]] core::Status check_layout(std::string_view name, const std::vector<TorrentFile>& files,
                                        std::uint32_t piece_size) {
    if (name.empty() || name.find('/') != std::string_view::npos)
        return fail(Errc::usage, fmt::format("torrent name '{}' must be one non-empty path component", name));
    if (piece_size < kBlockSize || (piece_size & (piece_size - 1)) != 0)
        return fail(Errc::usage,
                    fmt::format("piece size {} is not a power of two of at least 16 KiB", piece_size));
    if (files.empty()) return fail(Errc::usage, fmt::format("torrent '{}' has no files", name));
    const std::string prefix = std::string(name) + "/";
    for (const auto& f : files) {
        if (!f.path.starts_with(prefix) || f.path.size() == prefix.size())
            return fail(Errc::usage,
                        fmt::format("file '{}' is not inside the torrent's directory '{}'", f.path, name));
        // Empty files would need special handling by clients and never occur in a release.
        if (f.size == 0) return fail(Errc::usage, fmt::format("file '{}' is empty", f.path));
    }
    return {};
}

std::uint64_t piece_count(const std::vector<TorrentFile>& files, std::uint32_t piece_size) {
    std::uint64_t total = 0;
    for (const auto& f : files) total += f.size;
    return (total + piece_size - 1) / piece_size;
}

// Files added without flags or mtime: no attributes, no pad files, no "mtime" keys.
lt::file_storage storage_for(const std::vector<TorrentFile>& files) {
    lt::file_storage fs;
    for (const auto& f : files) fs.add_file(f.path, static_cast<std::int64_t>(f.size));
    return fs;
}

// Strips everything that would differ between machines or runs from the outer dictionary.
core::Bytes encode(lt::create_torrent& ct) {
    ct.set_creator("");
    ct.set_creation_date(0);
    std::vector<char> buf = ct.generate_buf();
    return core::Bytes(buf.begin(), buf.end());
}

}  // namespace

core::Result<core::Bytes> make_torrent(std::string_view name, const std::vector<TorrentFile>& files,
                                       std::uint32_t piece_size,
                                       const std::vector<Sha1Digest>& piece_hashes) {
    UTXO_TRY(check_layout(name, files, piece_size));
    const std::uint64_t pieces = piece_count(files, piece_size);
    if (pieces != piece_hashes.size())
        return fail(Errc::usage, fmt::format("torrent '{}': {} piece hashes given for {} pieces", name,
                                             piece_hashes.size(), pieces));
    try {
        lt::file_storage fs = storage_for(files);
        lt::create_torrent ct(fs, static_cast<int>(piece_size), lt::create_torrent::v1_only);
        for (std::size_t i = 0; i < piece_hashes.size(); ++i) {
            lt::sha1_hash h(reinterpret_cast<const char*>(piece_hashes[i].data()));
            ct.set_hash(lt::piece_index_t(static_cast<int>(i)), h);
        }
        return encode(ct);
    } catch (const std::exception& e) {  // lt::system_error and allocation failures
        return fail(Errc::invalid, fmt::format("torrent '{}': libtorrent refused it: {}", name, e.what()));
    }
}

core::Result<core::Bytes> make_torrent_libtorrent_hashed(const std::filesystem::path& root,
                                                         std::string_view name,
                                                         const std::vector<TorrentFile>& files,
                                                         std::uint32_t piece_size) {
    UTXO_TRY(check_layout(name, files, piece_size));
    try {
        lt::file_storage fs = storage_for(files);
        lt::create_torrent ct(fs, static_cast<int>(piece_size), lt::create_torrent::v1_only);
        lt::error_code ec;
        lt::set_piece_hashes(ct, root.string(), ec);
        if (ec)
            return fail(Errc::io, fmt::format("torrent '{}': hashing {} failed: {}", name, root.string(),
                                              ec.message()));
        return encode(ct);
    } catch (const std::exception& e) {
        return fail(Errc::invalid, fmt::format("torrent '{}': libtorrent refused it: {}", name, e.what()));
    }
}

core::Result<TorrentContents> read_torrent(core::ByteView torrent) {
    // A 64 KiB-piece torrent of a large set runs to several MB; libtorrent's default caps are too tight.
    auto contents = net::read_torrent(
        torrent, {.max_bytes = 1u << 30, .max_pieces = 1 << 26, .max_decode_tokens = 1 << 26});
    if (!contents)
        return fail(Errc::invalid, fmt::format("not a valid .torrent file: {}", contents.error().message));
    if (!contents->has_v1) return fail(Errc::invalid, "not a BitTorrent v1 torrent (no v1 piece hashes)");
    return contents;
}

core::Result<core::InfoHash> torrent_infohash(core::ByteView torrent) {
    UTXO_TRY_ASSIGN(auto c, read_torrent(torrent));
    return c.infohash;
}

}  // namespace utxo::indexer

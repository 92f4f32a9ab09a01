// The only net file that includes libtorrent (linked PRIVATE: its ABI defines stay off the
// components that include torrent_file.h).
#include "net/torrent_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <libtorrent/torrent_info.hpp>
#include <memory>

namespace utxo::net {

namespace lt = libtorrent;
using core::Errc;
using core::fail;

namespace {

core::ByteView bytes_of(const lt::sha1_hash& h) {
    return {reinterpret_cast<const std::uint8_t*>(h.data()), static_cast<std::size_t>(h.size())};
}

[[nodiscard]] core::Result<std::unique_ptr<const lt::torrent_info>> parse(std::string_view torrent,
                                                                          const TorrentLimits& limits) {
    // libtorrent applies its max_buffer_size only when it reads a file itself, so the size is ours.
    if (torrent.size() > limits.max_bytes)
        return fail(Errc::invalid, fmt::format("larger than {} bytes", limits.max_bytes));
    lt::load_torrent_limits lt_limits;
    lt_limits.max_pieces = limits.max_pieces;
    lt_limits.max_decode_tokens = limits.max_decode_tokens;
    lt_limits.max_decode_depth = limits.max_decode_depth;
    try {
        return std::make_unique<const lt::torrent_info>(
            lt::span<const char>(torrent.data(), static_cast<std::ptrdiff_t>(torrent.size())), lt_limits,
            lt::from_span);
    } catch (const std::exception& e) {  // lt::system_error for bad bencoding or a limit; allocation
        return fail(Errc::invalid, e.what());
    }
}

TorrentContents contents_of(const lt::torrent_info& ti) {
    TorrentContents out;
    out.infohash = core::InfoHash::from_bytes(bytes_of(ti.info_hashes().v1));
    out.has_v1 = ti.info_hashes().has_v1();
    out.has_v2 = ti.info_hashes().has_v2();
    out.name = ti.name();
    out.piece_size = static_cast<std::uint32_t>(ti.piece_length());
    const lt::file_storage& fs = ti.files();
    for (lt::file_index_t i : fs.file_range()) {
        // libtorrent joins path elements with the platform's separator; ours is always '/'.
        std::string path = fs.file_path(i);
        std::replace(path.begin(), path.end(), '\\', '/');
        out.files.push_back(TorrentFile{std::move(path), static_cast<std::uint64_t>(fs.file_size(i))});
    }
    // Without v1 piece hashes there is nothing to read (hash_for_piece would read past them).
    if (out.has_v1)
        for (lt::piece_index_t p : fs.piece_range()) {
            out.pieces.push_back(Sha1Digest::from_bytes(bytes_of(ti.hash_for_piece(p))));
        }
    return out;
}

}  // namespace

core::Result<TorrentContents> read_torrent(std::string_view torrent, const TorrentLimits& limits) {
    UTXO_TRY_ASSIGN(auto ti, parse(torrent, limits));
    return contents_of(*ti);
}

core::Result<TorrentContents> read_torrent(core::ByteView torrent, const TorrentLimits& limits) {
    return read_torrent(std::string_view(reinterpret_cast<const char*>(torrent.data()), torrent.size()),
                        limits);
}

core::Result<core::InfoHash> torrent_infohash(std::string_view torrent, const TorrentLimits& limits) {
    UTXO_TRY_ASSIGN(auto ti, parse(torrent, limits));
    return core::InfoHash::from_bytes(bytes_of(ti->info_hashes().v1));
}

}  // namespace utxo::net

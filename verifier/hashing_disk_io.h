// A libtorrent disk backend for fetch: libtorrent's own pread/pwrite backend (posix_disk_io) that
// hashes each piece while it is written instead of reading it back afterwards, and writes a
// piece's blocks together.
//
// posix_disk_io does its jobs on libtorrent's network thread, which made that thread the
// download's bottleneck: for each 16 KiB block it opened the file, wrote and closed it; for each
// piece it opened the file again, read the piece back and SHA-1-hashed it. perf put about a third
// of that thread's time in those opens, writes and reads (bench/bootstrap.sh).
//
// This wrapper feeds every block that continues its piece in order to the piece's SHA-1 and
// holds it; when the piece is complete its blocks go to posix_disk_io in one write (one open
// instead of four), and their write handlers run after that write. When libtorrent asks for the
// piece's hash and every byte of the piece came here once, in order, and was written without
// error, the answer comes from memory. Anything else (a block out of order or twice, a write
// error, a piece partly written by an earlier run, v2 hashes) is written at once and hashed by
// posix_disk_io from disk, as before. Held blocks are written before any other job touches their
// files (reads, hashes, clears, stops, moves, renames, removal), so posix_disk_io's view is never
// stale. libtorrent's own check is unchanged: a piece whose hash does not match the torrent fails
// and is downloaded again. What is held is at most the pieces in flight (64 KiB each here).
//
// mmap_disk_io (libtorrent's default) would take the disk work off the network thread, but its
// mapped file pages count as the process's memory, and the peak grew with the set.
#pragma once
#include <libtorrent/session_params.hpp>

namespace utxo::verifier {

// For lt::session_params::disk_io_constructor.
lt::disk_io_constructor_type hashing_posix_disk_io();

}  // namespace utxo::verifier

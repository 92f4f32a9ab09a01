// A libtorrent disk backend for fetch: libtorrent's own pread/pwrite backend (posix_disk_io) that
// hashes each piece while it is written instead of reading it back afterwards.
//
// posix_disk_io does its jobs on libtorrent's network thread, which made that thread the
// download's bottleneck: for each piece it received the blocks, wrote them (opening and closing
// the file for each block), then opened the file again, read the piece back and SHA-1-hashed it.
// The read-back and its opens were about a fifth of that thread's time (perf, bench/bootstrap.sh).
// This wrapper feeds every block to the piece's SHA-1 as posix_disk_io writes it; when libtorrent
// asks for the piece's hash and every byte of the piece was written here once, in order, without
// error, the answer comes from memory. Anything else (a block out of order or written twice, a
// write error, a piece partly written by an earlier run, v2 hashes) goes to posix_disk_io, which
// reads the piece back as before. libtorrent's own check is unchanged: a piece whose hash does not
// match the torrent still fails and is downloaded again.
//
// mmap_disk_io (libtorrent's default) would take the disk work off the network thread, but its
// mapped file pages count as the process's memory, and the peak grew with the set (1.42 x for
// 7 x the bytes at one capped rate, against 1.0 x with this backend).
#pragma once
#include <libtorrent/session_params.hpp>

namespace utxo::verifier {

// For lt::session_params::disk_io_constructor.
lt::disk_io_constructor_type hashing_posix_disk_io();

}  // namespace utxo::verifier

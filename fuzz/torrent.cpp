// .torrent files are downloaded from seeders (fetch) and read back by the seeder: read_torrent
// must stay inside its limits and refuse junk with an error. libtorrent's bdecode is built
// without coverage here (Debian's library); the fuzzer steers through our checks around it.
#include "fuzz_input.h"
#include "net/torrent_file.h"

using namespace utxo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const net::TorrentLimits limits{
        .max_bytes = 1 << 20, .max_pieces = 1 << 16, .max_decode_tokens = 100000, .max_decode_depth = 50};
    auto contents = net::read_torrent(fuzz::text(data, size), limits);
    auto infohash = net::torrent_infohash(fuzz::text(data, size), limits);
    fuzz::require(contents.has_value() == infohash.has_value(), "read_torrent and torrent_infohash agree");
    if (contents) fuzz::require(contents->infohash == *infohash, "the same infohash both ways");
    return 0;
}

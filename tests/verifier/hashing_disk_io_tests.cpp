// fetch's disk backend on its own: blocks in order are hashed in memory and written together;
// anything else is written at once and hashed from disk; held blocks are on disk before any other
// job reads the file. The test tells the two hash paths apart by changing the file on disk after
// the writes: a hash taken while writing still matches the data sent, one read back does not.
#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <libtorrent/aux_/vector.hpp>
#include <libtorrent/disk_buffer_holder.hpp>
#include <libtorrent/disk_interface.hpp>
#include <libtorrent/file_storage.hpp>
#include <libtorrent/hasher.hpp>
#include <libtorrent/io_context.hpp>
#include <libtorrent/peer_request.hpp>
#include <libtorrent/performance_counters.hpp>
#include <libtorrent/settings_pack.hpp>
#include <libtorrent/storage_defs.hpp>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "test_support.h"
#include "verifier/hashing_disk_io.h"

namespace {

namespace fs = std::filesystem;
constexpr int kBlock = 16 * 1024;
constexpr int kPiece = 4 * kBlock;

// One torrent of two files (a piece spans both) over a temporary directory, and its bytes.
struct Rig {
    test::TempDir dir;
    std::string save_path = dir.path().string();
    lt::file_storage files;
    std::vector<char> data;
    lt::io_context ios;
    lt::settings_pack settings;
    lt::counters counters;
    std::unique_ptr<lt::disk_interface> disk;
    lt::aux::vector<lt::download_priority_t, lt::file_index_t> priorities;
    lt::storage_holder storage;
    std::map<int, lt::sha1_hash> hashes;
    int writes_done = 0;

    Rig() {
        files.add_file("t/a.bin", 3 * kPiece + 1000);  // piece 3 holds the end of a and the start of b
        files.add_file("t/b.bin", kPiece + 5000);      // the last piece is short
        files.set_piece_length(kPiece);
        files.set_num_pieces(static_cast<int>((files.total_size() + kPiece - 1) / kPiece));
        data.resize(static_cast<std::size_t>(files.total_size()));
        std::mt19937 rng(7);
        for (auto& c : data) c = static_cast<char>(rng());
        disk = utxo::verifier::hashing_posix_disk_io()(ios, settings, counters);
        lt::storage_params p(files, nullptr, save_path, lt::storage_mode_sparse, priorities, lt::sha1_hash());
        storage = disk->new_torrent(p, nullptr);
    }
    ~Rig() {
        storage.reset();
        disk->abort(true);
    }

    void write(int piece, int block) {
        lt::peer_request r;
        r.piece = lt::piece_index_t(piece);
        r.start = block * kBlock;
        r.length = std::min<int>(kBlock, files.piece_size(r.piece) - r.start);
        const char* at = data.data() + static_cast<std::ptrdiff_t>(piece) * kPiece + r.start;
        disk->async_write(storage, r, at, nullptr, [this](const lt::storage_error& e) {
            REQUIRE(!e);
            ++writes_done;
        });
    }
    int blocks_in(int piece) const {
        return (files.piece_size(lt::piece_index_t(piece)) + kBlock - 1) / kBlock;
    }
    void hash(int piece) {
        disk->async_hash(storage, lt::piece_index_t(piece), {}, lt::disk_interface::v1_hash,
                         [this](lt::piece_index_t p, const lt::sha1_hash& h, const lt::storage_error& e) {
                             REQUIRE(!e);
                             hashes[static_cast<int>(p)] = h;
                         });
    }
    void run() {
        ios.restart();
        ios.run();
    }
    lt::sha1_hash expected(int piece) const {
        return lt::hasher(data.data() + static_cast<std::ptrdiff_t>(piece) * kPiece,
                          files.piece_size(lt::piece_index_t(piece)))
            .final();
    }
    std::vector<char> on_disk() const {
        std::vector<char> out;
        for (const char* name : {"t/a.bin", "t/b.bin"}) {
            if (!fs::exists(dir.path() / name)) break;
            auto bytes = test::read_file(dir.path() / name);
            out.insert(out.end(), bytes.begin(), bytes.end());
        }
        return out;
    }
    // Flips one byte of the file on disk, inside the given piece.
    void tamper(int piece) const {
        std::fstream f(dir.path() / "t/a.bin", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(piece) * kPiece + 10);
        char c = static_cast<char>(data[static_cast<std::size_t>(piece) * kPiece + 10] ^ 0x5a);
        f.write(&c, 1);
    }
};

}  // namespace

TEST_CASE("hashing_disk_io: a piece written in order is hashed as written, one out of order from disk",
          "[fetch][disk]") {
    Rig rig;
    for (int b = 0; b < rig.blocks_in(0); ++b) rig.write(0, b);  // in order
    rig.write(1, 1);                                             // out of order
    rig.write(1, 0);
    for (int b = 2; b < rig.blocks_in(1); ++b) rig.write(1, b);
    rig.run();
    CHECK(rig.writes_done == rig.blocks_in(0) + rig.blocks_in(1));
    rig.tamper(0);
    rig.tamper(1);
    rig.hash(0);
    rig.hash(1);
    rig.run();
    CHECK(rig.hashes.at(0) == rig.expected(0));  // taken while writing
    CHECK(rig.hashes.at(1) != rig.expected(1));  // read back: it sees the changed byte
}

TEST_CASE("hashing_disk_io: every piece, spanning files and short, lands on disk byte for byte",
          "[fetch][disk]") {
    Rig rig;
    const int pieces = rig.files.num_pieces();
    int total_blocks = 0;
    for (int p = pieces - 1; p >= 0; --p)  // pieces in any order, blocks in order
        for (int b = 0; b < rig.blocks_in(p); ++b) rig.write(p, b), ++total_blocks;
    for (int p = 0; p < pieces; ++p) rig.hash(p);
    rig.run();
    CHECK(rig.writes_done == total_blocks);
    for (int p = 0; p < pieces; ++p) CHECK(rig.hashes.at(p) == rig.expected(p));
    CHECK(rig.on_disk() == rig.data);
}

TEST_CASE("hashing_disk_io: held blocks are written before the file is read, and before a stop",
          "[fetch][disk]") {
    Rig rig;
    rig.write(2, 0);  // half a piece, held
    rig.write(2, 1);
    lt::peer_request r;
    r.piece = lt::piece_index_t(2);
    r.start = 0;
    r.length = kBlock;
    std::vector<char> read;
    rig.disk->async_read(rig.storage, r, [&](lt::disk_buffer_holder buf, const lt::storage_error& e) {
        REQUIRE(!e);
        read.assign(buf.data(), buf.data() + buf.size());
    });
    rig.run();
    REQUIRE(read.size() == static_cast<std::size_t>(kBlock));
    CHECK(std::memcmp(read.data(), rig.data.data() + 2 * kPiece, kBlock) == 0);
    CHECK(rig.writes_done == 2);  // their handlers ran once they were written

    rig.write(3, 0);  // held again, then the torrent stops
    rig.disk->async_stop_torrent(rig.storage, [] {});
    rig.run();
    CHECK(rig.writes_done == 3);
    auto disk = rig.on_disk();
    REQUIRE(disk.size() >= static_cast<std::size_t>(3 * kPiece + kBlock));
    CHECK(std::memcmp(disk.data() + 3 * kPiece, rig.data.data() + 3 * kPiece, kBlock) == 0);
}

// net/torrent_file over .torrent files written by hand (BEP 3): the infohash is the SHA-1 of the
// info dictionary's bytes, the file list keeps its order, and the bounds refuse what is too big.
#include <openssl/sha.h>

#include <catch2/catch.hpp>
#include <string>

#include "core/bytes.h"
#include "core/manifest_torrent.h"
#include "net/torrent_file.h"

using namespace utxo::net;
using utxo::core::Errc;

namespace {

std::string bstr(const std::string& s) { return std::to_string(s.size()) + ":" + s; }

// Two files of 70000 and 1000 bytes in 64 KiB pieces: two pieces.
std::string info_dict() {
    std::string pieces(20, '\x01');
    pieces += std::string(20, '\x02');
    return "d5:filesl"
           "d6:lengthi70000e4:pathl" +
           bstr("00000.shard") +
           "ee"
           "d6:lengthi1000e4:pathl" +
           bstr("00001.shard") +
           "ee"
           "e4:name6:shards12:piece lengthi65536e6:pieces" +
           bstr(pieces) + "e";
}

std::string torrent_with(const std::string& info) { return "d7:comment1:x4:info" + info + "e"; }

std::string sha1_hex(const std::string& bytes) {
    unsigned char d[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), d);
    return utxo::core::to_hex({d, sizeof d});
}

}  // namespace

TEST_CASE("read_torrent gives the v1 infohash, the files in order and the piece hashes", "[torrent]") {
    const std::string torrent = torrent_with(info_dict());
    auto c = read_torrent(torrent);
    INFO((c ? "" : c.error().message));
    REQUIRE(c);
    CHECK(c->infohash.to_hex() == sha1_hex(info_dict()));
    CHECK(c->name == "shards");
    CHECK(c->piece_size == 65536);
    CHECK(c->files == std::vector<TorrentFile>{{"shards/00000.shard", 70000}, {"shards/00001.shard", 1000}});
    REQUIRE(c->pieces.size() == 2);
    CHECK(c->pieces[0] ==
          Sha1Digest(Sha1Digest::Array{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}));
    CHECK(c->pieces[1].bytes()[19] == 2);
    CHECK(c->has_v1);
    CHECK_FALSE(c->has_v2);

    auto from_bytes = read_torrent(utxo::core::as_bytes(torrent));
    REQUIRE(from_bytes);
    CHECK(from_bytes->infohash == c->infohash);
    CHECK(torrent_infohash(torrent).value() == c->infohash);
}

TEST_CASE("read_torrent refuses garbage and torrents past its bounds", "[torrent]") {
    CHECK(read_torrent(std::string_view("not bencode")).error().code == Errc::invalid);
    CHECK(read_torrent(std::string_view("d4:infod4:name1:xee")).error().code == Errc::invalid);
    CHECK(torrent_infohash("not bencode").error().code == Errc::invalid);

    const std::string torrent = torrent_with(info_dict());
    CHECK(read_torrent(torrent, {.max_bytes = torrent.size()}));
    CHECK(read_torrent(torrent, {.max_bytes = torrent.size() - 1}).error().code == Errc::invalid);
    CHECK(read_torrent(torrent, {.max_pieces = 1}).error().code == Errc::invalid);
    CHECK(read_torrent(torrent, {.max_decode_tokens = 8}).error().code == Errc::invalid);

    // Lists nested deeper than the bound, in a key the parser would otherwise skip.
    std::string deep =
        "d7:comment" + std::string(200, 'l') + std::string(200, 'e') + "4:info" + info_dict() + "e";
    CHECK(read_torrent(deep).error().code == Errc::invalid);
    CHECK(read_torrent(deep, {.max_decode_depth = 300}));
}

TEST_CASE("the manifest torrent of core parses with read_torrent: one file, 16 KiB pieces, its infohash",
          "[torrent][dht]") {
    for (std::size_t size : {std::size_t{1}, std::size_t{16384}, std::size_t{40000}}) {
        std::string manifest(size, 'm');
        manifest[size / 2] = '\n';
        const auto torrent = utxo::core::manifest_torrent(manifest);
        auto c = read_torrent(torrent);
        REQUIRE(c);
        CHECK(c->infohash == utxo::core::manifest_torrent_infohash(manifest));
        CHECK(c->name == "manifest.json");
        CHECK(c->files == std::vector<TorrentFile>{{"manifest.json", size}});
        CHECK(c->piece_size == 16384);
        CHECK(c->pieces.size() == (size + 16383) / 16384);
        CHECK(c->pieces.front().to_hex() == sha1_hex(manifest.substr(0, 16384)));
        CHECK(c->pieces.back().to_hex() == sha1_hex(manifest.substr((c->pieces.size() - 1) * 16384)));
        CHECK(c->has_v1);
        CHECK_FALSE(c->has_v2);
        // Nothing but the info dictionary: the same bytes from every authority, seeder and client.
        CHECK(torrent.starts_with("d4:infod6:lengthi" + std::to_string(size) +
                                  "e4:name13:manifest.json12:piece lengthi16384e6:pieces"));
        CHECK(torrent == utxo::core::manifest_torrent(manifest));
    }
    CHECK(utxo::core::manifest_torrent_infohash("a") != utxo::core::manifest_torrent_infohash("b"));
}

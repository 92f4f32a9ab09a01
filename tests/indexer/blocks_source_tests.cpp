// blocks: chain source over a Core-style blocks directory built from real mainnet blocks 0-255:
// shuffled across two obfuscated blk files with zero padding, as Core leaves them.
#include <catch2/catch.hpp>
#include <fstream>

#include "core/serialize.h"
#include "core/sha256.h"
#include "indexer/block_source.h"
#include "indexer/chain_source.h"
#include "test_support.h"

using utxo::core::Bytes;

using utxo::core::Height;

namespace {

using test::mainnet_blocks;

std::string display_hash(const Bytes& block) {
    auto h = utxo::core::sha256d(utxo::core::ByteView(block).first(80));
    return utxo::core::hash_cast<utxo::core::BlockHash>(h).to_display_hex();
}

// Blocks in a shuffled order over two files, each record magic || size || block, the files
// obfuscated with xor.dat and followed by preallocated zeros. `extra` records are appended to the
// second file (duplicates, as Core can write after a reindex).
void write_blocks_dir(const std::filesystem::path& dir, const std::vector<Bytes>& blocks,
                      const std::vector<std::size_t>& extra = {}) {
    std::filesystem::create_directories(dir);
    const std::array<std::uint8_t, 8> key{0x9a, 0x01, 0x7c, 0x44, 0xe5, 0x36, 0x00, 0xb1};
    test::write_file(dir / "xor.dat", key);
    std::vector<std::size_t> order(blocks.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = (i * 101) % order.size();  // 101 is coprime to 256
    for (int f = 0; f < 2; ++f) {
        Bytes file;
        utxo::core::Writer w(file);
        auto put = [&](const Bytes& block) {
            w.bytes(std::array<std::uint8_t, 4>{0xf9, 0xbe, 0xb4, 0xd9});
            w.u32(static_cast<std::uint32_t>(block.size()));
            w.bytes(block);
        };
        for (std::size_t k = f; k < order.size(); k += 2) put(blocks[order[k]]);
        if (f == 1)
            for (auto i : extra) put(blocks[i]);
        for (std::size_t i = 0; i < file.size(); ++i) file[i] ^= key[i % 8];
        file.resize(file.size() + 8192, 0);
        test::write_file(dir / ("blk0000" + std::to_string(f) + ".dat"), file);
    }
}

utxo::indexer::SourceOptions options(const std::string& spec,
                                     utxo::core::Network net = utxo::core::Network::mainnet) {
    utxo::indexer::SourceOptions o;
    o.spec = spec;
    o.network = net;
    return o;
}

std::unique_ptr<utxo::indexer::ChainSource> open_ok(const std::string& spec,
                                                    utxo::core::Network net = utxo::core::Network::mainnet) {
    auto src = utxo::indexer::open_chain_source(options(spec, net));
    INFO((src ? "" : src.error().message));
    REQUIRE(src);
    return std::move(*src);
}

}  // namespace

TEST_CASE("blocks: source gives heights over a shuffled, obfuscated mainnet blocks dir") {
    test::TempDir dir;
    auto blocks = mainnet_blocks();
    REQUIRE(blocks.size() == 256);
    write_blocks_dir(dir / "blocks", blocks, {10, 200});
    auto src = open_ok("blocks:" + (dir / "blocks").string());
    CHECK(src->name() == "blocks:" + (dir / "blocks").string());
    CHECK(src->tip_height() == Height{255});
    for (std::uint32_t h = 0; h < 256; ++h)
        CHECK(src->block_hash(Height{h})->to_display_hex() == display_hash(blocks[h]));
    CHECK(src->block_hash(Height{0})->to_display_hex() ==
          "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");

    auto all = src->blocks(Height{0}, 256);
    REQUIRE(all);
    CHECK(*all == blocks);
    auto window = src->blocks(Height{250}, 6);
    REQUIRE(window);
    CHECK(std::vector<Bytes>(blocks.begin() + 250, blocks.end()) == *window);
    CHECK(src->blocks(Height{7}, 0)->empty());

    auto past = src->blocks(Height{250}, 7);
    REQUIRE(!past);
    CHECK(past.error().message == src->name() + ": height 256 is beyond the tip at 255");
    CHECK(src->block_hash(Height{1000}).error().message ==
          src->name() + ": height 1000 is beyond the tip at 255");
}

TEST_CASE("blocks: source refuses another network's files and a chain without genesis") {
    test::TempDir dir;
    auto blocks = mainnet_blocks();
    write_blocks_dir(dir / "blocks", blocks);
    auto wrong = utxo::indexer::open_chain_source(
        options("blocks:" + (dir / "blocks").string(), utxo::core::Network::regtest));
    REQUIRE(!wrong);
    CHECK(wrong.error().message.find("not this network's magic bytes") != std::string::npos);

    write_blocks_dir(dir / "headless", std::vector<Bytes>(blocks.begin() + 1, blocks.end()));
    auto headless = utxo::indexer::open_chain_source(options("blocks:" + (dir / "headless").string()));
    REQUIRE(!headless);
    CHECK(headless.error().message.find("do not start with main's genesis block") != std::string::npos);

    auto empty = utxo::indexer::open_chain_source(options("blocks:" + (dir / "nothing").string()));
    REQUIRE(!empty);
    CHECK(empty.error().message.find("no such file") != std::string::npos);
}

TEST_CASE("BlockFileSource still follows the chain after a start block") {
    test::TempDir dir;
    auto blocks = mainnet_blocks();
    write_blocks_dir(dir / "blocks", blocks, {3});
    auto start = *utxo::core::BlockHash::from_display_hex(display_hash(blocks[99]));
    auto src = utxo::indexer::BlockFileSource::open(dir / "blocks", utxo::core::Network::mainnet, start);
    REQUIRE(src);
    CHECK((*src)->total() == 156u);
    for (std::size_t h = 100; h < 256; ++h) CHECK(*(*src)->next().value() == blocks[h]);
    CHECK(!(*src)->next().value());
}

TEST_CASE("open_chain_source explains unknown specs without echoing credentials") {
    auto r = utxo::indexer::open_chain_source(options("http://user:secret@127.0.0.1:8332"));
    REQUIRE(!r);
    CHECK(r.error().message == "unknown chain source 'http:...': expected rpc:URL, rest:URL or blocks:DIR");
    auto https = utxo::indexer::open_chain_source(options("rpc:https://user:secret@node:8332"));
    REQUIRE(!https);
    CHECK(https.error().message == "rpc: only http:// URLs are supported");
    auto rest_auth = utxo::indexer::open_chain_source(options("rest:http://user:secret@node:8332"));
    REQUIRE(!rest_auth);
    CHECK(rest_auth.error().message ==
          "rest:http://node:8332: Core's REST interface takes no user or password");
}

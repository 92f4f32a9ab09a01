// manifest.json: round trips with and without patches, the golden canonical bytes of a tiny
// manifest, every kind of non-canonical or inconsistent input refused, and the file names.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <string>

#include "core/manifest.h"

using namespace utxo::core;

namespace {

std::string rep(std::string_view unit, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += unit;
    return s;
}

// Typed hashes from the hex a manifest holds.
Sha256Digest sha(const std::string& hex) { return *Sha256Digest::from_hex(hex); }
MuHashDigest mu(const std::string& display_hex) { return *MuHashDigest::from_display_hex(display_hex); }
InfoHash ih(const std::string& hex) { return *InfoHash::from_hex(hex); }

// One shard, no patches; the block hash's raw byte 0 is 01, so its display hex ends in 01.
Manifest tiny() {
    Manifest m;
    m.network = Network::regtest;
    m.height = Height{5};
    m.block.raw()[0] = 0x01;
    m.shard_count = 1;
    m.piece_size = 262144;
    m.shards = {ShardEntry{0, 66, sha(rep("ab", 32)), mu(rep("03", 32))}};
    m.hash_serialized_3.raw().fill(0x01);
    m.muhash.raw().fill(0x02);
    m.shards_infohash = ih(rep("05", 20));
    return m;
}

const std::string kTiny = "{\"block_hash\":\"" + rep("00", 31) +
                          "01\",\"format\":1,"
                          "\"full_set\":{\"coins\":0,\"hash_serialized_3\":\"" +
                          rep("01", 32) + "\",\"muhash\":\"" + rep("02", 32) +
                          "\",\"total_amount\":0},"
                          "\"height\":5,\"network\":\"regtest\",\"patches\":null,\"piece_size\":262144,"
                          "\"shard_count\":1,\"shard_rule\":\"sha256d-le-mod\","
                          "\"shards\":[{\"bytes\":66,\"coins\":0,\"muhash\":\"" +
                          rep("03", 32) + "\",\"sha256\":\"" + rep("ab", 32) +
                          "\"}],"
                          "\"torrents\":{\"patches\":null,\"shards\":\"" +
                          rep("05", 20) + "\"}}\n";

Manifest full() {
    Manifest m;
    m.network = Network::mainnet;
    m.height = Height{840000};
    m.block =
        *BlockHash::from_display_hex("0000000000000000000320283a032748cef8227873ff4872689bf23f1cda83a5");
    m.shard_count = 4;
    m.piece_size = 1 << 20;
    for (std::uint32_t i = 0; i < 4; ++i) {
        m.shards.push_back(ShardEntry{1000 + i, 50'000 + i, sha(rep(fmt::format("{:02x}", 0xa0 + i), 32)),
                                      mu(rep(fmt::format("{:02x}", 0xc0 + i), 32))});
        m.coins += 1000 + i;
    }
    m.total_amount = Amount{kMaxMoney};
    m.hash_serialized_3.raw()[31] = 0xfe;
    m.muhash.raw()[0] = 0x7f;
    PatchSet p;
    p.from_block.raw().fill(0x99);
    p.from_height = Height{839000};
    for (std::uint32_t i = 0; i < 4; ++i)
        p.files.push_back(FileEntry{100 + i, sha(rep(fmt::format("{:02x}", i), 32))});
    m.patches = p;
    m.shards_infohash = ih(rep("1f", 20));
    m.patches_infohash = ih(rep("2e", 20));
    return m;
}

std::string replaced(std::string s, std::string_view from, std::string_view to) {
    auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
}

std::string refusal(const std::string& s) {
    auto m = decode_manifest(s);
    REQUIRE(!m);
    return m.error().message;
}

}  // namespace

TEST_CASE("manifest: golden canonical bytes of a tiny manifest", "[manifest]") {
    CHECK(encode_manifest(tiny()) == kTiny);
    auto m = decode_manifest(kTiny);
    REQUIRE(m);
    CHECK(*m == tiny());
}

TEST_CASE("manifest: round trips with and without patches", "[manifest]") {
    Manifest m = full();
    std::string s = encode_manifest(m);
    auto back = decode_manifest(s);
    REQUIRE(back);
    CHECK(*back == m);
    CHECK(encode_manifest(*back) == s);
    CHECK(s.find("\"from_block_hash\":\"" + rep("99", 32) + "\",\"from_height\":839000") !=
          std::string::npos);
    CHECK(s.find("\"block_hash\":\"0000000000000000000320283a032748cef8227873ff4872689bf23f1cda83a5\"") !=
          std::string::npos);

    m.patches.reset();
    m.patches_infohash.reset();
    s = encode_manifest(m);
    CHECK(s.find("\"patches\":null,\"piece_size\"") != std::string::npos);
    CHECK(s.find("\"torrents\":{\"patches\":null,") != std::string::npos);
    back = decode_manifest(s);
    REQUIRE(back);
    CHECK(*back == m);
}

TEST_CASE("manifest: non-canonical input is refused", "[manifest]") {
    const std::string canon = "manifest is not canonical (";
    auto not_canonical = [&](const std::string& s, std::string_view detail) {
        std::string msg = refusal(s);
        INFO(msg);
        CHECK(msg.rfind(canon, 0) == 0);
        CHECK(msg.find(detail) != std::string::npos);
    };
    not_canonical(replaced(kTiny, "\"format\":1", "\"format\": 1"), "byte 90 differs");
    not_canonical(replaced(kTiny, "{\"block_hash\":\"" + rep("00", 31) + "01\",\"format\":1,",
                           "{\"format\":1,\"block_hash\":\"" + rep("00", 31) + "01\","),
                  "byte 2 differs");
    not_canonical(replaced(kTiny, rep("ab", 32), rep("AB", 32)), "shards[0].sha256 has uppercase hex");
    not_canonical(replaced(kTiny, rep("00", 31) + "01", rep("00", 31) + "0A"),
                  "block_hash has uppercase hex");
    not_canonical(replaced(kTiny, "\"height\":5", "\"height\":5.0"), "height is not an integer");
    not_canonical(replaced(kTiny, "\"height\":5", "\"height\":5e0"), "height is not an integer");
    not_canonical(kTiny.substr(0, kTiny.size() - 1), "no trailing newline");
    not_canonical(kTiny + "\n", "more than one trailing newline");
    not_canonical(replaced(kTiny, "\"height\":5,", "\"height\":5,\"height\":5,"), "differs");
    not_canonical(replaced(kTiny, "\"height\":5,", "\"height\":5,\"zzz\":1,"),
                  "unexpected key \"zzz\" in the top level");
    not_canonical(replaced(kTiny, "\"total_amount\":0", "\"total_amount\":0,\"x\":0"),
                  "unexpected key \"x\" in full_set");
    not_canonical(replaced(kTiny, "\"network\":\"regtest\"", "\"network\":\"reg\\u0074est\""), "differs");
    not_canonical("\xef\xbb\xbf" + kTiny, "");
}

TEST_CASE("manifest: invalid content is refused", "[manifest]") {
    auto invalid = [&](const std::string& s, std::string_view detail) {
        std::string msg = refusal(s);
        INFO(msg);
        CHECK(msg.find(detail) != std::string::npos);
    };
    invalid(replaced(kTiny, "\"piece_size\":262144,", ""), "manifest is missing piece_size");
    invalid(replaced(kTiny, "\"coins\":0,\"muhash\"", "\"muhash\""), "manifest is missing shards[0].coins");
    invalid(replaced(kTiny, "\"shard_count\":1", "\"shard_count\":2"), "has 1 shards but shard_count 2");
    invalid(replaced(kTiny, "\"shard_count\":1", "\"shard_count\":3"), "shard_count 3 is not a power of two");
    invalid(replaced(kTiny, rep("ab", 32), rep("ab", 31)), "shards[0].sha256 must be 64 hex digits");
    invalid(replaced(kTiny, rep("05", 20), rep("05", 32)), "torrents.shards must be 40 hex digits");
    invalid(replaced(kTiny, "\"height\":5", "\"height\":-5"),
            "height must be an integer from 0 to 4294967295");
    invalid(replaced(kTiny, "\"height\":5", "\"height\":4294967296"), "height must be an integer");
    invalid(replaced(kTiny, "\"height\":5", "\"height\":\"5\""), "height must be an integer");
    invalid(replaced(kTiny, "\"format\":1", "\"format\":2"), "format 2 is not supported");
    invalid(replaced(kTiny, "\"regtest\"", "\"moonnet\""), "network \"moonnet\" is unknown");
    invalid(replaced(kTiny, "sha256d-le-mod", "sha256-be-mod"), "shard_rule \"sha256-be-mod\" is unknown");
    invalid(replaced(kTiny, "\"total_amount\":0", "\"total_amount\":-1"), "total_amount must be an amount");
    invalid(replaced(kTiny, "\"coins\":0,\"hash", "\"coins\":1,\"hash"),
            "shards hold 0 coins but full_set.coins is 1");
    invalid(replaced(kTiny, "\"torrents\":{\"patches\":null",
                     "\"torrents\":{\"patches\":\"" + rep("00", 20) + "\""),
            "both be null or both be present");
    invalid("{\"block_hash\":}\n", "manifest is not valid JSON");
    invalid("[]\n", "manifest must be a JSON object");

    // A mainnet manifest must say "main" (Core's name), not an alias parse_network also accepts.
    std::string s = encode_manifest(full());
    CHECK(s.find("\"network\":\"main\"") != std::string::npos);
    CHECK(refusal(replaced(s, "\"network\":\"main\"", "\"network\":\"mainnet\""))
              .rfind("manifest is not canonical", 0) == 0);
    // Patch files must be one per shard.
    Manifest three = full();
    three.patches->files.pop_back();
    invalid(encode_manifest(three), "has 3 patch files but shard_count 4");
    Manifest late = full();
    late.patches->from_height = late.height;
    invalid(encode_manifest(late), "patches.from_height must be below height");
}

TEST_CASE("manifest: release directory and file names", "[manifest]") {
    BlockHash b;
    b.raw()[0] = 0xcd;
    CHECK(release_dir_name(Height{840000}, b) == "840000-" + rep("00", 31) + "cd");
    CHECK(shard_file_name(42) == "00042.shard");
    CHECK(shard_file_name(0) == "00000.shard");
    CHECK(shard_file_name(65535) == "65535.shard");
    CHECK(patch_file_name(7) == "00007.patch");
}

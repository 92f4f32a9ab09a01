// Patch files: round trip, every refusal of decode_patch, and apply_patch against a shard written
// directly from the expected coin set, with its refusals leaving no output behind.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

#include "core/patch.h"
#include "core/serialize.h"
#include "test_support.h"

using namespace utxo::core;
namespace fs = std::filesystem;

namespace {

using CoinList = std::vector<std::pair<OutPoint, Coin>>;

// Random coins of shard `index` of `count` with heights in [min_height, max_height], sorted.
CoinList random_coins(std::size_t n, std::uint32_t index, std::uint32_t count, std::uint32_t min_height,
                      std::uint32_t max_height, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    CoinList out;
    while (out.size() < n) {
        OutPoint o;
        for (auto& b : o.txid.raw()) b = static_cast<std::uint8_t>(rng());
        o.vout = static_cast<std::uint32_t>(rng() % 250);  // one-byte CompactSize: fixed record sizes
        Coin c;
        c.height = Height{min_height + static_cast<std::uint32_t>(rng() % (max_height - min_height + 1))};
        c.coinbase = rng() % 4 == 0;
        c.value = Amount{static_cast<std::int64_t>(rng() % 100'000'000'000)};
        c.script = Bytes(22, 0);
        c.script[1] = 0x14;
        for (std::size_t i = 2; i < 22; ++i) c.script[i] = static_cast<std::uint8_t>(rng());
        if (shard_of(c.script, count) != index) continue;
        out.emplace_back(o, std::move(c));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return out;
}

ShardHeader shard_header(std::uint8_t block_fill, std::uint32_t height) {
    ShardHeader h;
    h.network = Network::regtest;
    h.block.raw().fill(block_fill);
    h.height = Height{height};
    h.shard_index = 1;
    h.shard_count = 2;
    return h;
}

void write_shard(const fs::path& p, const ShardHeader& h, const CoinList& coins) {
    auto w = ShardWriter::create(p, h);
    REQUIRE(w);
    for (const auto& [o, c] : coins) REQUIRE(w->add(o, c));
    REQUIRE(w->finish());
}

// The scenario every test starts from: a 60-coin shard at height 100 (block 11..), and a patch to
// height 110 (block 22..) spending every third coin and creating 25 new ones.
struct Scenario {
    CoinList old_coins = random_coins(60, 1, 2, 1, 100, 1);
    Patch patch;
    CoinList expected;

    Scenario() {
        auto& h = patch.header;
        h.network = Network::regtest;
        h.from_block.raw().fill(0x11);
        h.from_height = Height{100};
        h.to_block.raw().fill(0x22);
        h.to_height = Height{110};
        h.shard_index = 1;
        h.shard_count = 2;
        for (std::size_t i = 0; i < old_coins.size(); ++i) {
            if (i % 3 == 0)
                patch.spent.push_back(old_coins[i].first);
            else
                expected.push_back(old_coins[i]);
        }
        patch.created = random_coins(25, 1, 2, 101, 110, 2);
        expected.insert(expected.end(), patch.created.begin(), patch.created.end());
        std::sort(expected.begin(), expected.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
    }
};

std::vector<fs::path> listing(const fs::path& dir) {
    std::vector<fs::path> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
}

std::string decode_error(const Bytes& b) {
    auto p = decode_patch(b);
    REQUIRE(!p);
    return p.error().message;
}

}  // namespace

TEST_CASE("patch: encode/decode round trip and golden header", "[patch]") {
    Scenario s;
    Bytes bytes = encode_patch(s.patch);
    auto back = decode_patch(bytes);
    REQUIRE(back);
    CHECK(back->header == s.patch.header);
    CHECK(back->spent == s.patch.spent);
    CHECK(back->created == s.patch.created);
    CHECK(encode_patch(*back) == bytes);
    // "UTXOPTCH" | 0100 | regtest fabfb5da | from 11 x 32 | 64000000 | to 22 x 32 | 6e000000
    // | index 01000000 | count 02000000 | spent count 20 = 1400000000000000
    std::string head =
        "5554584f50544348"
        "0100"
        "fabfb5da" +
        std::string(64, '1') + "64000000" + std::string(64, '2') +
        "6e000000"
        "01000000"
        "02000000"
        "1400000000000000";
    CHECK(to_hex(ByteView(bytes).first(PatchHeader::kSize + 8)) == head);
    CHECK(PatchHeader::kSize == 94);  // 8 + 2 + 4 + 32 + 4 + 32 + 4 + 4 + 4

    Patch empty;
    empty.header = s.patch.header;
    auto e = decode_patch(encode_patch(empty));
    REQUIRE(e);
    CHECK(e->spent.empty());
    CHECK(e->created.empty());
    CHECK(encode_patch(empty).size() == PatchHeader::kSize + 16);
}

TEST_CASE("patch: read_patch_file", "[patch]") {
    test::TempDir dir;
    Scenario s;
    test::write_file(dir / "00001.patch", encode_patch(s.patch));
    auto p = read_patch_file(dir / "00001.patch");
    REQUIRE(p);
    CHECK(p->created == s.patch.created);
    Bytes damaged = encode_patch(s.patch);
    damaged.push_back(0);
    test::write_file(dir / "bad.patch", damaged);
    auto bad = read_patch_file(dir / "bad.patch");
    REQUIRE(!bad);
    CHECK(bad.error().message.find("bad.patch: 1 bytes follow the last created coin") != std::string::npos);
    CHECK(!read_patch_file(dir / "missing.patch"));
}

TEST_CASE("patch: decode refusals", "[patch]") {
    Scenario s;
    const Bytes good = encode_patch(s.patch);
    auto with = [&](auto edit) {
        Patch p = s.patch;
        edit(p);
        return encode_patch(p);
    };
    Bytes b = good;
    b[0] = 'X';
    CHECK(decode_error(b) == "not a patch file (bad magic)");
    b = good;
    b[8] = 2;
    CHECK(decode_error(b).find("version 2") != std::string::npos);
    b = good;
    std::fill(b.begin() + 10, b.begin() + 14, 0);
    CHECK(decode_error(b).find("unknown network magic") != std::string::npos);
    CHECK(decode_error(with([](Patch& p) {
              p.header.to_height = p.header.from_height;
          })).find("must go forward") != std::string::npos);
    CHECK(decode_error(with([](Patch& p) { p.header.shard_index = 2; })).find("not below the shard count") !=
          std::string::npos);
    CHECK(decode_error(with([](Patch& p) { p.header.shard_count = 3; })).find("not a power of two") !=
          std::string::npos);
    CHECK(decode_error(with([](Patch& p) { std::swap(p.spent[0], p.spent[1]); })).find("spent outpoint") !=
          std::string::npos);
    CHECK(decode_error(with([](Patch& p) { p.spent[1] = p.spent[0]; })).find("strictly ascending") !=
          std::string::npos);
    CHECK(decode_error(with([](Patch& p) {
              std::swap(p.created[3], p.created[4]);
          })).find("created outpoint") != std::string::npos);
    CHECK(decode_error(with([&](Patch& p) {
              p.spent.push_back(p.created[0].first);
              std::sort(p.spent.begin(), p.spent.end());
          })).find("is both spent and created") != std::string::npos);
    auto wrong_shard = random_coins(1, 0, 2, 105, 105, 3);
    CHECK(decode_error(with([&](Patch& p) {
              p.created = wrong_shard;
          })).find("belongs to shard 0 of 2, not shard 1") != std::string::npos);
    CHECK(decode_error(with([&](Patch& p) {
              p.created[0].second.height = Height{111};
          })).find("after the shard") != std::string::npos);

    b = good;
    b.push_back(0);
    CHECK(decode_error(b) == "1 bytes follow the last created coin");
    // The created count sits just before the created records; count - 1 leaves a record over,
    // count + 1 runs out of bytes.
    std::size_t created_count_at = PatchHeader::kSize + 8 + s.patch.spent.size() * 33;
    b = good;
    b[created_count_at] -= 1;
    CHECK(decode_error(b).find("bytes follow the last created coin") != std::string::npos);
    b = good;
    b[created_count_at] += 1;
    CHECK(!decode_patch(b));
    for (std::size_t n = 0; n < good.size(); ++n) {
        INFO("truncated to " << n);
        CHECK(!decode_patch(ByteView(good.data(), n)));
    }
}

namespace {

// The careful merge and the one that copies old records as they are behave the same on good files.
using ApplyPatch = Status (*)(const fs::path&, const Patch&, const fs::path&, ShardWriter::Durability);
constexpr auto kSync = ShardWriter::Durability::sync_each_file;

void gives_the_expected_shard(ApplyPatch apply) {
    test::TempDir dir;
    Scenario s;
    write_shard(dir / "old.shard", shard_header(0x11, 100), s.old_coins);
    write_shard(dir / "expected.shard", shard_header(0x22, 110), s.expected);
    REQUIRE(apply(dir / "old.shard", s.patch, dir / "new.shard", kSync));
    CHECK(test::read_file(dir / "new.shard") == test::read_file(dir / "expected.shard"));
    auto r = ShardReader::open(dir / "new.shard");
    REQUIRE(r);
    CHECK(r->header().coin_count == s.expected.size());
    CHECK(r->header().height == Height{110});

    // An empty patch carries the coins over unchanged to the new block.
    Patch none;
    none.header = s.patch.header;
    write_shard(dir / "same.shard", shard_header(0x22, 110), s.old_coins);
    REQUIRE(apply(dir / "old.shard", none, dir / "none.shard", kSync));
    CHECK(test::read_file(dir / "none.shard") == test::read_file(dir / "same.shard"));
}

void refusals_leave_no_output(ApplyPatch apply) {
    test::TempDir dir;
    Scenario s;
    write_shard(dir / "old.shard", shard_header(0x11, 100), s.old_coins);
    auto refuse = [&](const Patch& p, std::string_view what) {
        auto st = apply(dir / "old.shard", p, dir / "new.shard", kSync);
        REQUIRE(!st);
        INFO(st.error().message);
        CHECK(st.error().message.find(what) != std::string::npos);
        CHECK(listing(dir.path()) == std::vector<fs::path>{"old.shard"});
    };
    Patch p = s.patch;
    OutPoint ghost = s.old_coins[1].first;
    ghost.vout += 1000;  // sorts right after coin 1, and is not in the shard
    p.spent.insert(p.spent.begin() + 1, ghost);
    refuse(p, fmt::format("spent coin {} is not in the old shard", describe_outpoint(ghost)));

    p = s.patch;
    OutPoint last{};
    last.txid.raw().fill(0xff);  // after every coin: found missing only at the end
    p.spent.push_back(last);
    refuse(p, "is not in the old shard");

    p = s.patch;
    auto present = s.old_coins[1];
    present.second.height = Height{105};
    p.created.push_back(present);
    std::sort(p.created.begin(), p.created.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    refuse(p,
           fmt::format("created coin {} already exists in the old shard", describe_outpoint(present.first)));

    p = s.patch;
    p.header.from_block.raw()[0] = 0x12;
    refuse(p, "but the patch starts from block");
    p = s.patch;
    p.header.from_height = Height{99};
    refuse(p, "but the patch starts from block");
    p = s.patch;
    p.header.network = Network::signet;
    refuse(p, "the shard is for regtest but the patch is for signet");

    p = s.patch;
    std::swap(p.spent[0], p.spent[1]);
    refuse(p, "strictly ascending");
    p = s.patch;
    std::swap(p.created[0], p.created[1]);
    refuse(p, "strictly ascending");
    p = s.patch;
    p.created.push_back(random_coins(1, 0, 2, 105, 105, 4)[0]);
    p.created.back().first.txid.raw().fill(0xff);
    refuse(p, "belongs to shard 0 of 2");
    p = s.patch;
    p.spent.push_back(p.created.back().first);
    std::sort(p.spent.begin(), p.spent.end());
    refuse(p, "is both spent and created");

    // The output already existing is refused too, and left as it was.
    test::write_file(dir / "new.shard", Bytes{1, 2, 3});
    auto st = apply(dir / "old.shard", s.patch, dir / "new.shard", kSync);
    REQUIRE(!st);
    CHECK(test::read_file(dir / "new.shard") == Bytes{1, 2, 3});
}

}  // namespace

TEST_CASE("apply_patch and apply_patch_unchecked: give exactly the shard written from the expected coins",
          "[patch]") {
    gives_the_expected_shard(&apply_patch);
    gives_the_expected_shard(&apply_patch_unchecked);
}

TEST_CASE("apply_patch and apply_patch_unchecked: refusals leave no output", "[patch]") {
    refusals_leave_no_output(&apply_patch);
    refusals_leave_no_output(&apply_patch_unchecked);
}

TEST_CASE("apply_patch_unchecked: a cut or overlong old file is refused, naming it", "[patch]") {
    test::TempDir dir;
    Scenario s;
    write_shard(dir / "old.shard", shard_header(0x11, 100), s.old_coins);
    Bytes good = test::read_file(dir / "old.shard");
    Bytes longer = good;
    longer.push_back(0);
    test::write_file(dir / "long.shard", longer);
    auto st = apply_patch_unchecked(dir / "long.shard", s.patch, dir / "new.shard");
    REQUIRE(!st);
    CHECK(st.error().message == (dir / "long.shard").string() + ": bytes follow the last coin");
    test::write_file(dir / "cut.shard", Bytes(good.begin(), good.end() - 3));
    st = apply_patch_unchecked(dir / "cut.shard", s.patch, dir / "new.shard");
    REQUIRE(!st);
    CHECK(st.error().message.starts_with((dir / "cut.shard").string() + ": "));
    CHECK(!fs::exists(dir / "new.shard"));
}

// Shard rule and shard files: shard_of against independently computed vectors, round trips,
// golden bytes, every refusal of the reader, and the writer's checks and tmp-file handling.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <random>

#include "core/serialize.h"
#include "core/shard.h"
#include "test_support.h"

using namespace utxo::core;
namespace fs = std::filesystem;

namespace {

Bytes hex(std::string_view h) { return *from_hex(h); }

Result<std::vector<std::pair<OutPoint, Coin>>> read_all(const fs::path& p) {
    UTXO_TRY_ASSIGN(auto reader, ShardReader::open(p));
    std::vector<std::pair<OutPoint, Coin>> coins;
    while (true) {
        auto c = reader.next();
        UTXO_TRY(c);
        if (!*c) return coins;
        coins.push_back(std::move(**c));
    }
}

Error read_error(const fs::path& p) {
    auto r = read_all(p);
    REQUIRE(!r);
    return r.error();
}

ShardHeader make_header(std::uint32_t index, std::uint32_t count) {
    ShardHeader h;
    h.network = Network::regtest;
    h.block.raw().fill(0x11);
    h.height = Height{1000};
    h.shard_index = index;
    h.shard_count = count;
    return h;
}

// Random coins whose scripts fall in `index` of `count`, sorted by outpoint.
std::vector<std::pair<OutPoint, Coin>> random_coins(std::size_t n, std::uint32_t index, std::uint32_t count,
                                                    std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::pair<OutPoint, Coin>> out;
    while (out.size() < n) {
        OutPoint o;
        for (auto& b : o.txid.raw()) b = static_cast<std::uint8_t>(rng());
        o.vout = static_cast<std::uint32_t>(rng() % 3 == 0 ? rng() % 70000 : rng() % 4);
        Coin c;
        c.height = Height{static_cast<std::uint32_t>(rng() % 1001)};
        c.coinbase = rng() % 2;
        c.value = Amount{static_cast<std::int64_t>(rng() % (kMaxMoney + 1))};
        Bytes script =
            rng() % 2 ? hex("76a914" + std::string(40, '0') + "88ac") : hex("0014" + std::string(40, '0'));
        std::size_t body = script[0] == 0x76 ? 3 : 2;
        for (std::size_t i = 0; i < 20; ++i) script[body + i] = static_cast<std::uint8_t>(rng());
        c.script = std::move(script);
        if (shard_of(c.script, count) != index) continue;
        out.emplace_back(o, std::move(c));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return out;
}

Status write_shard(const fs::path& p, const ShardHeader& h,
                   const std::vector<std::pair<OutPoint, Coin>>& coins) {
    UTXO_TRY_ASSIGN(auto w, ShardWriter::create(p, h));
    for (const auto& [o, c] : coins) {
        UTXO_TRY(w.add(o, c));
    }
    return w.finish();
}

// Hand-made file bytes, for damage the writer refuses to produce.
Bytes raw_file(ShardHeader h, const std::vector<std::pair<OutPoint, Coin>>& coins) {
    Bytes out = encode_shard_header(h);
    Writer w(out);
    for (const auto& [o, c] : coins) write_shard_coin(w, o, c);
    return out;
}

Coin op_true_coin(std::uint32_t height = 5, std::int64_t value = 50000) {
    return Coin{Height{height}, false, Amount{value}, Bytes{0x51}};
}

OutPoint outpoint(std::uint8_t fill, std::uint32_t vout) {
    OutPoint o;
    o.txid.raw().fill(fill);
    o.vout = vout;
    return o;
}

}  // namespace

TEST_CASE("shard_of: vectors computed with Python hashlib", "[shard]") {
    // python3: d = sha256(sha256(script)).digest(); n = int.from_bytes(d, 'little'); n % 1024
    //   script ""                    d = 5df6e0e2...  -> 605
    //   script 51                    d = 953ccfa5...  -> 149
    //   script 76a914 00x20 88ac     d = 2d91ccbd...  -> 301
    //   script 0014 0102..14         d = e7b97e2f...  -> 487
    // and n % 65536 = 63069, 15509, 37165, 47591; n % 2 = 1 for all four.
    struct Vec {
        const char* script;
        std::uint32_t s1024, s65536;
    };
    const Vec vecs[] = {{"", 605, 63069},
                        {"51", 149, 15509},
                        {"76a914000000000000000000000000000000000000000088ac", 301, 37165},
                        {"00140102030405060708090a0b0c0d0e0f1011121314", 487, 47591}};
    for (const auto& v : vecs) {
        Bytes s = hex(v.script);
        CHECK(shard_of(s, 1024) == v.s1024);
        CHECK(shard_of(s, 65536) == v.s65536);
        CHECK(shard_of(s, 2) == 1);
        CHECK(shard_of(s, 1) == 0);
    }
}

TEST_CASE("valid_shard_count: powers of two from 1 to 65536", "[shard]") {
    for (std::uint32_t c : {1u, 2u, 4u, 1024u, 65536u}) CHECK(valid_shard_count(c));
    for (std::uint32_t c : {0u, 3u, 6u, 1000u, 131072u, 0x80000000u}) CHECK_FALSE(valid_shard_count(c));
}

TEST_CASE("shard file: golden bytes of a one-coin shard", "[shard]") {
    test::TempDir dir;
    ShardHeader h = make_header(0, 1);
    h.height = Height{100};
    REQUIRE(write_shard(dir / "a.shard", h, {{outpoint(0xaa, 1), op_true_coin()}}));
    // "UTXOSHRD" | version 0100 | regtest magic fabfb5da | block 11 x 32 | height 100 = 64000000
    // | index 00000000 | count 01000000 | coin count 0100000000000000
    // | txid aa x 32 | vout CompactSize 01
    // | coin: VARINT(5*2+0) = 0a, VARINT(CompressAmount(50000) = 1 + (0*9 + 5-1)*10 + 4 = 45) = 2d,
    //   script 51 is not special: VARINT(1 + 6) = 07, then 51.
    std::string expected =
        "5554584f53485244"
        "0100"
        "fabfb5da" +
        std::string(64, '1') +
        "64000000"
        "00000000"
        "01000000"
        "0100000000000000" +
        std::string(64, 'a') +
        "01"
        "0a2d0751";
    CHECK(to_hex(test::read_file(dir / "a.shard")) == expected);
    CHECK_FALSE(fs::exists(dir / "a.shard.tmp"));
}

TEST_CASE("shard file: round trip, header fields, deterministic bytes", "[shard]") {
    test::TempDir dir;
    ShardHeader h = make_header(2, 4);
    h.coin_count = 12345;  // ignored: the writer counts
    auto coins = random_coins(3000, 2, 4, 7);
    REQUIRE(write_shard(dir / "a.shard", h, coins));
    REQUIRE(write_shard(dir / "b.shard", h, coins));
    CHECK(test::read_file(dir / "a.shard") == test::read_file(dir / "b.shard"));

    auto reader = ShardReader::open(dir / "a.shard");
    REQUIRE(reader);
    ShardHeader want = h;
    want.coin_count = coins.size();
    CHECK(reader->header() == want);
    auto back = read_all(dir / "a.shard");
    REQUIRE(back);
    CHECK(*back == coins);
}

TEST_CASE("shard file: a large file crosses writer flushes and reader refills", "[shard]") {
    test::TempDir dir;
    auto coins = random_coins(60000, 0, 1, 11);  // ~3.5 MB: many 256 KiB writer batches
    REQUIRE(write_shard(dir / "a.shard", make_header(0, 1), coins));
    auto back = read_all(dir / "a.shard");
    REQUIRE(back);
    CHECK(back->size() == coins.size());
    CHECK(*back == coins);
}

TEST_CASE("shard file: an empty shard", "[shard]") {
    test::TempDir dir;
    REQUIRE(write_shard(dir / "a.shard", make_header(3, 4), {}));
    CHECK(test::read_file(dir / "a.shard").size() == ShardHeader::kSize);
    auto back = read_all(dir / "a.shard");
    REQUIRE(back);
    CHECK(back->empty());
}

TEST_CASE("shard reader: header refusals", "[shard]") {
    test::TempDir dir;
    auto coins = random_coins(3, 1, 2, 3);
    ShardHeader h = make_header(1, 2);
    h.coin_count = 3;
    const Bytes good = raw_file(h, coins);
    auto refuse = [&](Bytes bytes, std::string_view what) {
        test::write_file(dir / "x.shard", bytes);
        auto e = read_error(dir / "x.shard");
        INFO(e.message);
        CHECK(e.message.find(what) != std::string::npos);
    };
    test::write_file(dir / "x.shard", good);
    REQUIRE(read_all(dir / "x.shard"));

    Bytes b = good;
    b[0] = 'X';
    refuse(b, "bad magic");
    b = good;
    b[8] = 2;
    refuse(b, "version 2");
    b = good;
    std::fill(b.begin() + 10, b.begin() + 14, 0);
    refuse(b, "unknown network magic 00000000");
    ShardHeader bad = h;
    bad.shard_index = 2;
    refuse(raw_file(bad, coins), "shard index 2 is not below the shard count 2");
    bad = h;
    bad.shard_count = 3;
    bad.shard_index = 0;
    refuse(raw_file(bad, {}), "shard count 3 is not a power of two");
    refuse(Bytes(good.begin(), good.begin() + 65), "header is 65 bytes");
}

TEST_CASE("shard reader: body refusals", "[shard]") {
    test::TempDir dir;
    auto coins = random_coins(3, 1, 2, 5);
    ShardHeader h = make_header(1, 2);
    auto refuse = [&](const std::vector<std::pair<OutPoint, Coin>>& body, std::uint64_t count,
                      std::string_view what) {
        ShardHeader hh = h;
        hh.coin_count = count;
        test::write_file(dir / "x.shard", raw_file(hh, body));
        auto e = read_error(dir / "x.shard");
        INFO(e.message);
        CHECK(e.message.find(what) != std::string::npos);
    };
    refuse({coins[1], coins[0], coins[2]}, 3, "coin 1: ");
    refuse({coins[1], coins[0], coins[2]}, 3, "strictly ascending");
    refuse({coins[0], coins[1], coins[1]}, 3, "coin 2: ");
    refuse(coins, 4, "the file ends after 3 of the 4 coins");
    refuse(coins, 2, "bytes follow the last of the 2 coins");

    auto wrong = random_coins(1, 0, 2, 9);
    refuse({coins[0], wrong[0]}, 2, "belongs to shard 0 of 2, not shard 1");
    auto rich = coins;
    rich[2].second.value = Amount{kMaxMoney + 1};
    refuse(rich, 3, "outside the money range");
    auto young = coins;
    young[0].second.height = Height{1001};
    refuse(young, 3, "after the shard's height 1000");
}

TEST_CASE("shard reader: a trailing byte, every truncation, non-canonical encodings", "[shard]") {
    test::TempDir dir;
    ShardHeader h = make_header(0, 1);
    h.coin_count = 2;
    const Bytes good = raw_file(h, {{outpoint(1, 0), op_true_coin()}, {outpoint(1, 1), op_true_coin()}});

    Bytes b = good;
    b.push_back(0);
    test::write_file(dir / "x.shard", b);
    CHECK(read_error(dir / "x.shard").message.find("bytes follow") != std::string::npos);

    for (std::size_t n = 0; n < good.size(); ++n) {
        test::write_file(dir / "x.shard", ByteView(good.data(), n));
        INFO("truncated to " << n << " bytes");
        CHECK_FALSE(read_all(dir / "x.shard"));
    }

    // vout 1 as fd 01 00 instead of 01.
    h.coin_count = 1;
    Bytes nc = encode_shard_header(h);
    Bytes txid(32, 1), vout = hex("fd0100"), coin = hex("0a2d0751");
    nc.insert(nc.end(), txid.begin(), txid.end());
    nc.insert(nc.end(), vout.begin(), vout.end());
    nc.insert(nc.end(), coin.begin(), coin.end());
    test::write_file(dir / "x.shard", nc);
    CHECK(read_error(dir / "x.shard").code == Errc::non_canonical);

    // A P2PKH script stored raw (VARINT(25 + 6) = 1f || script) instead of in special form 0.
    Bytes raw_p2pkh = encode_shard_header(h);
    Bytes rec = hex(std::string(64, '1') +
                    "00"
                    "0a2d"
                    "1f"
                    "76a914" +
                    std::string(40, '0') + "88ac");
    raw_p2pkh.insert(raw_p2pkh.end(), rec.begin(), rec.end());
    test::write_file(dir / "x.shard", raw_p2pkh);
    auto e = read_error(dir / "x.shard");
    CHECK(e.code == Errc::non_canonical);
    CHECK(e.message.find("non-canonical coin encoding") != std::string::npos);
}

TEST_CASE("shard writer: refusals and the tmp file", "[shard]") {
    test::TempDir dir;
    auto coins = random_coins(3, 1, 2, 13);
    auto wrong = random_coins(1, 0, 2, 13);
    wrong[0].first.txid.raw().fill(0xff);  // after every other coin, so only its shard is wrong
    ShardHeader h = make_header(1, 2);
    {
        auto w = ShardWriter::create(dir / "a.shard", h);
        REQUIRE(w);
        CHECK(fs::exists(dir / "a.shard.tmp"));
        REQUIRE(w->add(coins[1].first, coins[1].second));
        auto st = w->add(coins[0].first, coins[0].second);
        REQUIRE(!st);
        CHECK(st.error().message.find("strictly ascending") != std::string::npos);
        CHECK(!w->add(coins[1].first, coins[1].second));  // duplicate
        st = w->add(wrong[0].first, wrong[0].second);
        REQUIRE(!st);
        CHECK(st.error().message.find("belongs to shard 0") != std::string::npos);
    }  // destroyed without finish
    CHECK_FALSE(fs::exists(dir / "a.shard.tmp"));
    CHECK_FALSE(fs::exists(dir / "a.shard"));

    ShardHeader bad = h;
    bad.shard_count = 6;
    CHECK(!ShardWriter::create(dir / "b.shard", bad));
    bad = h;
    bad.version = 2;
    CHECK(!ShardWriter::create(dir / "b.shard", bad));

    REQUIRE(write_shard(dir / "c.shard", h, coins));
    auto again = ShardWriter::create(dir / "c.shard", h);
    REQUIRE(!again);
    CHECK(again.error().message.find("already exists") != std::string::npos);
    auto w = ShardWriter::create(dir / "d.shard", h);
    REQUIRE(w);
    REQUIRE(w->finish());
    CHECK(!w->finish());
}

// Not run by default: ./core_tests "[.shard-bench]"
TEST_CASE("shard reader: throughput", "[.shard-bench]") {
    test::TempDir dir;
    auto coins = random_coins(1'000'000, 0, 1, 17);
    auto t0 = std::chrono::steady_clock::now();
    REQUIRE(write_shard(dir / "a.shard", make_header(0, 1), coins));
    auto t1 = std::chrono::steady_clock::now();
    constexpr int kRounds = 5;
    std::size_t n = 0;
    for (int round = 0; round < kRounds; ++round) {
        auto reader = ShardReader::open(dir / "a.shard");
        REQUIRE(reader);
        n = 0;
        while (true) {
            auto c = reader->next();
            if (!c) FAIL(c.error().message);
            if (!*c) break;
            ++n;
        }
    }
    auto t2 = (std::chrono::steady_clock::now() - t1) / kRounds + t1;
    double mb = static_cast<double>(fs::file_size(dir / "a.shard")) / 1e6;
    auto secs = [](auto d) { return std::chrono::duration<double>(d).count(); };
    WARN(fmt::format("{} coins, {:.1f} MB: write {:.0f} MB/s, read {:.0f} MB/s ({:.0f} ns/coin)", n, mb,
                     mb / secs(t1 - t0), mb / secs(t2 - t1), secs(t2 - t1) * 1e9 / n));
    CHECK(n == coins.size());
}

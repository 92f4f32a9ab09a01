// Core snapshot files: reading a real signet dump, writing it back byte for byte, every loader
// error of Core's loadtxoutset (src/rpc/blockchain.cpp, test/functional/feature_assumeutxo.py),
// the writer's refusals and chainstate key order.
#include <stdlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

#include "core/hash_serialized.h"
#include "core/snapshot.h"

using namespace utxo::core;
namespace fs = std::filesystem;

namespace {

const fs::path kSignet100 = fs::path(UTXO_TEST_DATA) / "core-snapshot" / "signet-100.dat";
const char* kSignetBase = "000002cfbc285703a0d485b4d308476e85da6876e3d6ae229dc969fa9fe02d1d";
// Computed by this code and independently by a short Python parser over the same file.
const char* kSignet100HashSerialized3 = "158dda4cda7563254df2291fae0dc44b205206d52443114f551decc9a7df5ce6";

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "snapshot-tests-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

Bytes read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), {});
}

void write_file(const fs::path& p, const Bytes& data) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

// Reads a whole file; returns the coins or the first error.
Result<std::vector<SnapshotCoin>> read_all(const fs::path& p, std::optional<Height> base = std::nullopt) {
    UTXO_TRY_ASSIGN(auto reader, SnapshotReader::open(p, base));
    std::vector<SnapshotCoin> coins;
    while (true) {
        auto c = reader.next();
        UTXO_TRY(c);
        if (!*c) return coins;
        coins.push_back(std::move(**c));
    }
}

Error read_error(const fs::path& p, std::optional<Height> base = std::nullopt) {
    auto r = read_all(p, base);
    REQUIRE(!r);
    return r.error();
}

Txid txid_of(std::uint8_t first) {
    Txid t;
    t.raw()[0] = first;
    return t;
}

Coin simple_coin(std::uint32_t height, std::int64_t value) {
    return Coin{Height{height}, false, Amount{value},
                Bytes{0x00, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}};
}

// A header for `count` coins followed by a hand-made body, for errors the writer refuses to make.
Bytes synthetic(std::uint64_t count, const Bytes& body) {
    SnapshotHeader h;
    h.network = Network::regtest;
    h.coin_count = count;
    Bytes out = encode_snapshot_header(h);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

}  // namespace

TEST_CASE("signet-100.dat: header and coins") {
    auto reader = SnapshotReader::open(kSignet100);
    REQUIRE(reader);
    const auto& h = reader->header();
    CHECK(h.version == 2);
    CHECK(h.network == Network::signet);
    CHECK(h.base_block.to_display_hex() == kSignetBase);
    CHECK(h.coin_count == 100);

    auto coins = read_all(kSignet100);
    REQUIRE(coins);
    CHECK(coins->size() == 100);
    for (const auto& c : *coins) {
        CHECK(c.coin.height.value <= 100);
        CHECK(money_range(c.coin.value));
    }
    // Reading again at the end keeps saying "no more".
    for (int i = 0; i < 100; ++i) REQUIRE(reader->next());
    auto end = reader->next();
    REQUIRE(end);
    CHECK(!*end);
    CHECK(reader->next().has_value());
    CHECK(reader->coins_read() == 100);
}

TEST_CASE("signet-100.dat: base height check as Core's loader does it") {
    CHECK(read_all(kSignet100, Height{100}).has_value());
    auto e = read_error(kSignet100, Height{99});
    CHECK_THAT(e.message, Catch::Matches("Bad snapshot data after deserializing \\d+ coins"));
}

TEST_CASE("signet-100.dat: writing its coins back gives the identical file") {
    TempDir dir;
    auto original = read_file(kSignet100);
    auto reader = SnapshotReader::open(kSignet100);
    REQUIRE(reader);
    auto out = dir.path / "copy.dat";
    auto writer = SnapshotWriter::create(out, reader->header());
    REQUIRE(writer);
    while (true) {
        auto c = reader->next();
        REQUIRE(c);
        if (!*c) break;
        REQUIRE(writer->add((*c)->outpoint, (*c)->coin));
    }
    REQUIRE(writer->finish());
    CHECK(!fs::exists(dir.path / "copy.dat.incomplete"));
    CHECK(read_file(out) == original);
}

TEST_CASE("signet-100.dat: hash_serialized_3 is deterministic") {
    auto digest = [] {
        auto coins = read_all(kSignet100);
        REQUIRE(coins);
        std::sort(coins->begin(), coins->end(),
                  [](const SnapshotCoin& a, const SnapshotCoin& b) { return a.outpoint < b.outpoint; });
        HashSerialized3 h;
        for (const auto& c : *coins) REQUIRE(h.add(c.outpoint, c.coin));
        return h.finalize().to_display_hex();
    };
    std::string first = digest();
    CHECK(first == kSignet100HashSerialized3);
    CHECK(digest() == first);
}

TEST_CASE("snapshot reader: header errors") {
    TempDir dir;
    auto good = read_file(kSignet100);
    auto corrupt = [&](std::size_t offset, std::uint8_t value) {
        Bytes b = good;
        b[offset] = value;
        auto p = dir.path / "bad.dat";
        write_file(p, b);
        return read_error(p);
    };
    auto e = corrupt(0, 'U');
    CHECK(e.code == Errc::invalid);
    CHECK_THAT(e.message, Catch::StartsWith("Invalid UTXO set snapshot magic bytes."));
    e = corrupt(5, 3);
    CHECK(e.message == "Version of snapshot 3 does not match any of the supported versions.");
    e = corrupt(7, 0x0b);
    CHECK_THAT(e.message, Catch::StartsWith("This snapshot has been created for an unrecognized network."));

    auto shorter = dir.path / "short.dat";
    write_file(shorter, Bytes(good.begin(), good.begin() + 50));
    CHECK(read_error(shorter).code == Errc::truncated);
    CHECK(read_error(dir.path / "missing.dat").code == Errc::io);
}

TEST_CASE("snapshot reader: coin count off by one either way") {
    TempDir dir;
    auto good = read_file(kSignet100);
    auto with_count = [&](std::uint64_t count) {
        Bytes b = good;
        for (int i = 0; i < 8; ++i) b[43 + i] = static_cast<std::uint8_t>(count >> (8 * i));
        auto p = dir.path / "count.dat";
        write_file(p, b);
        return read_error(p);
    };
    auto more = with_count(101);
    CHECK(more.code == Errc::truncated);
    CHECK(more.message == "Bad snapshot format or truncated snapshot after deserializing 100 coins.");
    auto fewer = with_count(99);
    CHECK(fewer.message == "Bad snapshot - coins left over after deserializing 99 coins.");
}

TEST_CASE("snapshot reader: a group larger than the coins left") {
    TempDir dir;
    Bytes b = read_file(kSignet100);
    // Every group of this file has one coin; make the first claim 101.
    REQUIRE(b[51 + 32] == 1);
    b[51 + 32] = 101;
    auto p = dir.path / "group.dat";
    write_file(p, b);
    CHECK(read_error(p).message == "Mismatch in coins count in snapshot metadata and actual snapshot data");
    // Two coins in the first group: the second coin is then read from the next group's txid bytes.
    b[51 + 32] = 2;
    write_file(p, b);
    CHECK(!read_all(p));
}

TEST_CASE("snapshot reader: non-canonical and oversize CompactSize") {
    TempDir dir;
    auto p = dir.path / "cs.dat";
    Bytes coin;
    Writer cw(coin);
    write_coin(cw, simple_coin(1, 1000));

    Bytes body(32, 0x01);
    Bytes tail = {0xfd, 0x01, 0x00, 0x00};  // group count 1 as fd 0100, then vout 0
    body.insert(body.end(), tail.begin(), tail.end());
    body.insert(body.end(), coin.begin(), coin.end());
    write_file(p, synthetic(1, body));
    auto e = read_error(p);
    CHECK(e.code == Errc::non_canonical);
    CHECK(e.message == "Bad snapshot format or truncated snapshot after deserializing 0 coins.");

    Bytes body2(32, 0x01);
    Bytes tail2 = {0x01, 0xfe, 0x01, 0x00, 0x00, 0x02};  // vout 0x02000001 > MAX_SIZE
    body2.insert(body2.end(), tail2.begin(), tail2.end());
    body2.insert(body2.end(), coin.begin(), coin.end());
    write_file(p, synthetic(1, body2));
    e = read_error(p);
    CHECK(e.code == Errc::too_large);
    CHECK(e.message == "Bad snapshot format or truncated snapshot after deserializing 0 coins.");
}

TEST_CASE("snapshot reader: bad values and empty groups") {
    TempDir dir;
    auto p = dir.path / "v.dat";
    auto body_with = [](std::uint64_t compressed_amount) {
        Bytes b(32, 0x02);
        Writer w(b);
        w.compact_size(1);
        w.compact_size(0);
        w.varint(2);  // height 1
        w.varint(compressed_amount);
        w.varint(6);  // empty raw script
        return b;
    };
    write_file(p, synthetic(1, body_with(compress_amount(kMaxMoney))));
    CHECK(read_all(p).has_value());
    write_file(p, synthetic(1, body_with(compress_amount(kMaxMoney + 1))));
    CHECK(read_error(p).message == "Bad snapshot data after deserializing 0 coins - bad tx out value");

    Bytes empty_group(32, 0x01);
    empty_group.push_back(0);
    Bytes rest = body_with(1);
    empty_group.insert(empty_group.end(), rest.begin(), rest.end());
    write_file(p, synthetic(1, empty_group));
    auto e = read_error(p);
    CHECK(e.code == Errc::non_canonical);
    CHECK_THAT(e.message, Catch::Contains("zero coins"));
}

TEST_CASE("snapshot reader: truncated at every byte, and a trailing byte") {
    TempDir dir;
    auto good = read_file(kSignet100);
    auto p = dir.path / "cut.dat";
    std::uint64_t last_n = 0;
    for (std::size_t len = SnapshotHeader::kSize; len < good.size(); ++len) {
        write_file(p, Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(len)));
        auto r = read_all(p);
        REQUIRE(!r);
        CAPTURE(len, r.error().message);
        REQUIRE(r.error().code == Errc::truncated);
        unsigned long long n = 0;
        REQUIRE(std::sscanf(r.error().message.c_str(),
                            "Bad snapshot format or truncated snapshot after deserializing %llu coins.",
                            &n) == 1);
        REQUIRE(n >= last_n);  // more bytes never mean fewer complete coins
        REQUIRE(n < 100);
        last_n = n;
    }
    CHECK(last_n == 99);

    Bytes longer = good;
    longer.push_back(0);
    write_file(p, longer);
    CHECK(read_error(p).message == "Bad snapshot - coins left over after deserializing 100 coins.");
}

TEST_CASE("snapshot writer: the §1.6 worked record") {
    TempDir dir;
    SnapshotHeader h;
    h.network = Network::mainnet;
    h.coin_count = 1;
    auto path = dir.path / "one.dat";
    auto w = SnapshotWriter::create(path, h);
    REQUIRE(w);
    Coin c{Height{840000}, false, Amount{50000}, *from_hex("76a914" + std::string(40, '1') + "88ac")};
    REQUIRE(w->add(OutPoint{txid_of(1), 1}, c));
    REQUIRE(w->finish());
    auto bytes = read_file(path);
    REQUIRE(bytes.size() == 51 + 59);
    CHECK(to_hex(ByteView(bytes).first(11)) == "7574786fff0200f9beb4d9");
    std::string body = "01" + std::string(62, '0') +
                       "01"
                       "01"
                       "e5c400"
                       "2d"
                       "00" +
                       std::string(40, '1');
    CHECK(to_hex(ByteView(bytes).subspan(51)) == body);
}

TEST_CASE("snapshot writer refusals") {
    TempDir dir;
    SnapshotHeader h;
    h.network = Network::regtest;
    h.coin_count = 3;
    auto path = dir.path / "w.dat";
    auto incomplete = dir.path / "w.dat.incomplete";

    SECTION("coins out of chainstate key order") {
        auto w = SnapshotWriter::create(path, h);
        REQUIRE(w);
        REQUIRE(w->add(OutPoint{txid_of(2), 16512}, simple_coin(1, 1)));
        REQUIRE(w->add(OutPoint{txid_of(2), 256}, simple_coin(1, 1)));    // key order, not numeric
        auto bad = w->add(OutPoint{txid_of(2), 255}, simple_coin(1, 1));  // 807f < 8100
        REQUIRE(!bad);
        CHECK_THAT(bad.error().message, Catch::Contains("chainstate key order"));
        CHECK(!w->add(OutPoint{txid_of(1), 0}, simple_coin(1, 1)));
        CHECK(!w->add(OutPoint{txid_of(2), 256}, simple_coin(1, 1)));  // duplicate
    }
    SECTION("an existing target") {
        write_file(path, Bytes{1, 2, 3});
        auto w = SnapshotWriter::create(path, h);
        REQUIRE(!w);
        CHECK_THAT(w.error().message, Catch::Contains("already exists"));
        CHECK(read_file(path) == Bytes{1, 2, 3});
        CHECK(!fs::exists(incomplete));
    }
    SECTION("a final count that differs from the header") {
        {
            auto w = SnapshotWriter::create(path, h);
            REQUIRE(w);
            REQUIRE(fs::exists(incomplete));
            REQUIRE(w->add(OutPoint{txid_of(1), 0}, simple_coin(1, 1)));
            REQUIRE(w->add(OutPoint{txid_of(1), 1}, simple_coin(1, 1)));
            auto st = w->finish();
            REQUIRE(!st);
            CHECK(st.error().code == Errc::mismatch);
            CHECK(!fs::exists(incomplete));
        }
        CHECK(!fs::exists(path));
    }
    SECTION("more coins than the header announces") {
        auto w = SnapshotWriter::create(path, h);
        REQUIRE(w);
        for (std::uint32_t i = 0; i < 3; ++i) REQUIRE(w->add(OutPoint{txid_of(1), i}, simple_coin(1, 1)));
        CHECK(!w->add(OutPoint{txid_of(1), 3}, simple_coin(1, 1)));
    }
    SECTION("no finish: the destructor removes the .incomplete file") {
        {
            auto w = SnapshotWriter::create(path, h);
            REQUIRE(w);
            REQUIRE(w->add(OutPoint{txid_of(1), 0}, simple_coin(1, 1)));
            REQUIRE(fs::exists(incomplete));
        }
        CHECK(!fs::exists(incomplete));
        CHECK(!fs::exists(path));
    }
}

TEST_CASE("snapshot writer and reader agree on a multi-megabyte file with odd records") {
    TempDir dir;
    auto path = dir.path / "big.dat";
    std::vector<SnapshotCoin> coins;
    for (std::uint32_t t = 1; t <= 60000; ++t) {
        Txid txid;
        txid.raw()[0] = static_cast<std::uint8_t>(t >> 16);
        txid.raw()[1] = static_cast<std::uint8_t>(t >> 8);
        txid.raw()[2] = static_cast<std::uint8_t>(t);
        for (std::uint32_t v = 0; v < 1 + t % 4; ++v)
            coins.push_back({OutPoint{txid, v}, simple_coin(t, t * 10 + v)});
    }
    // A group spanning the VARINT/numeric order split, and an oversize script that reads back as
    // OP_RETURN: both have to survive buffer refills.
    Txid last_txid;
    last_txid.raw().fill(0xff);
    coins.push_back({OutPoint{last_txid, 16512}, simple_coin(5, 5)});
    coins.push_back({OutPoint{last_txid, 256}, Coin{Height{6}, true, Amount{6}, Bytes(9'000'000, 0x51)}});
    coins.push_back({OutPoint{last_txid, 257}, simple_coin(7, 7)});

    SnapshotHeader h;
    h.network = Network::testnet4;
    h.coin_count = coins.size();
    {
        auto w = SnapshotWriter::create(path, h);
        REQUIRE(w);
        for (const auto& c : coins) REQUIRE(w->add(c.outpoint, c.coin));
        REQUIRE(w->finish());
    }
    auto back = read_all(path);
    REQUIRE(back);
    REQUIRE(back->size() == coins.size());
    coins[coins.size() - 2].coin.script = Bytes{0x6a};  // Core's replacement for a script over 10,000 bytes
    bool same = true;
    for (std::size_t i = 0; i < coins.size(); ++i)
        same = same && (*back)[i].outpoint == coins[i].outpoint && (*back)[i].coin == coins[i].coin;
    CHECK(same);
}

TEST_CASE("chainstate_key_less: VARINT byte order within a txid") {
    auto less = [](std::uint32_t a, std::uint32_t b) {
        return chainstate_key_less(OutPoint{txid_of(1), a}, OutPoint{txid_of(1), b});
    };
    CHECK(less(255, 16512));
    CHECK(less(16512, 256));
    CHECK(less(255, 256));
    CHECK(!less(256, 16512));
    CHECK(less(16512, 16511));  // 80 80 00 < ff 7f
    CHECK(!less(300, 300));
    for (std::uint32_t a = 0; a < 600; a += 7)
        for (std::uint32_t b = 0; b < 600; b += 5) REQUIRE(less(a, b) == (a < b));
    CHECK(less(70000, 70001));
    // The txid decides first.
    CHECK(chainstate_key_less(OutPoint{txid_of(1), 99999}, OutPoint{txid_of(2), 0}));
    CHECK(!chainstate_key_less(OutPoint{txid_of(2), 0}, OutPoint{txid_of(1), 99999}));
}

// Blocks: every real block of the fixtures round-trips byte for byte, hashes chain up,
// coinbase values balance against the coins spent, and damaged blocks are refused.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "chain_fixtures.h"
#include "core/network.h"
#include "core/sha256.h"
#include "core/transaction.h"

using namespace utxo::core;
using chain_fixtures::read_binary;
using chain_fixtures::read_hex_lines;
using chain_fixtures::read_text;

namespace {

Block parse_ok(ByteView raw) {
    auto block = parse_block(raw);
    if (!block) FAIL("block does not parse: " << block.error().message);
    return std::move(*block);
}

void check_round_trip(const std::vector<Bytes>& blocks) {
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        CAPTURE(i);
        Block b = parse_ok(blocks[i]);
        CHECK(serialize_block(b) == blocks[i]);
    }
}

// Each block's prev_block is the hash of the line before it.
void check_chain(const std::vector<Bytes>& blocks, const BlockHash& genesis) {
    REQUIRE_FALSE(blocks.empty());
    BlockHash prev;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        CAPTURE(i);
        Block b = parse_ok(blocks[i]);
        CHECK(b.hash == b.header.hash());
        if (i == 0)
            CHECK(b.hash == genesis);
        else
            CHECK(b.header.prev_block == prev);
        prev = b.hash;
    }
}

Block mainnet_277647() {
    return parse_ok(chain_fixtures::strip_blk_framing(read_binary("blocks/mainnet-277647.raw")));
}

std::int64_t output_sum(const Transaction& tx) {
    std::int64_t sum = 0;
    for (const auto& out : tx.outputs) sum += out.value.sat;
    return sum;
}

}  // namespace

TEST_CASE("the mainnet genesis block has its known hash") {
    auto blocks = read_hex_lines("mainnet/mainnet_0-255.hex");
    REQUIRE(blocks.size() == 256);
    Block genesis = parse_ok(blocks[0]);
    CHECK(genesis.hash.to_display_hex() ==
          "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
    CHECK(genesis.hash == params(Network::mainnet).genesis);
    CHECK(genesis.header.prev_block.is_zero());
    CHECK(genesis.header.merkle_root.to_display_hex() ==
          "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
}

TEST_CASE("mainnet blocks 0-255 round-trip and form an unbroken chain") {
    auto blocks = read_hex_lines("mainnet/mainnet_0-255.hex");
    check_round_trip(blocks);
    check_chain(blocks, params(Network::mainnet).genesis);
}

TEST_CASE("regtest blocks from Bitcoin Core and from Floresta round-trip and chain") {
    auto json = nlohmann::json::parse(read_text("core-regtest/rpc_getblockstats.json"));
    std::vector<Bytes> core_blocks;
    for (const auto& h : json.at("blocks")) core_blocks.push_back(*from_hex(h.get<std::string>()));
    REQUIRE(core_blocks.size() == 104);
    check_round_trip(core_blocks);
    check_chain(core_blocks, params(Network::regtest).genesis);

    auto floresta = read_hex_lines("floresta-regtest/regtest_blocks.hex");
    REQUIRE(floresta.size() == 151);
    check_round_trip(floresta);
    check_chain(floresta, params(Network::regtest).genesis);
}

TEST_CASE("large real mainnet blocks round-trip byte for byte") {
    for (const char* name : {"blocks/mainnet-413567.raw", "blocks/mainnet-866342.raw"}) {
        CAPTURE(name);
        auto raw = read_binary(name);
        Block b = parse_ok(raw);
        CHECK(serialize_block(b) == raw);
    }
    auto framed = read_binary("blocks/mainnet-277647.raw");
    Block b = mainnet_277647();
    CHECK(b.txs.size() == 213);
    CHECK(serialize_block(b) == chain_fixtures::strip_blk_framing(framed));
}

TEST_CASE("mainnet 866342: witness ids match the coinbase's BIP141 commitment") {
    Block b = parse_ok(read_binary("blocks/mainnet-866342.raw"));
    REQUIRE(b.txs.size() == 4864);
    const Transaction& coinbase = b.txs[0];
    REQUIRE(coinbase.inputs[0].witness.size() == 1);  // the witness reserved value
    // The commitment is the last output starting 6a24aa21a9ed.
    const Bytes magic = *from_hex("6a24aa21a9ed");
    const Bytes* commitment = nullptr;
    for (const auto& out : coinbase.outputs)
        if (out.script_pubkey.size() >= 38 &&
            std::equal(magic.begin(), magic.end(), out.script_pubkey.begin()))
            commitment = &out.script_pubkey;
    REQUIRE(commitment != nullptr);
    const Hash256 witness_root = compute_witness_merkle_root(b.txs);
    Bytes preimage(witness_root.raw().begin(), witness_root.raw().end());
    const Bytes& reserved = coinbase.inputs[0].witness[0];
    preimage.insert(preimage.end(), reserved.begin(), reserved.end());
    const Hash256 expected = sha256d(preimage);
    CHECK(Bytes(commitment->begin() + 6, commitment->begin() + 38) ==
          Bytes(expected.raw().begin(), expected.raw().end()));

    // Ids computed while parsing (in place, streamed) agree with re-serialization.
    std::size_t with_witness = 0;
    for (std::size_t i = 0; i < b.txs.size(); i += 7) {
        Transaction copy = b.txs[i];
        copy.compute_ids();
        CHECK(copy.txid == b.txs[i].txid);
        CHECK(copy.wtxid == b.txs[i].wtxid);
        with_witness += b.txs[i].has_witness();
    }
    CHECK(with_witness > 100);
}

TEST_CASE("mainnet 866342: coinbase = subsidy + inputs - outputs (.spent in input order)") {
    Block b = parse_ok(read_binary("blocks/mainnet-866342.raw"));
    auto spent = nlohmann::json::parse(read_text("blocks/mainnet-866342.spent"));
    // Outputs of this block, to cross-check the entries of in-block spends.
    std::map<OutPoint, const TxOut*> created;
    for (const auto& tx : b.txs)
        for (std::uint32_t v = 0; v < tx.outputs.size(); ++v) created[OutPoint{tx.txid, v}] = &tx.outputs[v];

    std::size_t k = 0, in_block = 0;
    std::int64_t inputs = 0, outputs = 0;
    for (std::size_t t = 1; t < b.txs.size(); ++t) {
        outputs += output_sum(b.txs[t]);
        for (const auto& in : b.txs[t].inputs) {
            REQUIRE(k < spent.size());
            const auto& entry = spent[k++];
            const std::int64_t value = entry.at("txout").at("value").get<std::int64_t>();
            const Bytes script = *from_hex(entry.at("txout").at("script_pubkey").get<std::string>());
            if (auto it = created.find(in.prevout); it != created.end()) {
                ++in_block;
                CHECK(entry.at("creation_height").get<int>() == 866342);
                CHECK(it->second->value.sat == value);
                CHECK(it->second->script_pubkey == script);
            }
            inputs += value;
        }
    }
    CHECK(k == spent.size());
    CHECK(in_block == 4036);
    const Amount subsidy = block_subsidy(Height{866342}, params(Network::mainnet).subsidy_halving_interval);
    CHECK(subsidy.sat == 312'500'000);
    CHECK(output_sum(b.txs[0]) == subsidy.sat + inputs - outputs);
}

TEST_CASE("mainnet 277647: coinbase = subsidy + inputs - outputs (.spent.json by outpoint)") {
    Block b = mainnet_277647();
    auto spent = nlohmann::json::parse(read_text("blocks/mainnet-277647.spent.json"));
    std::map<OutPoint, std::int64_t> value_of;
    for (const auto& e : spent)
        value_of[OutPoint{*Txid::from_display_hex(e.at("txid").get<std::string>()),
                          e.at("vout").get<std::uint32_t>()}] = e.at("value").get<std::int64_t>();

    std::int64_t inputs = 0, outputs = 0;
    std::size_t used = 0;
    for (std::size_t t = 1; t < b.txs.size(); ++t) {
        outputs += output_sum(b.txs[t]);
        for (const auto& in : b.txs[t].inputs) {
            auto it = value_of.find(in.prevout);
            REQUIRE(it != value_of.end());
            inputs += it->second;
            ++used;
        }
    }
    CHECK(used == spent.size());
    const Amount subsidy = block_subsidy(Height{277647}, params(Network::mainnet).subsidy_halving_interval);
    CHECK(subsidy.sat == 25 * kCoin);
    CHECK(output_sum(b.txs[0]) == subsidy.sat + inputs - outputs);
}

TEST_CASE("block subsidy halves every interval and ends") {
    const std::uint32_t interval = params(Network::mainnet).subsidy_halving_interval;
    CHECK(block_subsidy(Height{0}, interval).sat == 50 * kCoin);
    CHECK(block_subsidy(Height{209'999}, interval).sat == 50 * kCoin);
    CHECK(block_subsidy(Height{210'000}, interval).sat == 25 * kCoin);
    CHECK(block_subsidy(Height{840'000}, interval).sat == 312'500'000);
    CHECK(block_subsidy(Height{33 * 210'000 - 1}, interval).sat == 1);
    CHECK(block_subsidy(Height{33 * 210'000}, interval).sat == 0);
    CHECK(block_subsidy(Height{64 * 210'000}, interval).sat == 0);  // no shift past 63 bits
    CHECK(block_subsidy(Height{UINT32_MAX}, 150).sat == 0);
    CHECK(block_subsidy(Height{149}, 150).sat == 50 * kCoin);
    CHECK(block_subsidy(Height{150}, 150).sat == 25 * kCoin);
}

TEST_CASE("merkle root: one tx is its txid, odd levels duplicate the last hash") {
    Block b = mainnet_277647();  // 213 transactions: odd at several levels
    CHECK(compute_merkle_root(b.txs) == b.header.merkle_root);
    std::vector<Transaction> one{b.txs[0]};
    CHECK(compute_merkle_root(one) == hash_cast<Hash256>(b.txs[0].txid));
    CHECK(compute_merkle_root({}).is_zero());
}

TEST_CASE("truncated blocks are refused at every length") {
    const Bytes raw = chain_fixtures::strip_blk_framing(read_binary("blocks/mainnet-277647.raw"));
    std::size_t tested = 0;
    // Every cut in the header and the first transactions, then a stride through the rest.
    for (std::size_t n = 0; n < raw.size(); n += n < 2000 ? 1 : 97) {
        auto r = parse_block(ByteView(raw).first(n));
        if (r) FAIL("a block cut at " << n << " bytes parsed");
        CHECK(r.error().code == Errc::truncated);
        ++tested;
    }
    CHECK(tested > 3000);
    auto longer = raw;
    longer.push_back(0);
    auto r = parse_block(longer);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("trailing") != std::string::npos);
}

TEST_CASE("bit flips in a pre-segwit block fail to parse or fail the merkle check") {
    const Bytes raw = chain_fixtures::strip_blk_framing(read_binary("blocks/mainnet-277647.raw"));
    const BlockHash original = parse_ok(raw).hash;
    std::mt19937_64 rng(277647);
    std::size_t merkle_failures = 0;
    for (int round = 0; round < 3000; ++round) {
        Bytes bad = raw;
        const std::size_t at = rng() % bad.size();
        bad[at] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        CAPTURE(at);
        auto r = parse_block(bad);
        const bool in_header = at < 80;
        const bool merkle_field = at >= 36 && at < 68;
        if (in_header && !merkle_field) {
            // Version, prev hash, time, bits, nonce: structurally fine, a different block.
            REQUIRE(r);
            CHECK(r->hash != original);
            continue;
        }
        // Every byte of a pre-segwit transaction is in its txid, so a change that keeps the
        // structure must show up as a merkle mismatch.
        REQUIRE_FALSE(r);
        CHECK_FALSE(r.error().message.empty());
        if (r.error().code == Errc::mismatch) {
            CHECK(r.error().message.find("merkle root mismatch") != std::string::npos);
            ++merkle_failures;
        }
    }
    CHECK(merkle_failures > 1000);
}

TEST_CASE("random damage to a segwit block never crashes and never changes a txid unnoticed") {
    const Bytes raw = read_binary("blocks/mainnet-866342.raw");
    const Block original = parse_ok(raw);
    std::mt19937_64 rng(866342);
    for (int round = 0; round < 300; ++round) {
        Bytes bad = raw;
        const std::size_t at = 80 + rng() % (bad.size() - 80);
        bad[at] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        auto r = parse_block(bad);
        if (!r) continue;
        // Only witness bytes are outside the merkle tree: same txids, some wtxid differs.
        REQUIRE(r->txs.size() == original.txs.size());
        bool wtxid_changed = false;
        for (std::size_t i = 0; i < r->txs.size(); ++i) {
            REQUIRE(r->txs[i].txid == original.txs[i].txid);
            wtxid_changed |= r->txs[i].wtxid != original.txs[i].wtxid;
        }
        CHECK(wtxid_changed);
    }
}

TEST_CASE("structural block rules: coinbase placement, empty blocks, mutated merkle trees") {
    Block b = mainnet_277647();

    SECTION("a block without transactions") {
        Block empty = b;
        empty.txs.clear();
        auto r = parse_block(serialize_block(empty));
        REQUIRE_FALSE(r);
        CHECK(r.error().message == "block has no transactions");
    }
    SECTION("a first transaction that is not a coinbase") {
        Block swapped = b;
        std::swap(swapped.txs[0], swapped.txs[1]);
        swapped.header.merkle_root = compute_merkle_root(swapped.txs);
        auto r = parse_block(serialize_block(swapped));
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("not a coinbase") != std::string::npos);
    }
    SECTION("a second coinbase") {
        Block two = b;
        two.txs.push_back(b.txs[0]);
        two.txs.back().lock_time = 1;  // a distinct txid
        two.txs.back().compute_ids();
        two.header.merkle_root = compute_merkle_root(two.txs);
        auto r = parse_block(serialize_block(two));
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("second coinbase") != std::string::npos);
    }
    SECTION("repeating the last transaction keeps the root but is refused (CVE-2012-2459)") {
        REQUIRE(b.txs.size() % 2 == 1);
        Block dup = b;
        dup.txs.push_back(b.txs.back());
        REQUIRE(compute_merkle_root(dup.txs) == b.header.merkle_root);
        auto r = parse_block(serialize_block(dup));
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("mutated") != std::string::npos);
    }
    SECTION("a forged transaction count cannot make the parser allocate") {
        Bytes raw = serialize_block(b);
        Bytes forged(raw.begin(), raw.begin() + 80);
        for (std::uint8_t x : {0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00, 0x00, 0x00}) forged.push_back(x);
        auto r = parse_block(forged);
        REQUIRE_FALSE(r);
    }
    SECTION("a block built in code gets its ids from compute_ids") {
        Block built = b;
        for (auto& tx : built.txs) tx.txid = Txid{};
        built.hash = BlockHash{};
        built.compute_ids();
        CHECK(built.hash == b.hash);
        CHECK(built.txs[5].txid == b.txs[5].txid);
    }
}

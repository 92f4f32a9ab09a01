// Blocks: header, parsing with Core's structural checks, merkle root, subsidy.
#include <fmt/format.h>

#include <cstring>

#include "core/sha256.h"
#include "core/transaction.h"

namespace utxo::core {

namespace {

constexpr std::size_t kHeaderSize = 80;
// No transaction encodes in fewer bytes (version, two counts, lock time); bounds the count.
constexpr std::size_t kMinTxSize = 10;

Hash256 hash_pair(const Hash256& a, const Hash256& b) {
    std::uint8_t buf[64];
    std::memcpy(buf, a.data(), 32);
    std::memcpy(buf + 32, b.data(), 32);
    return sha256d(ByteView(buf, sizeof buf));
}

// Bitcoin's tree: an odd level pairs its last hash with itself. `mutated` reports two equal
// sibling hashes, which lets different transaction lists share a root (CVE-2012-2459).
Hash256 merkle_root(std::vector<Hash256> level, bool& mutated) {
    mutated = false;
    if (level.empty()) return Hash256{};
    while (level.size() > 1) {
        for (std::size_t i = 0; i + 1 < level.size(); i += 2)
            if (level[i] == level[i + 1]) mutated = true;
        if (level.size() % 2) level.push_back(level.back());
        for (std::size_t i = 0; i < level.size() / 2; ++i)
            level[i] = hash_pair(level[2 * i], level[2 * i + 1]);
        level.resize(level.size() / 2);
    }
    return level[0];
}

std::vector<Hash256> txid_leaves(const std::vector<Transaction>& txs) {
    std::vector<Hash256> leaves;
    leaves.reserve(txs.size());
    for (const auto& tx : txs) leaves.push_back(hash_cast<Hash256>(tx.txid));
    return leaves;
}

[[nodiscard]] Status check_coinbases(const std::vector<Transaction>& txs) {
    if (txs.empty()) return fail(Errc::invalid, "block has no transactions");
    if (!txs[0].is_coinbase()) return fail(Errc::invalid, "first transaction of the block is not a coinbase");
    for (std::size_t i = 1; i < txs.size(); ++i)
        if (txs[i].is_coinbase())
            return fail(Errc::invalid, fmt::format("transaction {} of the block is a second coinbase", i));
    return {};
}

[[nodiscard]] Status check_merkle_root(const Block& block) {
    bool mutated = false;
    Hash256 root = merkle_root(txid_leaves(block.txs), mutated);
    if (root != block.header.merkle_root)
        return fail(Errc::mismatch,
                    fmt::format("merkle root mismatch: header has {}, transactions give {}",
                                block.header.merkle_root.to_display_hex(), root.to_display_hex()));
    if (mutated) return fail(Errc::invalid, "block merkle tree is mutated (duplicate transactions)");
    return {};
}

}  // namespace

BlockHash BlockHeader::hash() const {
    Bytes buf;
    buf.reserve(kHeaderSize);
    Writer w(buf);
    write_block_header(w, *this);
    return hash_cast<BlockHash>(sha256d(buf));
}

void Block::compute_ids() {
    for (auto& tx : txs) tx.compute_ids();
    hash = header.hash();
}

Result<BlockHeader> read_block_header(Reader& in) {
    auto raw = in.bytes(kHeaderSize);
    if (!raw) return fail(Errc::truncated, "block header is shorter than 80 bytes");
    Reader r(*raw);  // cannot fail from here: all 80 bytes are present
    BlockHeader h;
    h.version = *r.i32();
    h.prev_block = *r.hash<BlockHashTag>();
    h.merkle_root = *r.hash<Hash256Tag>();
    h.time = *r.u32();
    h.bits = *r.u32();
    h.nonce = *r.u32();
    return h;
}

void write_block_header(Writer& out, const BlockHeader& header) {
    out.i32(header.version);
    out.hash(header.prev_block);
    out.hash(header.merkle_root);
    out.u32(header.time);
    out.u32(header.bits);
    out.u32(header.nonce);
}

Result<Block> parse_block(ByteView bytes) {
    Reader in(bytes);
    Block block;
    UTXO_TRY_ASSIGN(auto header, read_block_header(in));
    block.header = header;
    // The header bytes are the hashed form; no need to write them out again.
    block.hash = hash_cast<BlockHash>(sha256d(bytes.first(kHeaderSize)));

    UTXO_TRY_ASSIGN(auto count, in.compact_size());
    if (count > in.remaining() / kMinTxSize)
        return fail(Errc::truncated, fmt::format("block claims {} transactions but only {} bytes follow",
                                                 count, in.remaining()));
    block.txs.reserve(count);
    for (std::uint64_t i = 0; i < count; ++i) {
        auto tx = read_transaction(in);
        if (!tx) return fail(tx.error().code, fmt::format("transaction {}: {}", i, tx.error().message));
        block.txs.push_back(std::move(*tx));
    }
    if (!in.empty())
        return fail(Errc::invalid, fmt::format("{} trailing bytes after the block", in.remaining()));
    UTXO_TRY(check_coinbases(block.txs));
    UTXO_TRY(check_merkle_root(block));
    return block;
}

Bytes serialize_block(const Block& block) {
    Bytes out;
    Writer w(out);
    write_block_header(w, block.header);
    w.compact_size(block.txs.size());
    for (const auto& tx : block.txs) write_transaction(w, tx, true);
    return out;
}

Hash256 compute_merkle_root(const std::vector<Transaction>& txs) {
    bool mutated = false;
    return merkle_root(txid_leaves(txs), mutated);
}

Hash256 compute_witness_merkle_root(const std::vector<Transaction>& txs) {
    std::vector<Hash256> leaves;
    leaves.reserve(txs.size());
    for (const auto& tx : txs) leaves.push_back(leaves.empty() ? Hash256{} : hash_cast<Hash256>(tx.wtxid));
    bool mutated = false;
    return merkle_root(std::move(leaves), mutated);
}

Amount block_subsidy(Height height, std::uint32_t halving_interval) {
    if (halving_interval == 0) return Amount{0};
    const std::uint32_t halvings = height.value / halving_interval;
    // Shifting a 64-bit value by 64 or more is undefined; the subsidy is zero by then anyway.
    if (halvings >= 64) return Amount{0};
    return Amount{(50 * kCoin) >> halvings};
}

}  // namespace utxo::core

// Transactions and blocks: parse and serialize (BIP144 segwit included), ids, merkle root.
// Parsing untrusted bytes never crashes and never allocates more than the input can justify.
#pragma once
#include <cstdint>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/serialize.h"
#include "core/types.h"

namespace utxo::core {

struct TxIn {
    OutPoint prevout;
    Bytes script_sig;
    std::uint32_t sequence = 0xffffffff;
    std::vector<Bytes> witness;  // empty when the input has no witness
};

struct TxOut {
    Amount value;
    Bytes script_pubkey;
};

struct Transaction {
    std::int32_t version = 2;
    std::vector<TxIn> inputs;
    std::vector<TxOut> outputs;
    std::uint32_t lock_time = 0;
    // Filled by parsing, and by compute_ids() for transactions built in code.
    Txid txid;
    Wtxid wtxid;

    bool is_coinbase() const {
        return inputs.size() == 1 && inputs[0].prevout.txid.is_zero() && inputs[0].prevout.vout == 0xffffffff;
    }
    bool has_witness() const;
    void compute_ids();
};

// Reads one transaction (witness form if marker/flag present) and fills txid/wtxid, hashing the
// input bytes in place. Refused per BIP144: a flag other than 1, or a witness flag whose
// witnesses are all empty. Counts are bounded by the bytes left, so forged counts cannot allocate.
[[nodiscard]] Result<Transaction> read_transaction(Reader& in);
// Parses a buffer holding exactly one transaction.
[[nodiscard]] Result<Transaction> parse_transaction(ByteView bytes);
void write_transaction(Writer& out, const Transaction& tx, bool with_witness = true);
Bytes serialize_transaction(const Transaction& tx, bool with_witness = true);

struct BlockHeader {
    std::int32_t version = 0;
    BlockHash prev_block;
    Hash256 merkle_root;
    std::uint32_t time = 0;
    std::uint32_t bits = 0;
    std::uint32_t nonce = 0;

    BlockHash hash() const;  // SHA256d of the 80-byte header
};

struct Block {
    BlockHeader header;
    std::vector<Transaction> txs;
    BlockHash hash;  // filled by parsing and by compute_ids()

    void compute_ids();  // every tx's txid/wtxid and the block hash, for blocks built in code
};

[[nodiscard]] Result<BlockHeader> read_block_header(Reader& in);
void write_block_header(Writer& out, const BlockHeader& header);
// Parses exactly one block (no trailing bytes) and checks that it has at least one
// transaction, that the first and only the first is a coinbase, and that the merkle root matches
// (and is not the CVE-2012-2459 mutated form). Witness data is not covered by these checks.
[[nodiscard]] Result<Block> parse_block(ByteView bytes);
Bytes serialize_block(const Block& block);
Hash256 compute_merkle_root(const std::vector<Transaction>& txs);  // over txids
// BIP141: the same tree over wtxids, the coinbase's counted as zero (for the commitment check).
Hash256 compute_witness_merkle_root(const std::vector<Transaction>& txs);

// Block subsidy at height for a network's halving interval.
Amount block_subsidy(Height height, std::uint32_t halving_interval);

}  // namespace utxo::core

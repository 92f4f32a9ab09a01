// Transactions: BIP144 wire format, txid/wtxid.
#include "core/transaction.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/sha256.h"

namespace utxo::core {

namespace {

// Smallest encodings, used to bound counts by the bytes left so that a forged count can
// never make us reserve (or loop for) more elements than the input could hold.
constexpr std::size_t kMinInputSize = 32 + 4 + 1 + 4;  // prevout, empty script, sequence
constexpr std::size_t kMinOutputSize = 8 + 1;          // value, empty script

// The address of the reader's current byte. Reader only hands out views, so an empty view
// at the cursor marks a position; slices between marks are contiguous input bytes.
const std::uint8_t* mark(Reader& in) { return in.bytes(0)->data(); }

ByteView slice(const std::uint8_t* begin, const std::uint8_t* end) {
    return {begin, static_cast<std::size_t>(end - begin)};
}

[[nodiscard]] Result<std::size_t> read_count(Reader& in, std::size_t min_size, const char* what) {
    UTXO_TRY_ASSIGN(auto n, in.compact_size());
    if (n > in.remaining() / min_size)
        return fail(Errc::truncated,
                    fmt::format("{} count {} cannot fit in the {} bytes left", what, n, in.remaining()));
    return static_cast<std::size_t>(n);
}

[[nodiscard]] Result<TxIn> read_input(Reader& in) {
    TxIn txin;
    UTXO_TRY_ASSIGN(auto txid, in.hash<TxidTag>());
    UTXO_TRY_ASSIGN(auto vout, in.u32());
    UTXO_TRY_ASSIGN(auto script, in.var_bytes());
    UTXO_TRY_ASSIGN(auto sequence, in.u32());
    txin.prevout = OutPoint{txid, vout};
    txin.script_sig.assign(script.begin(), script.end());
    txin.sequence = sequence;
    return txin;
}

[[nodiscard]] Result<TxOut> read_output(Reader& in) {
    UTXO_TRY_ASSIGN(auto value, in.i64());
    UTXO_TRY_ASSIGN(auto script, in.var_bytes());
    return TxOut{Amount{value}, Bytes(script.begin(), script.end())};
}

// Inputs (count already read) then outputs.
[[nodiscard]] Status read_inputs_outputs(Reader& in, Transaction& tx, std::size_t input_count) {
    tx.inputs.reserve(input_count);
    for (std::size_t i = 0; i < input_count; ++i) {
        UTXO_TRY_ASSIGN(auto txin, read_input(in));
        tx.inputs.push_back(std::move(txin));
    }
    UTXO_TRY_ASSIGN(auto output_count, read_count(in, kMinOutputSize, "output"));
    tx.outputs.reserve(output_count);
    for (std::size_t i = 0; i < output_count; ++i) {
        UTXO_TRY_ASSIGN(auto txout, read_output(in));
        tx.outputs.push_back(std::move(txout));
    }
    return {};
}

[[nodiscard]] Status read_witnesses(Reader& in, Transaction& tx) {
    for (auto& txin : tx.inputs) {
        UTXO_TRY_ASSIGN(auto items, read_count(in, 1, "witness item"));
        txin.witness.reserve(items);
        for (std::size_t i = 0; i < items; ++i) {
            UTXO_TRY_ASSIGN(auto item, in.var_bytes());
            txin.witness.emplace_back(item.begin(), item.end());
        }
    }
    // BIP144: the extended format is only allowed when some witness is present.
    if (!tx.has_witness())
        return fail(Errc::non_canonical,
                    "transaction has a witness flag but no witness data (superfluous witness record)");
    return {};
}

// Marker 0x00 was read as an empty input count; the flag must follow and must be 1.
[[nodiscard]] Status read_segwit_flag(Reader& in) {
    UTXO_TRY_ASSIGN(auto flag, in.u8());
    if (flag != 1)
        return fail(Errc::invalid,
                    fmt::format("unknown transaction witness flag {} (only 1 is defined)", flag));
    return {};
}

}  // namespace

bool Transaction::has_witness() const {
    return std::any_of(inputs.begin(), inputs.end(), [](const TxIn& i) { return !i.witness.empty(); });
}

void Transaction::compute_ids() {
    txid = hash_cast<Txid>(sha256d(serialize_transaction(*this, false)));
    wtxid = has_witness() ? hash_cast<Wtxid>(sha256d(serialize_transaction(*this, true)))
                          : hash_cast<Wtxid>(txid);
}

Result<Transaction> read_transaction(Reader& in) {
    Transaction tx;
    const std::uint8_t* start = mark(in);
    UTXO_TRY_ASSIGN(auto version, in.i32());
    tx.version = version;

    // BIP144: an empty input count is the segwit marker; the real count follows the flag.
    const std::uint8_t* body = mark(in);  // inputs and outputs, shared by both serializations
    auto input_count = read_count(in, kMinInputSize, "input");
    UTXO_TRY(input_count);
    const bool segwit = *input_count == 0;
    if (segwit) {
        UTXO_TRY(read_segwit_flag(in));
        body = mark(in);
        input_count = read_count(in, kMinInputSize, "input");
        UTXO_TRY(input_count);
    }

    UTXO_TRY(read_inputs_outputs(in, tx, *input_count));
    const std::uint8_t* body_end = mark(in);
    if (segwit) {
        UTXO_TRY(read_witnesses(in, tx));
    }
    UTXO_TRY_ASSIGN(auto lock_time, in.u32());
    tx.lock_time = lock_time;
    const std::uint8_t* end = mark(in);

    if (!segwit) {
        // The input bytes are exactly the txid serialization: hash them in place.
        tx.txid = hash_cast<Txid>(sha256d(slice(start, end)));
        tx.wtxid = hash_cast<Wtxid>(tx.txid);
        return tx;
    }
    Sha256Stream stream;
    stream.update(slice(start, start + 4));
    stream.update(slice(body, body_end));
    stream.update(slice(end - 4, end));
    tx.txid = hash_cast<Txid>(stream.finish_double());
    tx.wtxid = hash_cast<Wtxid>(sha256d(slice(start, end)));
    return tx;
}

Result<Transaction> parse_transaction(ByteView bytes) {
    Reader in(bytes);
    auto tx = read_transaction(in);
    if (!tx) return tx;
    if (!in.empty())
        return fail(Errc::invalid, fmt::format("{} trailing bytes after the transaction", in.remaining()));
    return tx;
}

void write_transaction(Writer& out, const Transaction& tx, bool with_witness) {
    const bool segwit = with_witness && tx.has_witness();
    out.i32(tx.version);
    if (segwit) {
        out.u8(0x00);  // marker
        out.u8(0x01);  // flag
    }
    out.compact_size(tx.inputs.size());
    for (const auto& txin : tx.inputs) {
        out.hash(txin.prevout.txid);
        out.u32(txin.prevout.vout);
        out.var_bytes(txin.script_sig);
        out.u32(txin.sequence);
    }
    out.compact_size(tx.outputs.size());
    for (const auto& txout : tx.outputs) {
        out.i64(txout.value.sat);
        out.var_bytes(txout.script_pubkey);
    }
    if (segwit) {
        for (const auto& txin : tx.inputs) {
            out.compact_size(txin.witness.size());
            for (const auto& item : txin.witness) out.var_bytes(item);
        }
    }
    out.u32(tx.lock_time);
}

Bytes serialize_transaction(const Transaction& tx, bool with_witness) {
    Bytes out;
    Writer w(out);
    write_transaction(w, tx, with_witness);
    return out;
}

}  // namespace utxo::core

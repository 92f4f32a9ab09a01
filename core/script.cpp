// Output script classification, following the templates of Bitcoin Core's Solver.
#include "core/script.h"

#include <optional>

#include "core/opcodes.h"

namespace utxo::core {

namespace {

// Core's CPubKey::ValidSize: the first byte decides the length a key must have.
bool valid_pubkey_size(ByteView key) {
    if (key.empty()) return false;
    switch (key[0]) {
        case 0x02:
        case 0x03:
            return key.size() == 33;
        case 0x04:
        case 0x06:
        case 0x07:
            return key.size() == 65;
        default:
            return false;
    }
}

bool is_small_int(std::uint8_t op) { return op >= OP_1 && op <= OP_16; }

struct Op {
    std::uint8_t opcode;
    ByteView data;  // the pushed bytes for push opcodes, empty otherwise
};

// One opcode at `pos` (advanced past it); nullopt when a push runs past the end.
std::optional<Op> next_op(ByteView script, std::size_t& pos) {
    if (pos >= script.size()) return std::nullopt;
    const std::uint8_t op = script[pos++];
    std::size_t len = 0;
    if (op < OP_PUSHDATA1) {
        len = op;
    } else if (op <= OP_PUSHDATA4) {
        const std::size_t width = op == OP_PUSHDATA1 ? 1 : op == OP_PUSHDATA2 ? 2 : 4;
        if (script.size() - pos < width) return std::nullopt;
        for (std::size_t i = 0; i < width; ++i) len |= std::size_t{script[pos + i]} << (8 * i);
        pos += width;
    }
    if (script.size() - pos < len) return std::nullopt;
    Op out{op, script.subspan(pos, len)};
    pos += len;
    return out;
}

bool is_p2pk(ByteView s) {
    if (s.size() != 35 && s.size() != 67) return false;
    return s[0] == s.size() - 2 && s.back() == OP_CHECKSIG && valid_pubkey_size(s.subspan(1, s.size() - 2));
}

// OP_m <key>... OP_n OP_CHECKMULTISIG with 1 <= m <= n <= 3: Core's MatchMultisig plus the
// n <= 3 limit of its standardness policy (larger bare multisig is not relayed).
bool is_standard_multisig(ByteView s) {
    if (s.empty() || s.back() != OP_CHECKMULTISIG) return false;
    std::size_t pos = 0;
    auto first = next_op(s, pos);
    if (!first || !is_small_int(first->opcode)) return false;
    const int required = first->opcode - OP_1 + 1;
    int keys = 0;
    std::optional<Op> op;
    while ((op = next_op(s, pos)) && valid_pubkey_size(op->data)) ++keys;
    if (!op || !is_small_int(op->opcode)) return false;
    const int declared = op->opcode - OP_1 + 1;
    if (keys != declared || declared < required || declared > 3) return false;
    return pos + 1 == s.size();  // only OP_CHECKMULTISIG may follow
}

ScriptType classify_witness(int version, std::size_t program_size) {
    if (version == 0) {
        if (program_size == 20) return ScriptType::p2wpkh;
        if (program_size == 32) return ScriptType::p2wsh;
        return ScriptType::nonstandard;  // BIP141 makes other v0 lengths unspendable
    }
    if (version == 1 && program_size == 32) return ScriptType::p2tr;
    return ScriptType::witness_unknown;
}

}  // namespace

std::optional<WitnessProgram> witness_program(ByteView s) {
    if (s.size() < 4 || s.size() > 42) return std::nullopt;
    if (s[0] != OP_0 && !is_small_int(s[0])) return std::nullopt;
    if (std::size_t{s[1]} + 2 != s.size()) return std::nullopt;
    return WitnessProgram{s[0] == OP_0 ? 0 : s[0] - OP_1 + 1, s.subspan(2)};
}

std::string_view script_type_name(ScriptType t) {
    switch (t) {
        case ScriptType::p2pk:
            return "p2pk";
        case ScriptType::p2pkh:
            return "p2pkh";
        case ScriptType::p2sh:
            return "p2sh";
        case ScriptType::p2wpkh:
            return "p2wpkh";
        case ScriptType::p2wsh:
            return "p2wsh";
        case ScriptType::p2tr:
            return "p2tr";
        case ScriptType::witness_unknown:
            return "witness_unknown";
        case ScriptType::multisig:
            return "multisig";
        case ScriptType::null_data:
            return "null_data";
        case ScriptType::nonstandard:
            return "nonstandard";
    }
    return "nonstandard";
}

ScriptType classify_script(ByteView script) {
    // Same order as Core's Solver: P2SH first, then witness programs, then the rest.
    if (is_p2sh(script)) return ScriptType::p2sh;
    if (auto wp = witness_program(script)) return classify_witness(wp->version, wp->program.size());
    // Any OP_RETURN script is data, whatever follows (Core additionally asks for push-only
    // for its NULL_DATA template; for the UTXO set both are unspendable, which is what matters).
    if (!script.empty() && script[0] == OP_RETURN) return ScriptType::null_data;
    if (is_p2pk(script)) return ScriptType::p2pk;
    if (is_p2pkh(script)) return ScriptType::p2pkh;
    if (is_standard_multisig(script)) return ScriptType::multisig;
    return ScriptType::nonstandard;
}

bool is_unspendable(ByteView script) {
    return (!script.empty() && script[0] == OP_RETURN) || script.size() > kMaxScriptSize;
}

}  // namespace utxo::core

// Output script classification.
#pragma once
#include <optional>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/opcodes.h"

namespace utxo::core {

enum class ScriptType {
    p2pk,             // <33 or 65 byte pubkey> OP_CHECKSIG
    p2pkh,            // OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG
    p2sh,             // OP_HASH160 <20> OP_EQUAL
    p2wpkh,           // OP_0 <20>
    p2wsh,            // OP_0 <32>
    p2tr,             // OP_1 <32>
    witness_unknown,  // OP_1..OP_16 <2..40 bytes> not covered above
    multisig,         // bare m-of-n OP_CHECKMULTISIG
    null_data,        // starts with OP_RETURN
    nonstandard,
};

std::string_view script_type_name(ScriptType t);  // "p2pkh", "p2tr", ...
ScriptType classify_script(ByteView script);

// The two hash templates, matched exactly (classify_script and Core's script compression both
// use them).
inline bool is_p2pkh(ByteView s) {
    return s.size() == 25 && s[0] == OP_DUP && s[1] == OP_HASH160 && s[2] == 20 && s[23] == OP_EQUALVERIFY &&
           s[24] == OP_CHECKSIG;
}
inline bool is_p2sh(ByteView s) {
    return s.size() == 23 && s[0] == OP_HASH160 && s[1] == 20 && s[22] == OP_EQUAL;
}

// A BIP141 witness program: OP_0..OP_16 then one direct push of 2..40 bytes. `program`
// points into the script. Says nothing about whether the length suits the version.
struct WitnessProgram {
    int version;
    ByteView program;
};
std::optional<WitnessProgram> witness_program(ByteView script);

// Core's MAX_SCRIPT_SIZE. A longer script never enters the UTXO set, and the coin encoding cannot
// carry one (it reads back as OP_RETURN).
inline constexpr std::size_t kMaxScriptSize = 10000;
// Never enters the UTXO set: starts with OP_RETURN or longer than kMaxScriptSize (Core's IsUnspendable).
bool is_unspendable(ByteView script);

}  // namespace utxo::core

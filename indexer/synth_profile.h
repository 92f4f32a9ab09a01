// The mainnet profile of `synth --profile mainnet`: how a coin of a mainnet-like UTXO set looks
// (script type, value, height, coinbase flag) and how many coins share a txid, and how mainnet-like
// transactions look (inputs, outputs). Every share is a constant here, written out with its public
// source in docs/scale.md; the tests measure the generated data against these same constants.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

#include "core/bytes.h"
#include "core/types.h"
#include "indexer/synth_rng.h"

namespace utxo::indexer::mainnet_profile {

enum class ScriptKind : std::uint8_t {
    p2tr,
    p2wpkh,
    p2pkh,
    p2sh,
    p2wsh,
    bare_multisig,      // 1-of-3 or 1-of-2 with compressed keys, as data-carrying protocols write them
    p2pk_compressed,    // 33-byte key
    p2pk_uncompressed,  // 65-byte key, a real point on the curve (so Core compresses it)
    nonstandard,        // 1-100 random bytes that do not start with OP_RETURN
    large,              // 500-10,000 random bytes (10,000 is the most the set keeps)
};
inline constexpr std::size_t kScriptKinds = 10;
std::string_view script_kind_name(ScriptKind kind);

// A share in parts per million; each table sums to 1,000,000.
template <typename T>
struct Share {
    T what;
    std::uint32_t ppm;
};

// Script types by count of coins in the set.
inline constexpr std::array<Share<ScriptKind>, kScriptKinds> kScriptShares{{
    {ScriptKind::p2tr, 340'000},
    {ScriptKind::p2wpkh, 303'400},
    {ScriptKind::p2pkh, 220'000},
    {ScriptKind::p2sh, 95'000},
    {ScriptKind::p2wsh, 25'000},
    {ScriptKind::bare_multisig, 15'000},
    {ScriptKind::p2pk_compressed, 200},
    {ScriptKind::p2pk_uncompressed, 300},
    {ScriptKind::nonstandard, 1'000},
    {ScriptKind::large, 100},
}};

// Values of coins that are not coinbases: the inscription postage values, then ranges drawn
// decade by decade (a decade picked uniformly, then a value uniform inside it).
struct ValueBand {
    std::uint32_t first_decade, last_decade;  // values in [10^first, 10^(last+1)); postage: 0, 0
};
inline constexpr std::uint32_t kPostagePpm = 300'000;  // 546, 330, 294 or 600 sat
inline constexpr std::array<Share<ValueBand>, 5> kValueBands{{
    {{0, 2}, 190'000},  // 1 .. 999 sat
    {{3, 5}, 415'800},  // 1,000 .. 999,999 sat
    {{6, 7}, 86'000},   // 0.01 .. 1 BTC
    {{8, 8}, 8'000},    // 1 .. 10 BTC
    {{9, 9}, 200},      // 10 .. 100 BTC
}};
inline constexpr std::uint32_t kUnder1000SatPpm = kPostagePpm + 190'000;

// Heights of non-coinbase transactions, in bands of the base height (per mille of it).
struct HeightBand {
    std::uint32_t from_permille, to_permille;
};
inline constexpr std::array<Share<HeightBand>, 4> kHeightBands{{
    {{0, 250}, 40'000},
    {{250, 500}, 100'000},
    {{500, 800}, 260'000},
    {{800, 1000}, 600'000},
}};

// Share of txids that are coinbases (one coin each, height uniform over the chain, value the
// mainnet subsidy at that height; below height 100,000 paid to an uncompressed P2PK key).
inline constexpr std::uint32_t kCoinbaseTxidPpm = 2'500;
inline constexpr std::uint32_t kEarlyCoinbaseBelow = 100'000;

// Coins per txid (unspent outputs of one transaction).
struct CountBand {
    std::uint32_t min, max;
};
inline constexpr std::array<Share<CountBand>, 6> kCoinsPerTxid{{
    {{1, 1}, 777'900},
    {{2, 2}, 160'000},
    {{3, 3}, 40'000},
    {{4, 10}, 20'000},
    {{11, 100}, 2'000},
    {{101, 2000}, 100},
}};

// Inputs and outputs per transaction in the continuing chain's blocks.
inline constexpr std::array<Share<CountBand>, 6> kInputsPerTx{{
    {{1, 1}, 713'000},
    {{2, 2}, 150'000},
    {{3, 3}, 60'000},
    {{4, 10}, 60'000},
    {{11, 50}, 15'000},
    {{51, 200}, 2'000},
}};
inline constexpr std::array<Share<CountBand>, 6> kOutputsPerTx{{
    {{1, 1}, 330'000},
    {{2, 2}, 560'000},
    {{3, 5}, 80'000},
    {{6, 20}, 24'000},
    {{21, 100}, 5'000},
    {{101, 500}, 1'000},
}};
// Share of the chain's inputs that spend coins of the snapshot (the rest spend coins of earlier
// synthetic blocks), and of its transactions that add an OP_RETURN output.
inline constexpr std::uint32_t kSpendSnapshotPpm = 450'000;
inline constexpr std::uint32_t kOpReturnTxPpm = 50'000;

// Mainnet's subsidy schedule, for the value of a coinbase coin.
core::Amount mainnet_subsidy(core::Height height);

// Draws, each from the tables above.
ScriptKind draw_script_kind(SynthRng& rng);
// Replaces `out` with a script of that kind (reusing its capacity).
void make_script(ScriptKind kind, SynthRng& rng, core::Bytes& out);
core::Amount draw_value(SynthRng& rng);
core::Height draw_height(SynthRng& rng, core::Height base);  // in [1, base]
std::uint32_t draw_count(SynthRng& rng, const std::array<Share<CountBand>, 6>& table);

// The kind a script of this profile has (nonstandard for anything else), for the tests and the
// figures in docs/scale.md.
ScriptKind classify(core::ByteView script);

}  // namespace utxo::indexer::mainnet_profile

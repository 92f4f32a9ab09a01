// The mainnet profile's draws (synth_profile.h). Integer arithmetic only, so the same seed gives
// the same coins everywhere.
#include "indexer/synth_profile.h"

#include "core/coin.h"
#include "core/opcodes.h"
#include "core/script.h"
#include "core/serialize.h"

namespace utxo::indexer::mainnet_profile {

using core::Bytes;
using namespace core::opcodes;

namespace {

template <typename T, std::size_t N>
const T& pick(SynthRng& rng, const std::array<Share<T>, N>& table) {
    std::uint32_t r = static_cast<std::uint32_t>(rng.below(1'000'000));
    for (const auto& s : table) {
        if (r < s.ppm) return s.what;
        r -= s.ppm;
    }
    return table.back().what;
}

constexpr std::uint64_t pow10(std::uint32_t n) {
    std::uint64_t v = 1;
    while (n--) v *= 10;
    return v;
}

void push(Bytes& out, std::initializer_list<std::uint8_t> bytes) { out.insert(out.end(), bytes); }

void compressed_key(SynthRng& rng, Bytes& out) {
    const std::size_t at = out.size();
    rng.append_bytes(out, 33);
    out[at] = 0x02 | (out[at + 1] & 1);
}

// A valid uncompressed key: a random x that is on the curve, decompressed the way Core's script
// decompression does it (forms 4 and 5); about half of all x qualify.
void uncompressed_key(SynthRng& rng, Bytes& out) {
    Bytes form;
    while (true) {
        form.assign(1, static_cast<std::uint8_t>(4 + rng.below(2)));
        rng.append_bytes(form, 32);
        core::Reader r(form);
        Bytes script;
        if (core::read_compressed_script(r, script) && script.size() == 67) {
            out.insert(out.end(), script.begin() + 1, script.begin() + 66);
            return;
        }
    }
}

void random_script(SynthRng& rng, Bytes& out, std::size_t min, std::size_t max) {
    rng.append_bytes(out, rng.between(min, max));
    if (out[0] == OP_RETURN) out[0] = OP_CHECKSIG;  // an OP_RETURN script never enters the set
}

}  // namespace

std::string_view script_kind_name(ScriptKind kind) {
    constexpr std::array<std::string_view, kScriptKinds> names = {
        "p2tr",        "p2wpkh",        "p2pkh",           "p2sh",
        "p2wsh",       "bare multisig", "p2pk compressed", "p2pk uncompressed",
        "nonstandard", "large"};
    return names[static_cast<std::size_t>(kind)];
}

core::Amount mainnet_subsidy(core::Height height) {
    const std::uint32_t halvings = height.value / 210'000;
    return core::Amount{halvings >= 64 ? 0 : (50 * core::kCoin) >> halvings};
}

ScriptKind draw_script_kind(SynthRng& rng) { return pick(rng, kScriptShares); }

void make_script(ScriptKind kind, SynthRng& rng, Bytes& out) {
    out.clear();
    switch (kind) {
        case ScriptKind::p2tr:
            push(out, {OP_1, 32});
            rng.append_bytes(out, 32);
            break;
        case ScriptKind::p2wpkh:
            push(out, {OP_0, 20});
            rng.append_bytes(out, 20);
            break;
        case ScriptKind::p2pkh:
            push(out, {OP_DUP, OP_HASH160, 20});
            rng.append_bytes(out, 20);
            push(out, {OP_EQUALVERIFY, OP_CHECKSIG});
            break;
        case ScriptKind::p2sh:
            push(out, {OP_HASH160, 20});
            rng.append_bytes(out, 20);
            push(out, {OP_EQUAL});
            break;
        case ScriptKind::p2wsh:
            push(out, {OP_0, 32});
            rng.append_bytes(out, 32);
            break;
        case ScriptKind::bare_multisig: {
            const std::uint8_t keys = rng.below(4) == 0 ? 2 : 3;
            push(out, {OP_1});
            for (std::uint8_t k = 0; k < keys; ++k) {
                push(out, {33});
                compressed_key(rng, out);
            }
            push(out, {static_cast<std::uint8_t>(OP_1 + keys - 1), OP_CHECKMULTISIG});
            break;
        }
        case ScriptKind::p2pk_compressed:
            push(out, {33});
            compressed_key(rng, out);
            push(out, {OP_CHECKSIG});
            break;
        case ScriptKind::p2pk_uncompressed:
            push(out, {65});
            uncompressed_key(rng, out);
            push(out, {OP_CHECKSIG});
            break;
        case ScriptKind::nonstandard:
            random_script(rng, out, 1, 100);
            break;
        case ScriptKind::large:
            random_script(rng, out, 500, 10'000);
            break;
    }
}

core::Amount draw_value(SynthRng& rng) {
    if (rng.below(1'000'000) < kPostagePpm) {
        constexpr std::array<std::int64_t, 10> postage = {546, 546, 546, 546, 546, 330, 330, 330, 294, 600};
        return core::Amount{postage[rng.below(postage.size())]};
    }
    // The bands' shares are of all coins; the postage share is taken out first.
    std::uint32_t r = static_cast<std::uint32_t>(rng.below(1'000'000 - kPostagePpm));
    const ValueBand* band = &kValueBands.back().what;
    for (const auto& s : kValueBands) {
        if (r < s.ppm) {
            band = &s.what;
            break;
        }
        r -= s.ppm;
    }
    const std::uint32_t decade =
        static_cast<std::uint32_t>(rng.between(band->first_decade, band->last_decade));
    return core::Amount{static_cast<std::int64_t>(rng.between(pow10(decade), pow10(decade + 1) - 1))};
}

core::Height draw_height(SynthRng& rng, core::Height base) {
    const HeightBand& band = pick(rng, kHeightBands);
    const std::uint64_t lo =
        std::max<std::uint64_t>(1, std::uint64_t{base.value} * band.from_permille / 1000);
    const std::uint64_t hi = std::max<std::uint64_t>(lo, std::uint64_t{base.value} * band.to_permille / 1000);
    return core::Height{static_cast<std::uint32_t>(rng.between(lo, hi))};
}

std::uint32_t draw_count(SynthRng& rng, const std::array<Share<CountBand>, 6>& table) {
    const CountBand& band = pick(rng, table);
    return static_cast<std::uint32_t>(rng.between(band.min, band.max));
}

ScriptKind classify(core::ByteView s) {
    switch (core::classify_script(s)) {
        case core::ScriptType::p2tr:
            return ScriptKind::p2tr;
        case core::ScriptType::p2wpkh:
            return ScriptKind::p2wpkh;
        case core::ScriptType::p2pkh:
            return ScriptKind::p2pkh;
        case core::ScriptType::p2sh:
            return ScriptKind::p2sh;
        case core::ScriptType::p2wsh:
            return ScriptKind::p2wsh;
        case core::ScriptType::multisig:
            return ScriptKind::bare_multisig;
        case core::ScriptType::p2pk:
            return s.size() == 35 ? ScriptKind::p2pk_compressed : ScriptKind::p2pk_uncompressed;
        default:
            return s.size() >= 500 ? ScriptKind::large : ScriptKind::nonstandard;
    }
}

}  // namespace utxo::indexer::mainnet_profile

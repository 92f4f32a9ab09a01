// Address <-> output script, per network.
#include "core/address.h"

#include <fmt/format.h>

#include <array>

#include "core/opcodes.h"
#include "core/script.h"

namespace utxo::core {

namespace {

constexpr std::array kAllNetworks = {Network::mainnet, Network::testnet3, Network::testnet4, Network::signet,
                                     Network::regtest};

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

Bytes p2pkh_script(ByteView hash) {
    Bytes s{OP_DUP, OP_HASH160, 20};
    s.insert(s.end(), hash.begin(), hash.end());
    s.push_back(OP_EQUALVERIFY);
    s.push_back(OP_CHECKSIG);
    return s;
}

Bytes p2sh_script(ByteView hash) {
    Bytes s{OP_HASH160, 20};
    s.insert(s.end(), hash.begin(), hash.end());
    s.push_back(OP_EQUAL);
    return s;
}

std::string base58_address(std::uint8_t prefix, ByteView hash) {
    Bytes payload{prefix};
    payload.insert(payload.end(), hash.begin(), hash.end());
    return base58check_encode(payload);
}

// "bc1...", "tb1...", "bcrt1...": the text names a known segwit hrp, in either case.
std::optional<std::string> known_hrp(std::string_view address) {
    const std::string lower = ascii_lower(address);
    for (auto net : kAllNetworks) {
        const std::string prefix = std::string(params(net).bech32_hrp) + "1";
        if (lower.starts_with(prefix)) return std::string(params(net).bech32_hrp);
    }
    return std::nullopt;
}

[[nodiscard]] Result<Bytes> segwit_to_script(std::string_view address, const NetworkParams& p) {
    auto sw = segwit_address_parse(p.bech32_hrp, address);
    if (!sw) return fail(sw.error().code, fmt::format("invalid segwit address: {}", sw.error().message));
    Bytes s{static_cast<std::uint8_t>(sw->version == 0 ? OP_0 : OP_1 + sw->version - 1),
            static_cast<std::uint8_t>(sw->program.size())};
    s.insert(s.end(), sw->program.begin(), sw->program.end());
    return s;
}

bool prefix_of_another_network(std::uint8_t prefix, const NetworkParams& p) {
    for (auto net : kAllNetworks) {
        const auto& other = params(net);
        if ((other.p2pkh_prefix == prefix || other.p2sh_prefix == prefix) && prefix != p.p2pkh_prefix &&
            prefix != p.p2sh_prefix)
            return true;
    }
    return false;
}

[[nodiscard]] Result<Bytes> base58_to_script(std::string_view address, const NetworkParams& p) {
    auto payload = base58check_parse(address);
    if (!payload)
        return fail(payload.error().code, fmt::format("invalid base58 address: {}", payload.error().message));
    if (payload->size() != 21)
        return fail(Errc::invalid,
                    fmt::format("base58 address has the wrong length: {} bytes instead of 21 bytes",
                                payload->size()));
    const std::uint8_t prefix = (*payload)[0];
    ByteView hash = ByteView(*payload).subspan(1);
    if (prefix == p.p2pkh_prefix) return p2pkh_script(hash);
    if (prefix == p.p2sh_prefix) return p2sh_script(hash);
    if (prefix_of_another_network(prefix, p))
        return fail(
            Errc::mismatch,
            fmt::format("address is for another network: version byte {} is not used on {}", prefix, p.name));
    return fail(Errc::invalid, fmt::format("unknown base58 address version byte {}", prefix));
}

bool all_base58(std::string_view s) {
    static constexpr std::string_view kAlphabet =
        "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    return !s.empty() && s.find_first_not_of(kAlphabet) == std::string_view::npos;
}

}  // namespace

std::optional<std::string> script_to_address(ByteView script, Network net) {
    const auto& p = params(net);
    switch (classify_script(script)) {
        case ScriptType::p2pkh:
            return base58_address(p.p2pkh_prefix, script.subspan(3, 20));
        case ScriptType::p2sh:
            return base58_address(p.p2sh_prefix, script.subspan(2, 20));
        default:
            break;
    }
    auto wp = witness_program(script);
    if (!wp) return std::nullopt;
    std::string address = segwit_address_encode(p.bech32_hrp, wp->version, wp->program);
    if (address.empty()) return std::nullopt;  // e.g. a v0 program of a length BIP141 forbids
    return address;
}

Result<Bytes> address_to_script(std::string_view address, Network net) {
    const auto& p = params(net);
    if (auto hrp = known_hrp(address)) {
        if (*hrp != p.bech32_hrp)
            return fail(Errc::mismatch,
                        fmt::format("address is for another network: prefix '{}', expected '{}'", *hrp,
                                    p.bech32_hrp));
        return segwit_to_script(address, p);
    }
    if (all_base58(address)) return base58_to_script(address, p);
    if (auto other = bech32_decode(address))
        return fail(Errc::mismatch,
                    fmt::format("bech32 prefix '{}' is not a Bitcoin address prefix (expected '{}')",
                                other->hrp, p.bech32_hrp));
    return fail(Errc::invalid, "not a base58 or bech32 Bitcoin address");
}

}  // namespace utxo::core

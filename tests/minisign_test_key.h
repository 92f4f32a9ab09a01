// In-test minisign authorities for the tests of the trustnet file, the agreement rule, the
// trustnet and the signer: a manifest with the fields the rule reads, and an Ed25519 key made
// directly with libsodium (the code under test has no signing code of its own).
#pragma once
#include <fmt/format.h>
#include <sodium.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "core/minisign.h"

namespace test {

// A manifest with the fields the signer and the rule read; `extra` varies the bytes.
inline std::string manifest(const std::string& network, std::uint64_t height, char hash_digit = 'a',
                            const std::string& extra = "00") {
    return fmt::format(
        "{{\"block_hash\":\"{}\",\"height\":{},\"network\":\"{}\",\"shards\":[{{\"sha256\":\"{}\"}}]}}\n",
        std::string(64, hash_digit), height, network, extra);
}

// The manifest's statement as a trusted comment; with signed_at, as utxo-signer sign writes it.
inline std::string statement_comment(const std::string& manifest_text,
                                     std::optional<std::int64_t> signed_at = std::nullopt) {
    auto statement = *utxo::core::statement_for_manifest(utxo::core::as_bytes(manifest_text));
    statement.signed_at = signed_at;
    return utxo::core::format_trusted_comment(statement);
}

// An authority key made in the test with libsodium directly.
struct TestKey {
    utxo::core::MinisignPublicKey pub;
    std::array<std::uint8_t, 64> sk{};

    TestKey() {
        if (sodium_init() < 0) std::abort();
        utxo::core::KeyId::Array id;
        randombytes_buf(id.data(), id.size());
        pub.id = utxo::core::KeyId(id);
        crypto_sign_keypair(pub.key.data(), sk.data());
    }
    std::string line() const { return utxo::core::public_key_line(pub); }

    // A signature file over data; the trusted comment defaults to the manifest's statement.
    std::string sign(const std::string& data, std::optional<std::string> comment = std::nullopt,
                     utxo::core::SigAlgorithm alg = utxo::core::SigAlgorithm::prehashed) const {
        utxo::core::MinisignSignature sig;
        sig.algorithm = alg;
        sig.id = pub.id;
        sig.untrusted_comment = "test signature";
        sig.trusted_comment = comment ? *comment : statement_comment(data);
        auto msg = utxo::core::data_signature_message(alg, utxo::core::as_bytes(data));
        crypto_sign_detached(sig.signature.data(), nullptr, msg.data(), msg.size(), sk.data());
        auto global = utxo::core::global_signature_message(sig);
        crypto_sign_detached(sig.global_signature.data(), nullptr, global.data(), global.size(), sk.data());
        return utxo::core::signature_file(sig);
    }
};

// A trustnet file with comments, a blank line, two authorities (alice with two mirrors, bob with
// none) and "require 2": the document the parsing and the editing tests both start from.
inline std::string sample_trustnet(const TestKey& alice, const TestKey& bob) {
    return fmt::format(
        "# our authorities\n"
        "utxo-trustnet 1\n"
        "\n"
        "network signet\n"
        "require 2\n"
        "# alice runs two mirrors\n"
        "authority alice {} https://a.example/r http://a2.example/r\n"
        "authority bob {}\n"
        "# end\n",
        alice.line(), bob.line());
}

}  // namespace test

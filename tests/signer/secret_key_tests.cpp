// Secret key files: minisign's layout, scrypt encryption, and every way a key file can be wrong.
#include <catch2/catch.hpp>

#include "signer/secret_key.h"
#include "trustnet/test_support.h"

using namespace utxo::signer;
using utxo::core::Errc;

namespace {
SecureBuffer pass(std::string_view text) {
    SecureBuffer b(text.size());
    std::memcpy(b.data(), text.data(), text.size());
    return b;
}

PassphraseSource give(std::string_view text) {
    return [text] { return utxo::core::Result<SecureBuffer>(pass(text)); };
}

PassphraseSource never() {
    return []() -> utxo::core::Result<SecureBuffer> {
        FAIL("an unencrypted key must not ask for a passphrase");
        return utxo::core::fail(Errc::usage, "unreachable");
    };
}

std::string as_string(const SecureBuffer& b) { return std::string(b.text()); }
}  // namespace

TEST_CASE("an encrypted key file round-trips with the right passphrase") {
    auto key = SecretKey::generate();
    auto pw = pass("correct horse");
    auto file = encode_secret_key_file(key, &pw, KdfCost::interactive(), "minisign encrypted secret key");
    auto text = as_string(file);
    CHECK(text.starts_with("untrusted comment: minisign encrypted secret key\nRWRTY0Iy"));  // "EdScB2"
    auto back = decode_secret_key_file(file.view(), give("correct horse"));
    REQUIRE(back);
    CHECK(back->id() == key.id());
    CHECK(back->public_key() == key.public_key());
}

TEST_CASE("attack: wrong passphrase") {
    auto key = SecretKey::generate();
    auto pw = pass("correct horse");
    auto file = encode_secret_key_file(key, &pw, KdfCost::interactive(), "k");
    auto back = decode_secret_key_file(file.view(), give("correct hors"));
    REQUIRE_FALSE(back);
    CHECK(back.error().code == Errc::mismatch);
    CHECK(back.error().message == "wrong passphrase for this key");
}

TEST_CASE("an unencrypted key never asks for a passphrase, and the scrypt parameters are minisign's") {
    auto key = SecretKey::generate();
    auto file = encode_secret_key_file(key, nullptr, KdfCost::sensitive(), "k");
    CHECK(as_string(file).substr(19 + 2, 8) == "RWQAAEIy");  // "Ed" 00 00 "B2"
    auto back = decode_secret_key_file(file.view(), never());
    REQUIRE(back);
    CHECK(back->public_key() == key.public_key());
    CHECK(KdfCost::sensitive().opslimit == 33554432u);
    CHECK(KdfCost::sensitive().memlimit == 1073741824u);
}

TEST_CASE("a key stock minisign 0.11 made with -W (all-zero checksum) is read") {
    auto text = test::read(std::string(UTXO_TEST_DATA) + "/signer/minisign-0.11-unencrypted.key");
    auto key = decode_secret_key_file(utxo::core::as_bytes(text), never());
    REQUIRE(key);
    auto pub = utxo::core::parse_public_key_file(
        test::read(std::string(UTXO_TEST_DATA) + "/signer/minisign-0.11-unencrypted.pub"));
    CHECK(key->public_key() == *pub);
}

TEST_CASE("attack: corrupted key files") {
    auto key = SecretKey::generate();
    auto pw = pass("pw");
    auto enc = as_string(encode_secret_key_file(key, &pw, KdfCost::interactive(), "k"));
    auto plain = as_string(encode_secret_key_file(key, nullptr, KdfCost::interactive(), "k"));
    auto flip = [](std::string s, std::size_t at) {  // changes one base64 digit of line 2
        auto pos = s.find('\n') + 1 + at;
        s[pos] = s[pos] == 'A' ? 'B' : 'A';
        return s;
    };
    // In the encrypted part, damage looks exactly like a wrong passphrase (as in minisign).
    CHECK(decode_secret_key_file(utxo::core::as_bytes(flip(enc, 100)), give("pw")).error().message ==
          "wrong passphrase for this key");
    CHECK(decode_secret_key_file(utxo::core::as_bytes(flip(plain, 100)), never())
              .error()
              .message.starts_with("corrupted key"));
    CHECK(decode_secret_key_file(utxo::core::as_bytes(flip(plain, 190)), never())
              .error()
              .message.starts_with("corrupted key"));
    CHECK(decode_secret_key_file(utxo::core::as_bytes(flip(plain, 0)), never()).error().message ==
          "unsupported key algorithm (expected \"Ed\")");
    CHECK(decode_secret_key_file(utxo::core::as_bytes(std::string("hello\n")), never()).error().message ==
          "not a minisign secret key file (no \"untrusted comment:\" line)");
    auto huge = enc;  // a memlimit far beyond reason must not make us allocate it
    std::string b64 = huge.substr(huge.find('\n') + 1, 212);
    auto raw = *utxo::core::base64_decode(b64);
    raw[46 + 5] = 0x7f;
    huge.replace(huge.find('\n') + 1, 212, utxo::core::base64_encode(raw));
    CHECK(decode_secret_key_file(utxo::core::as_bytes(huge), give("pw")).error().code == Errc::too_large);
}

TEST_CASE("attack: truncated key files, at every length") {
    auto key = SecretKey::generate();
    auto text = as_string(encode_secret_key_file(key, nullptr, KdfCost::interactive(), "k"));
    for (std::size_t len = 0; len + 1 < text.size(); ++len) {
        CAPTURE(len);
        CHECK_FALSE(decode_secret_key_file(utxo::core::as_bytes(text.substr(0, len)), never()));
    }
    CHECK(decode_secret_key_file(utxo::core::as_bytes(text.substr(0, 60)), never()).error().message ==
          "damaged or truncated key (expected base64 of 158 bytes)");
}

TEST_CASE("signatures made with a decoded key verify with the public key, and only over the same bytes") {
    auto key = SecretKey::generate();
    auto m = test::manifest("regtest", 9);
    auto sig = sign_data(key, utxo::core::as_bytes(m), test::statement_comment(m), "u");
    CHECK(sig.algorithm == utxo::core::SigAlgorithm::prehashed);
    CHECK(utxo::core::verify_signature(key.public_key(), sig, utxo::core::as_bytes(m)));
    CHECK_FALSE(utxo::core::verify_signature(key.public_key(), sig, utxo::core::as_bytes(m + " ")));
}

// A secret key file is read by utxo-signer (possibly one a user was handed). The passphrase
// source refuses, so an encrypted key never reaches scrypt: the fuzzer explores the decoding and
// the checks made before the key derivation, not libsodium's KDF.
#include "signer/secret_key.h"

#include "fuzz_input.h"

using namespace utxo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const signer::PassphraseSource no_passphrase = []() -> core::Result<signer::SecureBuffer> {
        return core::fail(core::Errc::usage, "no passphrase while fuzzing");
    };
    auto key = signer::decode_secret_key_file(fuzz::bytes(data, size), no_passphrase);
    if (key) fuzz::require(key->secret().size() == 64, "a decoded secret key has 64 bytes");
    return 0;
}

// `utxo-indexer run --sign-key`: each release this authority cuts is signed by running the
// `utxo-signer sign` executable on it. The indexer links no signing code (docs/architecture.md):
// it hands the child the key file and the passphrase file by path, never the passphrase itself,
// and the child has no terminal to prompt on (a key with a passphrase needs a file or a systemd
// credential).
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "core/error.h"

namespace utxo::indexer {

// What the command line asked for.
struct SigningRequest {
    std::filesystem::path key;                             // --sign-key
    std::optional<std::filesystem::path> passphrase_file;  // --passphrase-file
    std::optional<std::string> passphrase_credential;      // --passphrase-credential NAME
    std::filesystem::path signer;                          // --signer; empty: beside us, else PATH
};

// The systemd credential used when neither --passphrase-file nor --passphrase-credential is given
// and $CREDENTIALS_DIRECTORY holds a file of this name (LoadCredential=utxo-signer-passphrase:...).
inline constexpr const char* kDefaultPassphraseCredential = "utxo-signer-passphrase";

// Everything resolved and checked once, before the run starts.
struct ReleaseSigning {
    std::filesystem::path signer;  // the utxo-signer executable
    std::filesystem::path key;
    std::optional<std::filesystem::path> passphrase_file;  // none: a key without a passphrase
};

// Finds the signer (--signer, else utxo-signer beside /proc/self/exe, else on $PATH) and the
// passphrase file (--passphrase-file, else $CREDENTIALS_DIRECTORY/NAME), and checks that the key
// and passphrase files exist. Errc::usage with one sentence naming the option or file otherwise.
[[nodiscard]] core::Result<ReleaseSigning> prepare_signing(const SigningRequest& request);

// Runs `utxo-signer sign --key K --release DIR --own DIR [--passphrase-file F]` in a session of its
// own (no controlling terminal) and waits for it. On failure the release is left as it is, with
// no signature of this key: "DIR: not signed: <the signer's own line>", Errc::io.
[[nodiscard]] core::Status sign_release_dir(const ReleaseSigning& signing, const std::filesystem::path& dir);

}  // namespace utxo::indexer

// Passphrases: read from the terminal with echo off, or from a file; kept in secure memory.
#pragma once
#include <filesystem>
#include <optional>
#include <string_view>

#include "core/error.h"
#include "signer/secure_buffer.h"

namespace utxo::signer {

// The first line of the file (without its line ending). Errc::usage if it is empty.
[[nodiscard]] core::Result<SecureBuffer> read_passphrase_file(const std::filesystem::path& path);

// Prompts on /dev/tty (not stdin, so piped data is never taken for a passphrase). With
// confirm, asks twice and refuses a mismatch. Errc::io if there is no terminal.
[[nodiscard]] core::Result<SecureBuffer> prompt_passphrase(std::string_view prompt, bool confirm);

// --passphrase-file if given, else the terminal prompt.
[[nodiscard]] core::Result<SecureBuffer> obtain_passphrase(const std::optional<std::filesystem::path>& file,
                                                           std::string_view prompt, bool confirm);

}  // namespace utxo::signer

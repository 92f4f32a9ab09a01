// File access for the signer: bounded reads, secret reads into secure memory, atomic writes.
#pragma once
#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>

#include "core/bytes.h"
#include "core/error.h"
#include "signer/secure_buffer.h"

namespace utxo::signer {

// Whole file, refusing anything larger than max_size (Errc::too_large) or unreadable (Errc::io).
core::Result<std::string> read_small_file(const std::filesystem::path& path, std::size_t max_size);
// Same, but the bytes never leave secure memory (secret key files, passphrase files).
core::Result<SecureBuffer> read_secret_file(const std::filesystem::path& path, std::size_t max_size);

// Writes a temporary file in the same directory with the given mode, fsyncs it, renames it over
// path and fsyncs the directory: a crash leaves either the old file or the new one, never half.
// before_rename runs after the temporary file is complete (tests use it to simulate a crash).
core::Status write_file_atomically(const std::filesystem::path& path, core::ByteView content, mode_t mode,
                                   const std::function<void()>& before_rename = {});

}  // namespace utxo::signer

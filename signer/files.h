// Secret files for the signer: read straight into secure memory. Other file IO is core/file_io.h.
#pragma once
#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>

#include "core/bytes.h"
#include "core/error.h"
#include "core/file_io.h"
#include "signer/secure_buffer.h"

namespace utxo::signer {

using core::read_small_file;
using core::write_file_atomically;

// Reads a whole small file whose bytes never leave secure memory (secret keys, passphrases).
[[nodiscard]] core::Result<SecureBuffer> read_secret_file(const std::filesystem::path& path,
                                                          std::size_t max_size);

}  // namespace utxo::signer

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

// Whether a secret file may be readable or writable by group or others.
enum class OpenFile { refuse, allow };

// Reads a whole small file whose bytes never leave secure memory (secret keys, passphrases).
// With OpenFile::refuse, a file whose mode grants group or others any access (mode & 077) is
// refused with Errc::usage before a byte is read, as ssh refuses an "UNPROTECTED PRIVATE KEY
// FILE" (OpenSSH's sshkey_perm_ok()): the key may already be copied, and it should be fixed with
// `chmod 600`. keygen writes 0600.
[[nodiscard]] core::Result<SecureBuffer> read_secret_file(const std::filesystem::path& path,
                                                          std::size_t max_size,
                                                          OpenFile open_file = OpenFile::refuse);

}  // namespace utxo::signer

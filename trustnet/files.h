// File access for the trustnet: bounded reads and atomic replacement. (The signer has its own
// copy; components may not depend on each other, and this belongs in core once core has a
// file helper.)
#pragma once
#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>

#include "core/bytes.h"
#include "core/error.h"

namespace utxo::trustnet {

core::Result<std::string> read_small_file(const std::filesystem::path& path, std::size_t max_size);

// Temporary file in the same directory, fsync, rename over path, fsync the directory: a crash
// leaves the old file or the new one, never half of either. before_rename runs once the
// temporary file is complete (tests use it to simulate a crash at the worst moment).
core::Status write_file_atomically(const std::filesystem::path& path, core::ByteView content, mode_t mode,
                                   const std::function<void()>& before_rename = {});

}  // namespace utxo::trustnet

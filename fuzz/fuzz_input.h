// Shared by the fuzz targets: the input as text or bytes, a scratch file for the readers that
// take a path, and a check that aborts (libFuzzer records the input) when an invariant fails.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "core/bytes.h"

namespace fuzz {

inline std::string_view text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

inline utxo::core::ByteView bytes(const std::uint8_t* data, std::size_t size) { return {data, size}; }

// An invariant of the code under test: a failure is a finding, so abort with the reason.
inline void require(bool ok, const char* what) {
    if (ok) return;
    std::fprintf(stderr, "fuzz invariant failed: %s\n", what);
    std::abort();
}

// One file per process, rewritten for every input (readers such as ShardReader take a path).
inline std::filesystem::path scratch_file(std::string_view data) {
    static const std::filesystem::path path = [] {
        const char* dir = std::getenv("TMPDIR");
        return std::filesystem::path(dir ? dir : "/tmp") /
               ("utxo-fuzz-" + std::to_string(::getpid()) + ".bin");
    }();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    return path;
}

}  // namespace fuzz

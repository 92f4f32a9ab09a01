// What a test needs to know of the build tree it runs in, found at run time rather than compiled
// in: where the tree's binaries are, and whether it is the sanitizer tree (build-asan/). So every
// test file compiles to the same object in build/ and build-asan/, and ccache compiles it once for
// both (scripts/run-tests.sh builds the two trees one after the other).
#pragma once
#include <filesystem>
#include <string>

// Defined by the AddressSanitizer runtime, which the sanitizer tree links into every executable;
// null elsewhere.
extern "C" void __asan_init() __attribute__((weak));

namespace test {

// The test executables land beside the binaries they start: <tree>/bin.
inline std::filesystem::path bin_dir() {
    static const std::filesystem::path dir = std::filesystem::read_symlink("/proc/self/exe").parent_path();
    return dir;
}

inline bool sanitizer_tree() { return &__asan_init != nullptr; }

}  // namespace test

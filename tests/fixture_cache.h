// A test fixture built once per build tree instead of once per test process. ctest runs every test
// case in a process of its own, and the end-to-end fixtures (a synthetic chain indexed by three
// authorities, tens of seconds in the sanitizer tree) were built anew in each. The first process
// builds the fixture and keeps a copy in <tree>/test-fixtures/<name>; the others copy it into their
// own directory. The copy is tied to the tools that made it and to the test executable (which holds
// the code that built it): when one of them changes, the fixture is built again.
#pragma once
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/dir_lock.h"
#include "test_support.h"

namespace test {

// What identifies the files a fixture was made with: each one's path, size and modification time.
inline std::string fixture_fingerprint(const std::vector<std::filesystem::path>& files) {
    std::string out;
    for (const auto& f : files) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(f, ec);
        const auto time = std::filesystem::last_write_time(f, ec).time_since_epoch().count();
        out += f.string() + " " + std::to_string(ec ? 0 : size) + " " + std::to_string(ec ? 0 : time) + "\n";
    }
    return out;
}

// Fills `dir` (existing, empty) with the fixture `name`: copied from this tree's cache when the
// cache holds one made by the same `tools` and test executable, else made by `build(dir)` and then
// kept. `build` must leave in `dir` only files that do not name `dir` itself (they are used from
// other directories). A failing build (an exception, as REQUIRE throws) keeps nothing.
inline void cached_fixture(const std::string& name, const std::vector<std::filesystem::path>& tools,
                           const std::filesystem::path& dir, const std::function<void()>& build) {
    namespace fs = std::filesystem;
    const fs::path root = bin_dir().parent_path() / "test-fixtures";
    fs::create_directories(root);
    std::vector<fs::path> made_by = tools;
    made_by.push_back(fs::read_symlink("/proc/self/exe"));
    const std::string fingerprint = fixture_fingerprint(made_by);
    const fs::path kept = root / name;
    const fs::path stamp = root / (name + ".made-by");  // written last: the copy is whole

    // One process builds a fixture, the others wait.
    auto lock = utxo::core::DirLock::take(root / "locks" / name, utxo::core::DirLock::Wait::yes);
    if (!lock) throw std::runtime_error("fixture cache: " + lock.error().message);
    const auto made = read_file(stamp);
    if (std::string(made.begin(), made.end()) == fingerprint) {
        fs::copy(kept, dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
        return;
    }
    fs::remove(stamp);
    fs::remove_all(kept);
    build();
    fs::copy(dir, kept, fs::copy_options::recursive);
    const fs::path partial = root / (name + ".made-by.partial");
    std::ofstream(partial) << fingerprint;
    fs::rename(partial, stamp);
}

}  // namespace test

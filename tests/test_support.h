// Shared test helpers: a fresh temporary directory per test, file and process utilities.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "core/bytes.h"

namespace test {

inline std::filesystem::path data_dir() { return UTXO_TEST_DATA; }
inline std::filesystem::path bin(const std::string& name) { return std::filesystem::path(UTXO_BIN_DIR) / name; }

class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "utxo-test-XXXXXX").string();
        path_ = mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

inline utxo::core::Bytes read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_file(const std::filesystem::path& p, utxo::core::ByteView bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline nlohmann::json read_json(const std::filesystem::path& p) {
    std::ifstream in(p);
    return nlohmann::json::parse(in);
}

struct CommandResult {
    int exit_code = -1;
    std::string out;  // stdout and stderr together
};

// Runs a shell command line, capturing stdout and stderr.
inline CommandResult run(const std::string& command) {
    CommandResult r;
    FILE* p = popen((command + " 2>&1 </dev/null").c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf;
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
    int status = pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

inline std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

}  // namespace test

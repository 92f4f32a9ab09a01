// Test support shared by tests/trustnet and tests/signer: temp dirs, running the real binaries,
// and (minisign_test_key.h) manifests and in-test Ed25519 "authorities".
#pragma once
#include <fmt/format.h>
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "build_tree.h"
#include "core/minisign.h"
#include "minisign_test_key.h"

namespace test {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "utxo-trust-XXXXXX").string();
        path = ::mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    fs::path operator/(const std::string& name) const { return path / name; }
};

inline std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline void write(const fs::path& p, const std::string& content) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << content;
}

inline std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

struct RunResult {
    int exit_code;
    std::string output;  // stdout and stderr together
};

// Runs a shell command line with stdin from /dev/null unless the command redirects it.
inline RunResult run(const std::string& command) {
    std::string full = "(" + command + ") 2>&1";
    if (command.find(" < ") == std::string::npos && command.find('|') == std::string::npos)
        full += " </dev/null";
    FILE* pipe = ::popen(full.c_str(), "r");
    std::string out;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
    int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

inline std::string bin(const std::string& name) { return quote((bin_dir() / name).string()); }

}  // namespace test

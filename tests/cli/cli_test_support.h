// Running the real binaries with stdout and stderr apart, for the command-line conventions every
// tool follows (cli/tool.h, cli/json.h): --json output must be on stdout alone, usage errors on
// stderr alone. Self-contained (namespace clitest), so any part's tests can include it beside its
// own test support.
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
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "build_tree.h"

namespace clitest {

struct Output {
    int exit_code = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

inline std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

inline std::string bin(const std::string& tool) { return quote((test::bin_dir() / tool).string()); }

// Runs a shell command line (stdin from /dev/null), capturing stdout and stderr apart.
inline Output run(const std::string& command) {
    std::string err_file = (std::filesystem::temp_directory_path() / "utxo-cli-stderr-XXXXXX").string();
    const int fd = ::mkstemp(err_file.data());
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    ::close(fd);
    Output r;
    FILE* pipe = ::popen(("(" + command + ") 2>" + quote(err_file) + " </dev/null").c_str(), "r");
    if (!pipe) throw std::runtime_error("popen failed");
    std::array<char, 4096> buf;
    for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0;) r.out.append(buf.data(), n);
    const int status = ::pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(err_file, std::ios::binary);
    r.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    std::filesystem::remove(err_file);
    return r;
}

// Every line of `out` parsed as JSON: throws (failing the test) on anything else, such as a text
// line beside the JSON or output not ending in a newline.
inline std::vector<nlohmann::ordered_json> json_lines(const std::string& out) {
    if (out.empty() || out.back() != '\n')
        throw std::runtime_error("stdout does not end in a newline: " + out);
    std::vector<nlohmann::ordered_json> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::ordered_json::parse(line));
    return lines;
}

// The one JSON object of a --json command's stdout.
inline nlohmann::ordered_json json_object(const std::string& out) {
    auto lines = json_lines(out);
    if (lines.size() != 1 || !lines[0].is_object())
        throw std::runtime_error("stdout is not one JSON object on one line: " + out);
    return lines[0];
}

// The keys of an object, in the order they were printed.
inline std::vector<std::string> keys(const nlohmann::ordered_json& object) {
    std::vector<std::string> out;
    for (auto it = object.begin(); it != object.end(); ++it) out.push_back(it.key());
    return out;
}

// The five executables every convention is checked on.
inline const std::vector<std::string> kTools = {"utxo-indexer", "utxo-signer", "utxo-seeder", "utxo-verifier",
                                                "utxo-trustnet"};

// A temporary directory, removed with everything in it; `dir / "name"` is a path string in it.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "utxo-cli-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string operator/(const std::string& name) const { return (path / name).string(); }
};

}  // namespace clitest

// Shared test helpers: a fresh temporary directory per test, file and process utilities.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "build_tree.h"
#include "core/bytes.h"

namespace test {

inline std::filesystem::path data_dir() { return UTXO_TEST_DATA; }
inline std::filesystem::path bin(const std::string& name) { return bin_dir() / name; }

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

// Single-quoted for a shell command line. (Appending instead of `"'" + s + "'"` avoids a GCC 12
// false -Wrestrict warning.)
inline std::string q(const std::filesystem::path& p) {
    std::string out(1, '\'');
    out.append(p.string());
    out.push_back('\'');
    return out;
}

// The non-empty lines of a text file (e.g. a chain of hex blocks).
inline std::vector<std::string> read_lines(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

// Mainnet blocks 0-255 as raw bytes (../shared/data: mainnet/mainnet_0-255.hex, one block per line).
inline std::vector<utxo::core::Bytes> mainnet_blocks() {
    std::vector<utxo::core::Bytes> out;
    for (const auto& line : read_lines(data_dir() / "mainnet/mainnet_0-255.hex")) {
        auto bytes = utxo::core::from_hex(line);
        if (!bytes) throw std::runtime_error("mainnet/mainnet_0-255.hex: a line is not hex");
        out.push_back(std::move(*bytes));
    }
    return out;
}

// The first n hex blocks as a Core-style blk file: magic || size (u32 LE) || block, what a
// blocks: chain source reads. Regtest magic.
inline void write_blk_file(const std::filesystem::path& p, const std::vector<std::string>& hex_blocks,
                           std::size_t n = SIZE_MAX) {
    utxo::core::Bytes out;
    for (std::size_t i = 0; i < n && i < hex_blocks.size(); ++i) {
        auto block = *utxo::core::from_hex(hex_blocks[i]);
        for (std::uint8_t b : {0xfa, 0xbf, 0xb5, 0xda}) out.push_back(b);
        auto size = static_cast<std::uint32_t>(block.size());
        for (int k = 0; k < 4; ++k) out.push_back(static_cast<std::uint8_t>(size >> (8 * k)));
        out.insert(out.end(), block.begin(), block.end());
    }
    write_file(p, out);
}

// Every regular file under a directory, by relative path, with its bytes: for comparing trees.
inline std::map<std::string, utxo::core::Bytes> file_tree(const std::filesystem::path& root) {
    std::map<std::string, utxo::core::Bytes> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root))
        if (e.is_regular_file())
            out[std::filesystem::relative(e.path(), root).string()] = read_file(e.path());
    return out;
}

}  // namespace test

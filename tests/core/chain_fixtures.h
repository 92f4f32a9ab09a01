// Loading the real-chain fixtures of tests/data (copied from the shared data set).
#pragma once
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/bytes.h"

namespace chain_fixtures {

inline std::string data_path(const std::string& relative) {
    return std::string(UTXO_TEST_DATA) + "/" + relative;
}

inline std::string read_text(const std::string& relative) {
    std::ifstream in(data_path(relative), std::ios::binary);
    if (!in) throw std::runtime_error("missing fixture " + relative);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline utxo::core::Bytes read_binary(const std::string& relative) {
    std::string s = read_text(relative);
    return utxo::core::Bytes(s.begin(), s.end());
}

// One hex-encoded block per non-empty line.
inline std::vector<utxo::core::Bytes> read_hex_lines(const std::string& relative) {
    std::istringstream in(read_text(relative));
    std::vector<utxo::core::Bytes> out;
    for (std::string line; std::getline(in, line);) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (line.empty()) continue;
        auto bytes = utxo::core::from_hex(line);
        if (!bytes) throw std::runtime_error("bad hex line in " + relative);
        out.push_back(std::move(*bytes));
    }
    return out;
}

// mainnet-277647.raw is stored as in blk*.dat: magic, u32 length, then the block.
inline utxo::core::Bytes strip_blk_framing(const utxo::core::Bytes& framed) {
    if (framed.size() < 8) throw std::runtime_error("framed block too short");
    const std::size_t len = framed[4] | framed[5] << 8 | framed[6] << 16 | std::size_t{framed[7]} << 24;
    if (len != framed.size() - 8) throw std::runtime_error("framed block length mismatch");
    return utxo::core::Bytes(framed.begin() + 8, framed.end());
}

}  // namespace chain_fixtures

// Where the indexer reads blocks from files: a text file of hex lines (one block per line) or
// Bitcoin Core's blk*.dat files (one file or a blocks directory, with the xor.dat key of Core >= 28).
// Blocks come out in chain order, starting with the child of a given tip.
#pragma once
#include <filesystem>
#include <memory>
#include <optional>

#include "core/error.h"
#include "core/hash.h"
#include "core/network.h"

namespace utxo::indexer {

using core::Bytes;
using core::Result;

class BlockFileSource {
public:
    // Opens PATH: a directory (its blk*.dat files), a blk*.dat file, or a hex-lines file.
    // After `start` (the store's tip hash, or nullopt for an empty store), blocks are followed along
    // the longest chain found in the files.
    [[nodiscard]] static Result<std::unique_ptr<BlockFileSource>> open(
        const std::filesystem::path& path, core::Network network,
        const std::optional<core::BlockHash>& start);
    virtual ~BlockFileSource() = default;
    // The next block's raw bytes; nullopt at the end. Errors name the file and offset.
    [[nodiscard]] virtual Result<std::optional<Bytes>> next() = 0;
    // How many blocks this source will yield in total, when known in advance.
    virtual std::optional<std::size_t> total() const = 0;
};

// Reads the 8-byte obfuscation key of a blocks directory (all zero when xor.dat is absent).
[[nodiscard]] Result<std::array<std::uint8_t, 8>> read_xor_key(const std::filesystem::path& blocks_dir);

}  // namespace utxo::indexer

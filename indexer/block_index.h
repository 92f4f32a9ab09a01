// An index of the blocks in Core's blk*.dat files: where each block is, and the chain they form.
// Shared by BlockFileSource (follows the chain from a store's tip) and the blocks: chain source
// (gives the chain heights).
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/hash.h"
#include "core/network.h"

namespace utxo::indexer {

using XorKey = std::array<std::uint8_t, 8>;

struct BlockLocation {
    std::size_t file;      // index into BlockIndex::files()
    std::uint64_t offset;  // of the block itself, after magic and size
    std::uint32_t size;
    core::BlockHash hash;
    core::BlockHash prev;
};

class BlockIndex {
public:
    // Scans every file (records of magic || size || block, possibly followed by zero padding,
    // obfuscated with `key`). Errors name the file and offset.
    [[nodiscard]] static core::Result<BlockIndex> build(std::vector<std::filesystem::path> files,
                                                        core::Network network, XorKey key);

    // The longest chain that starts with a child of `start` (nullopt: of the all-zero hash, so
    // the chain starts at genesis). Where blocks fork, the branch with more descendants wins.
    std::vector<BlockLocation> chain_after(const std::optional<core::BlockHash>& start) const;

    // Whether a block with this hash is in the files, or is the parent of one that is.
    bool knows(const core::BlockHash& hash) const {
        return by_hash_.contains(hash) || children_.contains(hash);
    }

    // Reads and de-obfuscates one block.
    [[nodiscard]] core::Result<core::Bytes> read(const BlockLocation& loc) const;

    const std::vector<std::filesystem::path>& files() const { return files_; }

private:
    struct HashHasher {
        std::size_t operator()(const core::BlockHash& h) const noexcept;
    };
    [[nodiscard]] core::Status scan(std::size_t f, const core::NetworkMagic& magic);
    std::size_t depth(const core::BlockHash& h,
                      std::unordered_map<core::BlockHash, std::size_t, HashHasher>& memo) const;

    std::vector<std::filesystem::path> files_;
    XorKey key_{};
    std::unordered_map<core::BlockHash, BlockLocation, HashHasher> by_hash_;
    std::unordered_map<core::BlockHash, std::vector<core::BlockHash>, HashHasher> children_;
};

// Indexes PATH: a blocks directory (its blk*.dat files, sorted, with the directory's xor.dat key)
// or one blk-format file (with the key of the directory it is in).
[[nodiscard]] core::Result<BlockIndex> open_block_index(const std::filesystem::path& path,
                                                        core::Network network);

}  // namespace utxo::indexer

#include "indexer/block_index.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include "core/sha256.h"
#include "indexer/block_source.h"

namespace utxo::indexer {

using core::Errc;
using core::fail;

namespace {

void unxor(std::uint8_t* data, std::size_t n, std::uint64_t file_offset, const XorKey& key) {
    if (key == XorKey{}) return;
    for (std::size_t i = 0; i < n; ++i) data[i] ^= key[(file_offset + i) % 8];
}

// A block is at most 4 MB of weight; anything far beyond is a corrupt size field.
constexpr std::uint32_t max_block_size = 4'000'000 * 4;

}  // namespace

std::size_t BlockIndex::HashHasher::operator()(const core::BlockHash& h) const noexcept {
    std::size_t v;
    std::memcpy(&v, h.data(), sizeof v);  // hashes are uniformly distributed already
    return v;
}

core::Result<BlockIndex> BlockIndex::build(std::vector<std::filesystem::path> files, core::Network network,
                                           XorKey key) {
    BlockIndex index;
    index.files_ = std::move(files);
    index.key_ = key;
    for (std::size_t f = 0; f < index.files_.size(); ++f)
        UTXO_TRY(index.scan(f, core::params(network).magic));
    return index;
}

// Records are in arrival order, so only the headers are read here; the chain is rebuilt from
// their parent links.
core::Status BlockIndex::scan(std::size_t f, const core::NetworkMagic& magic) {
    const auto& path = files_[f];
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(Errc::io, fmt::format("{}: cannot open", path.string()));
    std::uint64_t offset = 0;
    std::uint8_t head[8 + 80];
    while (in.read(reinterpret_cast<char*>(head), 8)) {
        // Core preallocates files; the unused tail is zeros on disk, before de-obfuscation.
        if (std::equal(head, head + 4, std::array<std::uint8_t, 4>{}.begin())) break;
        unxor(head, 8, offset, key_);
        if (!std::equal(head, head + 4, magic.begin()))
            return fail(Errc::invalid,
                        fmt::format("{}: offset {}: not this network's magic bytes", path.string(), offset));
        std::uint32_t size = head[4] | head[5] << 8 | head[6] << 16 | std::uint32_t{head[7]} << 24;
        if (size < 80 || size > max_block_size)
            return fail(Errc::invalid,
                        fmt::format("{}: offset {}: implausible block size {}", path.string(), offset, size));
        if (!in.read(reinterpret_cast<char*>(head + 8), 80))
            return fail(Errc::truncated,
                        fmt::format("{}: offset {}: the file ends inside a block", path.string(), offset));
        unxor(head + 8, 80, offset + 8, key_);
        auto hash = core::hash_cast<core::BlockHash>(core::sha256d(core::ByteView(head + 8, 80)));
        BlockLocation loc{f, offset + 8, size, hash,
                          core::BlockHash::from_raw(core::ByteView(head + 12, 32))};
        if (by_hash_.emplace(hash, loc).second) children_[loc.prev].push_back(hash);
        offset += 8 + std::uint64_t{size};
        in.seekg(static_cast<std::streamoff>(offset));
        if (in.peek() == EOF) break;
    }
    return {};
}

// Number of blocks below `root` on its longest branch. An explicit stack, because a recursion as
// deep as mainnet's chain would overflow the call stack.
std::size_t BlockIndex::depth(const core::BlockHash& root,
                              std::unordered_map<core::BlockHash, std::size_t, HashHasher>& memo) const {
    std::vector<std::pair<core::BlockHash, bool>> stack{{root, false}};
    while (!stack.empty()) {
        auto [h, expanded] = stack.back();
        if (memo.count(h)) {
            stack.pop_back();
            continue;
        }
        auto it = children_.find(h);
        if (!expanded) {
            stack.back().second = true;
            if (it != children_.end())
                for (const auto& c : it->second)
                    if (!memo.count(c)) stack.emplace_back(c, false);
            continue;
        }
        std::size_t d = 0;
        if (it != children_.end())
            for (const auto& c : it->second) d = std::max(d, 1 + memo.at(c));
        memo[h] = d;
        stack.pop_back();
    }
    return memo.at(root);
}

std::vector<BlockLocation> BlockIndex::chain_after(const std::optional<core::BlockHash>& start) const {
    std::unordered_map<core::BlockHash, std::size_t, HashHasher> memo;
    std::vector<BlockLocation> chain;
    core::BlockHash at = start.value_or(core::BlockHash{});  // genesis has an all-zero parent
    while (true) {
        auto it = children_.find(at);
        if (it == children_.end()) break;
        const core::BlockHash* best = nullptr;
        std::size_t best_depth = 0;
        for (const auto& c : it->second) {
            std::size_t d = depth(c, memo);
            if (!best || d > best_depth) best = &c, best_depth = d;
        }
        chain.push_back(by_hash_.at(*best));
        at = *best;
    }
    return chain;
}

core::Result<core::Bytes> BlockIndex::read(const BlockLocation& loc) const {
    const auto& path = files_.at(loc.file);
    std::ifstream in(path, std::ios::binary);
    core::Bytes block(loc.size);
    in.seekg(static_cast<std::streamoff>(loc.offset));
    if (!in.read(reinterpret_cast<char*>(block.data()), loc.size))
        return fail(Errc::io,
                    fmt::format("{}: cannot read the block at offset {}", path.string(), loc.offset));
    unxor(block.data(), block.size(), loc.offset, key_);
    return block;
}

core::Result<BlockIndex> open_block_index(const std::filesystem::path& path, core::Network network) {
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec)) {
        if (!std::filesystem::exists(path, ec))
            return fail(Errc::not_found, fmt::format("{}: no such file", path.string()));
        UTXO_TRY_ASSIGN(auto key, read_xor_key(path.parent_path()));
        return BlockIndex::build({path}, network, key);
    }
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(path, ec)) {
        auto name = e.path().filename().string();
        if (name.starts_with("blk") && name.ends_with(".dat")) files.push_back(e.path());
    }
    if (ec) return fail(Errc::io, fmt::format("{}: cannot list: {}", path.string(), ec.message()));
    if (files.empty()) return fail(Errc::not_found, fmt::format("{}: no blk*.dat files here", path.string()));
    // Core numbers its files in the order it wrote them, which keeps reads mostly sequential.
    std::sort(files.begin(), files.end());
    UTXO_TRY_ASSIGN(auto key, read_xor_key(path));
    return BlockIndex::build(std::move(files), network, key);
}

}  // namespace utxo::indexer

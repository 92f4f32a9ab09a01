#include "indexer/block_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <unordered_map>

#include "core/sha256.h"
#include "core/transaction.h"

namespace utxo::indexer {

using core::Errc;
using core::fail;

namespace {

// Hex lines: blocks are taken in file order; the caller's chain checks catch gaps. Lines up to and
// including the start block are skipped, so a store can resume from the same file.
class HexLinesSource final : public BlockFileSource {
public:
    HexLinesSource(std::filesystem::path path, std::ifstream in, std::optional<core::BlockHash> start)
        : path_(std::move(path)), in_(std::move(in)), skip_until_(std::move(start)) {}

    Result<std::optional<Bytes>> next() override {
        std::string line;
        while (std::getline(in_, line)) {
            ++line_no_;
            while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
            if (line.empty()) continue;
            auto bytes = core::from_hex(line);
            if (!bytes) return fail(Errc::invalid, fmt::format("{}:{}: not a hex line", path_.string(), line_no_));
            if (skip_until_) {
                if (bytes->size() < 80)
                    return fail(Errc::invalid, fmt::format("{}:{}: too short for a block", path_.string(), line_no_));
                auto hash = core::hash_cast<core::BlockHash>(core::sha256d(core::ByteView(*bytes).first(80)));
                if (hash == *skip_until_) skip_until_.reset();
                continue;
            }
            return std::optional<Bytes>(std::move(*bytes));
        }
        if (in_.bad()) return fail(Errc::io, fmt::format("{}: read error", path_.string()));
        if (skip_until_)
            return fail(Errc::not_found, fmt::format("{}: the store's tip {} is not in this file", path_.string(),
                                                     skip_until_->to_display_hex()));
        return std::optional<Bytes>{};
    }
    std::optional<std::size_t> total() const override { return std::nullopt; }

private:
    std::filesystem::path path_;
    std::ifstream in_;
    std::optional<core::BlockHash> skip_until_;
    std::size_t line_no_ = 0;
};

struct BlockLocation {
    std::size_t file;
    std::uint64_t offset;  // of the block itself, after magic and size
    std::uint32_t size;
    core::BlockHash prev;
};

std::array<std::uint8_t, 8> g_zero_key{};

void unxor(std::uint8_t* data, std::size_t n, std::uint64_t file_offset, const std::array<std::uint8_t, 8>& key) {
    if (key == g_zero_key) return;
    for (std::size_t i = 0; i < n; ++i) data[i] ^= key[(file_offset + i) % 8];
}

// Core's blk*.dat: records of magic(4) || size(u32 LE) || block, possibly followed by zero
// padding. Records are in arrival order, so the chain is rebuilt from the headers' parent links.
class BlkFilesSource final : public BlockFileSource {
public:
    static Result<std::unique_ptr<BlockFileSource>> open(std::vector<std::filesystem::path> files, core::Network net,
                                                         std::array<std::uint8_t, 8> key,
                                                         const std::optional<core::BlockHash>& start) {
        auto src = std::unique_ptr<BlkFilesSource>(new BlkFilesSource(std::move(files), key));
        for (std::size_t f = 0; f < src->files_.size(); ++f)
            if (auto s = src->scan(f, core::params(net).magic); !s) return std::unexpected(s.error());
        src->order_chain(start);
        return std::unique_ptr<BlockFileSource>(std::move(src));
    }

    Result<std::optional<Bytes>> next() override {
        if (pos_ >= chain_.size()) return std::optional<Bytes>{};
        const BlockLocation& loc = chain_[pos_++];
        std::ifstream in(files_[loc.file], std::ios::binary);
        Bytes block(loc.size);
        in.seekg(static_cast<std::streamoff>(loc.offset));
        if (!in.read(reinterpret_cast<char*>(block.data()), loc.size))
            return fail(Errc::io, fmt::format("{}: cannot read the block at offset {}", files_[loc.file].string(), loc.offset));
        unxor(block.data(), block.size(), loc.offset, key_);
        return std::optional<Bytes>(std::move(block));
    }
    std::optional<std::size_t> total() const override { return chain_.size(); }

private:
    BlkFilesSource(std::vector<std::filesystem::path> files, std::array<std::uint8_t, 8> key)
        : files_(std::move(files)), key_(key) {}

    core::Status scan(std::size_t f, const core::NetworkMagic& magic) {
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
                return fail(Errc::invalid, fmt::format("{}: offset {}: not this network's magic bytes", path.string(), offset));
            std::uint32_t size = head[4] | head[5] << 8 | head[6] << 16 | std::uint32_t{head[7]} << 24;
            if (size < 80 || size > 4'000'000 * 4)
                return fail(Errc::invalid, fmt::format("{}: offset {}: implausible block size {}", path.string(), offset, size));
            if (!in.read(reinterpret_cast<char*>(head + 8), 80))
                return fail(Errc::truncated, fmt::format("{}: offset {}: the file ends inside a block", path.string(), offset));
            unxor(head + 8, 80, offset + 8, key_);
            auto hash = core::hash_cast<core::BlockHash>(core::sha256d(core::ByteView(head + 8, 80)));
            BlockLocation loc{f, offset + 8, size, core::BlockHash::from_raw(core::ByteView(head + 12, 32))};
            by_hash_.emplace(hash, loc);
            children_[loc.prev].push_back(hash);
            offset += 8 + std::uint64_t{size};
            in.seekg(static_cast<std::streamoff>(offset));
            if (in.peek() == EOF) break;
        }
        return {};
    }

    // Walks from `start` along the child with the longest descendant chain.
    void order_chain(const std::optional<core::BlockHash>& start) {
        std::map<core::BlockHash, std::size_t> depth_memo;
        auto depth = [&](auto&& self, const core::BlockHash& h) -> std::size_t {
            // Iterative along single-child runs to keep recursion shallow on long chains.
            std::vector<core::BlockHash> run{h};
            while (true) {
                auto it = children_.find(run.back());
                if (it == children_.end() || it->second.size() != 1 || depth_memo.count(it->second[0])) break;
                run.push_back(it->second[0]);
            }
            std::size_t d = 0;
            auto last = children_.find(run.back());
            if (last != children_.end())
                for (const auto& c : last->second) d = std::max(d, 1 + (depth_memo.count(c) ? depth_memo[c] : self(self, c)));
            for (auto it = run.rbegin(); it != run.rend(); ++it) depth_memo[*it] = d++;
            return depth_memo[h];
        };
        core::BlockHash at = start.value_or(core::BlockHash{});  // genesis has an all-zero parent
        while (true) {
            auto it = children_.find(at);
            if (it == children_.end()) break;
            const core::BlockHash* best = nullptr;
            std::size_t best_depth = 0;
            for (const auto& c : it->second) {
                std::size_t d = depth(depth, c);
                if (!best || d > best_depth) best = &c, best_depth = d;
            }
            chain_.push_back(by_hash_.at(*best));
            at = *best;
        }
    }

    struct HashHasher {
        std::size_t operator()(const core::BlockHash& h) const noexcept {
            std::size_t v;
            std::memcpy(&v, h.data(), sizeof v);
            return v;
        }
    };
    std::vector<std::filesystem::path> files_;
    std::array<std::uint8_t, 8> key_;
    std::unordered_map<core::BlockHash, BlockLocation, HashHasher> by_hash_;
    std::unordered_map<core::BlockHash, std::vector<core::BlockHash>, HashHasher> children_;
    std::vector<BlockLocation> chain_;
    std::size_t pos_ = 0;
};

bool looks_like_blk_file(const std::filesystem::path& p) {
    auto name = p.filename().string();
    return name.starts_with("blk") && name.ends_with(".dat");
}

// A blk-format file under another name (e.g. from `utxo-indexer synth`) starts with the magic.
bool starts_with_magic(const std::filesystem::path& p, const core::NetworkMagic& magic) {
    std::ifstream in(p, std::ios::binary);
    std::array<std::uint8_t, 4> head{};
    return in.read(reinterpret_cast<char*>(head.data()), 4) && head == magic;
}

}  // namespace

Result<std::array<std::uint8_t, 8>> read_xor_key(const std::filesystem::path& dir) {
    std::array<std::uint8_t, 8> key{};
    auto path = dir / "xor.dat";
    if (!std::filesystem::exists(path)) return key;
    std::ifstream in(path, std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(key.data()), 8) || in.peek() != EOF)
        return fail(Errc::invalid, fmt::format("{}: an obfuscation key must be exactly 8 bytes", path.string()));
    return key;
}

Result<std::unique_ptr<BlockFileSource>> BlockFileSource::open(const std::filesystem::path& path, core::Network network,
                                                               const std::optional<core::BlockHash>& start) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        std::vector<std::filesystem::path> files;
        for (const auto& e : std::filesystem::directory_iterator(path, ec))
            if (looks_like_blk_file(e.path())) files.push_back(e.path());
        if (ec) return fail(Errc::io, fmt::format("{}: cannot list: {}", path.string(), ec.message()));
        if (files.empty()) return fail(Errc::not_found, fmt::format("{}: no blk*.dat files here", path.string()));
        std::sort(files.begin(), files.end());
        auto key = read_xor_key(path);
        if (!key) return std::unexpected(key.error());
        return BlkFilesSource::open(std::move(files), network, *key, start);
    }
    if (!std::filesystem::exists(path, ec)) return fail(Errc::not_found, fmt::format("{}: no such file", path.string()));
    if (looks_like_blk_file(path) || starts_with_magic(path, core::params(network).magic)) {
        auto key = read_xor_key(path.parent_path());
        if (!key) return std::unexpected(key.error());
        return BlkFilesSource::open({path}, network, *key, start);
    }
    std::ifstream in(path);
    if (!in) return fail(Errc::io, fmt::format("{}: cannot open", path.string()));
    return std::unique_ptr<BlockFileSource>(new HexLinesSource(path, std::move(in), start));
}

}  // namespace utxo::indexer

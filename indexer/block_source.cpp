#include "indexer/block_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include "core/sha256.h"
#include "core/transaction.h"
#include "indexer/block_index.h"

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

    [[nodiscard]] Result<std::optional<Bytes>> next() override {
        std::string line;
        while (std::getline(in_, line)) {
            ++line_no_;
            while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
            if (line.empty()) continue;
            auto bytes = core::from_hex(line);
            if (!bytes)
                return fail(Errc::invalid, fmt::format("{}:{}: not a hex line", path_.string(), line_no_));
            if (skip_until_) {
                if (bytes->size() < 80)
                    return fail(Errc::invalid,
                                fmt::format("{}:{}: too short for a block", path_.string(), line_no_));
                auto hash = core::hash_cast<core::BlockHash>(core::sha256d(core::ByteView(*bytes).first(80)));
                if (hash == *skip_until_) skip_until_.reset();
                continue;
            }
            return std::optional<Bytes>(std::move(*bytes));
        }
        if (in_.bad()) return fail(Errc::io, fmt::format("{}: read error", path_.string()));
        if (skip_until_)
            return fail(Errc::not_found, fmt::format("{}: the store's tip {} is not in this file",
                                                     path_.string(), skip_until_->to_display_hex()));
        return std::optional<Bytes>{};
    }
    std::optional<std::size_t> total() const override { return std::nullopt; }

private:
    std::filesystem::path path_;
    std::ifstream in_;
    std::optional<core::BlockHash> skip_until_;
    std::size_t line_no_ = 0;
};

// Core's blk*.dat files, followed along the longest chain after the start block.
class BlkFilesSource final : public BlockFileSource {
public:
    BlkFilesSource(BlockIndex index, const std::optional<core::BlockHash>& start)
        : index_(std::move(index)), chain_(index_.chain_after(start)) {}

    [[nodiscard]] Result<std::optional<Bytes>> next() override {
        if (pos_ >= chain_.size()) return std::optional<Bytes>{};
        UTXO_TRY_ASSIGN(auto block, index_.read(chain_[pos_++]));
        return std::optional<Bytes>(std::move(block));
    }
    std::optional<std::size_t> total() const override { return chain_.size(); }

private:
    BlockIndex index_;
    std::vector<BlockLocation> chain_;
    std::size_t pos_ = 0;
};

[[nodiscard]] Result<std::unique_ptr<BlockFileSource>> open_blk_files(
    const std::filesystem::path& path, core::Network network, const std::optional<core::BlockHash>& start) {
    UTXO_TRY_ASSIGN(auto index, open_block_index(path, network));
    return std::unique_ptr<BlockFileSource>(new BlkFilesSource(std::move(index), start));
}

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
        return fail(Errc::invalid,
                    fmt::format("{}: an obfuscation key must be exactly 8 bytes", path.string()));
    return key;
}

Result<std::unique_ptr<BlockFileSource>> BlockFileSource::open(const std::filesystem::path& path,
                                                               core::Network network,
                                                               const std::optional<core::BlockHash>& start) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return open_blk_files(path, network, start);
    if (!std::filesystem::exists(path, ec))
        return fail(Errc::not_found, fmt::format("{}: no such file", path.string()));
    if (looks_like_blk_file(path) || starts_with_magic(path, core::params(network).magic))
        return open_blk_files(path, network, start);
    std::ifstream in(path);
    if (!in) return fail(Errc::io, fmt::format("{}: cannot open", path.string()));
    return std::unique_ptr<BlockFileSource>(new HexLinesSource(path, std::move(in), start));
}

}  // namespace utxo::indexer

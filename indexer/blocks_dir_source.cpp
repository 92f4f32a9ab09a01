// blocks:DIR — a Core blocks directory (or one blk-format file) as a ChainSource. The files are
// indexed once, when the source is opened; heights are positions on the longest chain from
// genesis or, for files that continue a store's tip (the anchor), counted on from it.
#include <fmt/format.h>

#include <algorithm>

#include "indexer/block_index.h"
#include "indexer/node_sources.h"

namespace utxo::indexer {

using core::Errc;
using core::fail;

namespace {

class BlocksDirSource final : public ChainSource {
public:
    // chain[0] is at height `first`; `anchor`, if any, is its parent at first - 1.
    BlocksDirSource(std::string name, BlockIndex index, std::vector<BlockLocation> chain, std::uint32_t first,
                    std::optional<SourceAnchor> anchor)
        : name_(std::move(name)),
          index_(std::move(index)),
          chain_(std::move(chain)),
          first_(first),
          anchor_(anchor) {}

    std::string name() const override { return name_; }

    [[nodiscard]] core::Result<core::Height> tip_height() override {
        return core::Height{static_cast<std::uint32_t>(end() - 1)};
    }

    [[nodiscard]] core::Result<core::BlockHash> block_hash(core::Height height) override {
        if (anchor_ && height == anchor_->height) return anchor_->hash;
        if (height.value >= end()) return beyond_tip(height);
        if (height.value < first_) return before_start(height);
        return chain_[height.value - first_].hash;
    }

    [[nodiscard]] core::Result<std::vector<core::Bytes>> blocks(core::Height from,
                                                                std::uint32_t count) override {
        std::vector<core::Bytes> out;
        if (count == 0) return out;
        if (from.value < first_) return before_start(from);
        if (from.value + std::uint64_t{count} > end()) {  // name the first missing height
            const auto first_missing = std::max<std::uint64_t>(from.value, end());
            return beyond_tip(core::Height{static_cast<std::uint32_t>(first_missing)});
        }
        out.reserve(count);
        for (std::uint32_t h = from.value; h < from.value + count; ++h) {
            UTXO_TRY_ASSIGN(auto block, index_.read(chain_[h - first_]));
            out.push_back(std::move(block));
        }
        return out;
    }

private:
    std::uint64_t end() const { return std::uint64_t{first_} + chain_.size(); }  // one past the tip

    std::unexpected<core::Error> beyond_tip(core::Height height) const {
        return fail(Errc::not_found,
                    fmt::format("{}: height {} is beyond the tip at {}", name_, height.value, end() - 1));
    }
    std::unexpected<core::Error> before_start(core::Height height) const {
        return fail(Errc::not_found,
                    fmt::format("{}: height {} is before the first block of the files, at {}", name_,
                                height.value, first_));
    }

    std::string name_;
    BlockIndex index_;
    std::vector<BlockLocation> chain_;  // [height - first_]
    std::uint32_t first_ = 0;
    std::optional<SourceAnchor> anchor_;
};

}  // namespace

core::Result<std::unique_ptr<ChainSource>> open_blocks_dir_source(const SourceOptions& options,
                                                                  const std::filesystem::path& path,
                                                                  const std::optional<SourceAnchor>& anchor) {
    std::string name = "blocks:" + path.string();
    UTXO_TRY_ASSIGN(auto index, open_block_index(path, options.network));  // its errors name the file
    auto chain = index.chain_after(std::nullopt);
    const auto& genesis = core::params(options.network).genesis;
    if (!chain.empty() && chain[0].hash == genesis)
        return std::unique_ptr<ChainSource>(
            new BlocksDirSource(std::move(name), std::move(index), std::move(chain), 0, std::nullopt));
    // No genesis: the files may continue the store's tip (a store imported from a snapshot).
    if (const auto& a = anchor; a && index.knows(a->hash)) {
        chain = index.chain_after(a->hash);
        return std::unique_ptr<ChainSource>(
            new BlocksDirSource(std::move(name), std::move(index), std::move(chain), a->height.value + 1, a));
    }
    if (anchor)
        return fail(Errc::mismatch,
                    fmt::format("{}: the blocks neither start with {}'s genesis block {} nor continue the "
                                "store's tip {} at height {}",
                                name, core::network_name(options.network), genesis.to_display_hex(),
                                anchor->hash.to_display_hex(), anchor->height.value));
    return fail(Errc::mismatch, fmt::format("{}: the blocks do not start with {}'s genesis block {}", name,
                                            core::network_name(options.network), genesis.to_display_hex()));
}

}  // namespace utxo::indexer

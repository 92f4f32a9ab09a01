// blocks:DIR — a Core blocks directory (or one blk-format file) as a ChainSource. The files are
// indexed once, when the source is opened; heights are positions on the longest chain from
// genesis.
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
    BlocksDirSource(std::string name, BlockIndex index, std::vector<BlockLocation> chain)
        : name_(std::move(name)), index_(std::move(index)), chain_(std::move(chain)) {}

    std::string name() const override { return name_; }

    [[nodiscard]] core::Result<core::Height> tip_height() override {
        return core::Height{static_cast<std::uint32_t>(chain_.size() - 1)};
    }

    [[nodiscard]] core::Result<core::BlockHash> block_hash(core::Height height) override {
        if (height.value >= chain_.size()) return beyond_tip(height);
        return chain_[height.value].hash;
    }

    [[nodiscard]] core::Result<std::vector<core::Bytes>> blocks(core::Height from,
                                                                std::uint32_t count) override {
        std::vector<core::Bytes> out;
        if (count == 0) return out;
        if (from.value + std::uint64_t{count} > chain_.size()) {  // name the first missing height
            const auto first_missing = std::max<std::uint64_t>(from.value, chain_.size());
            return beyond_tip(core::Height{static_cast<std::uint32_t>(first_missing)});
        }
        out.reserve(count);
        for (std::uint32_t h = from.value; h < from.value + count; ++h) {
            UTXO_TRY_ASSIGN(auto block, index_.read(chain_[h]));
            out.push_back(std::move(block));
        }
        return out;
    }

private:
    std::unexpected<core::Error> beyond_tip(core::Height height) const {
        return fail(Errc::not_found, fmt::format("{}: height {} is beyond the tip at {}", name_, height.value,
                                                 chain_.size() - 1));
    }

    std::string name_;
    BlockIndex index_;
    std::vector<BlockLocation> chain_;  // [height]
};

}  // namespace

core::Result<std::unique_ptr<ChainSource>> open_blocks_dir_source(const SourceOptions& options,
                                                                  const std::filesystem::path& path) {
    std::string name = "blocks:" + path.string();
    UTXO_TRY_ASSIGN(auto index, open_block_index(path, options.network));  // its errors name the file
    auto chain = index.chain_after(std::nullopt);
    const auto& genesis = core::params(options.network).genesis;
    if (chain.empty() || chain[0].hash != genesis)
        return fail(Errc::mismatch,
                    fmt::format("{}: the blocks do not start with {}'s genesis block {}", name,
                                core::network_name(options.network), genesis.to_display_hex()));
    return std::unique_ptr<ChainSource>(
        new BlocksDirSource(std::move(name), std::move(index), std::move(chain)));
}

}  // namespace utxo::indexer

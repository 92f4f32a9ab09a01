// The ChainSource implementations behind open_chain_source (chain_source.h), one file each.
#pragma once
#include <filesystem>
#include <memory>
#include <string_view>

#include "indexer/chain_source.h"

namespace utxo::indexer {

// rpc_source.cpp: `url` is the part after "rpc:".
[[nodiscard]] core::Result<std::unique_ptr<ChainSource>> open_rpc_source(const SourceOptions& options,
                                                                         std::string_view url);
// rest_source.cpp: `url` is the part after "rest:".
[[nodiscard]] core::Result<std::unique_ptr<ChainSource>> open_rest_source(const SourceOptions& options,
                                                                          std::string_view url);
// blocks_dir_source.cpp: a blocks directory or one blk-format file.
[[nodiscard]] core::Result<std::unique_ptr<ChainSource>> open_blocks_dir_source(
    const SourceOptions& options, const std::filesystem::path& path,
    const std::optional<SourceAnchor>& anchor);

}  // namespace utxo::indexer

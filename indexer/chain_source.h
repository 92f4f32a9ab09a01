// A chain the indexer follows: a node's JSON-RPC or REST interface, or a blocks directory.
// Heights and hashes are the source's view of its best chain; callers re-check continuity.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/hash.h"
#include "core/network.h"
#include "core/types.h"

namespace utxo::indexer {

class ChainSource {
public:
    virtual ~ChainSource() = default;
    // Describes the source for messages, e.g. "rpc:http://127.0.0.1:8332" (never a password).
    virtual std::string name() const = 0;
    // Height of the source's best block.
    [[nodiscard]] virtual core::Result<core::Height> tip_height() = 0;
    // Hash of the best chain's block at `height`.
    [[nodiscard]] virtual core::Result<core::BlockHash> block_hash(core::Height height) = 0;
    // Raw serialized blocks at heights [from, from + count) of the best chain, in order.
    // Implementations batch requests (JSON-RPC batch) where they can.
    [[nodiscard]] virtual core::Result<std::vector<core::Bytes>> blocks(core::Height from,
                                                                        std::uint32_t count) = 0;
};

// Parses "rpc:URL", "rest:URL" or "blocks:DIR" and opens the source.
//   rpc:http://[user:password@]host:port  (without credentials, --rpc-cookie FILE or the
//                                          default cookie of the network's datadir are tried)
//   rest:http://host:port                  (Core started with -rest)
//   blocks:DIR                             (Core blocks directory or file, see block_source.h)
// A block the chain may continue from: a store's tip.
struct SourceAnchor {
    core::Height height;
    core::BlockHash hash;
};
struct SourceOptions {
    std::string spec;
    core::Network network = core::Network::mainnet;
    std::string rpc_cookie_file;  // optional
    int timeout_seconds = 30;     // every network read and write
    // rpc: and rest: refuse larger HTTP answers. One JSON-RPC batch of `blocks` is one answer
    // (raw blocks as hex, twice their size), so callers size `count` to fit.
    std::size_t max_response_bytes = std::size_t{64} << 20;
};
// `anchor` is for blocks: only. When the blocks do not start with the network's genesis block,
// they may continue from this block (a store's tip, e.g. one imported from a snapshot): the chain
// is then the longest one after it, and heights count on from its height. `run` passes its
// store's tip.
[[nodiscard]] core::Result<std::unique_ptr<ChainSource>> open_chain_source(
    const SourceOptions& options, const std::optional<SourceAnchor>& anchor = std::nullopt);

}  // namespace utxo::indexer

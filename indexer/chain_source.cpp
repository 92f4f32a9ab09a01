// open_chain_source: the spec's prefix picks the implementation (node_sources.h).
#include "indexer/chain_source.h"

#include <fmt/format.h>

#include "indexer/node_sources.h"

namespace utxo::indexer {

core::Result<std::unique_ptr<ChainSource>> open_chain_source(const SourceOptions& options,
                                                             const std::optional<SourceAnchor>& anchor) {
    std::string_view spec = options.spec;
    if (options.timeout_seconds <= 0)
        return core::fail(core::Errc::usage, "the network timeout must be at least 1 second");
    if (spec.starts_with("rpc:")) return open_rpc_source(options, spec.substr(4));
    if (spec.starts_with("rest:")) return open_rest_source(options, spec.substr(5));
    if (spec.starts_with("blocks:")) {
        if (spec.size() == 7)
            return core::fail(core::Errc::usage, "blocks: needs a directory, e.g. blocks:~/.bitcoin/blocks");
        return open_blocks_dir_source(options, std::filesystem::path(spec.substr(7)), anchor);
    }
    // Only the scheme is echoed: the rest may hold a password.
    auto colon = spec.find(':');
    return core::fail(
        core::Errc::usage,
        fmt::format("unknown chain source '{}': expected rpc:URL, rest:URL or blocks:DIR",
                    colon == std::string_view::npos ? std::string(spec.substr(0, 40))
                                                    : std::string(spec.substr(0, colon + 1)) + "..."));
}

}  // namespace utxo::indexer

// Where an Esplora request's route starts. Clients put the API under a prefix: mempool.js builds
// `/api/…` (main, and any network it does not know, regtest included), `/testnet/api/…` and
// `/signet/api/…`; Blockstream's deployments use the same, mempool.space adds `/testnet4/api/…`. A
// reverse proxy may add its own (`--base-path`). Pure string work, no store.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/network.h"

namespace utxo::verifier {

struct Route {
    // The path's segments after the prefix, query dropped: "/api/blocks/tip/height" ->
    // {"blocks","tip","height"}. Empty segments are kept, so "//" matches no route.
    std::vector<std::string_view> segments;
    // Set when the prefix names another network than the store's ("/testnet/api/…" on a regtest
    // store): that prefix, e.g. "/testnet/api".
    std::optional<std::string> other_network_prefix;
};

// The network segment of `net`'s prefix ("/<it>/api"): "testnet" (testnet3, as Blockstream and
// mempool.space name it), "testnet4", "signet", "regtest"; none for mainnet, whose prefix is
// "/api".
std::optional<std::string_view> network_prefix(core::Network net);

// Removes the first prefix that matches, trying `base_path` (normalized, or empty for none), then
// "/<network>/api" for the store's network, then "/api"; a target with none of them is routed from
// the root. `target` must point into storage that outlives the Route.
Route route_of(std::string_view target, core::Network store_network, std::string_view base_path);

// --base-path: "/" followed by 1 to 8 segments of letters, digits and "-._~" (not "." or ".."),
// at most 100 characters; a trailing "/" is dropped. Errc::usage otherwise.
[[nodiscard]] core::Result<std::string> normalize_base_path(std::string_view path);

// --cors: "*" or one origin, "http://HOST[:PORT]" or "https://HOST[:PORT]" (letters, digits and
// ".-:[]" after the scheme, at most 200 characters), since it is sent back verbatim as
// Access-Control-Allow-Origin. Errc::usage otherwise.
[[nodiscard]] core::Status check_cors_origin(std::string_view origin);

}  // namespace utxo::verifier

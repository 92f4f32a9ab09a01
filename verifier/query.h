// What the query commands and the HTTP server share: turning --address/--script arguments into
// scripts, and the JSON shape of a coin.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/network.h"
#include "verifier/store.h"

namespace utxo::verifier {

struct Target {
    std::string label;  // the address or the script hex as given
    bool is_address = false;
    core::Bytes script;
};

// Addresses are checked against the network; a bad one fails with a message naming it.
[[nodiscard]] core::Result<std::vector<Target>> parse_targets(const std::vector<std::string>& addresses,
                                                              const std::vector<std::string>& scripts,
                                                              core::Network net);

// {"txid","vout","value","height","coinbase","script_pubkey"}
nlohmann::json coin_json(const OwnedCoin& c);

// Opens the store and returns its installed release (Errc::not_found when there is none).
[[nodiscard]] core::Result<Installed> open_installed(const std::filesystem::path& db,
                                                     std::optional<Store>& store);

}  // namespace utxo::verifier

// The HTML pages of `serve` for a person with a browser: GET / shows the installed release and
// its age with a form that looks an address up, and the lookup page lists the address's unspent
// outputs and balance. Pure functions of their inputs (no store, no clock), tested directly;
// serve_pages.h routes them.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "verifier/store.h"

namespace utxo::verifier {

// What every page shows in its header.
struct PageFrame {
    std::string version;    // "0.1.0 (f518c74)"
    std::string base_path;  // --base-path, normalized ("/esplora"), or empty: where the links point
    std::int64_t now = 0;   // unix seconds, for the release's age
};

// GET /: the release (network, height, block hash, manifest SHA-256, installed when and how long
// ago, coins, shards held, authorities) and the lookup form; `cur` null: nothing installed yet.
std::string render_status_page(const PageFrame& frame, const Installed* cur);

// One lookup: the address as typed, and either an error sentence or its coins.
struct Lookup {
    std::string address;
    std::string error;  // empty: `coins` is the answer
    std::vector<OwnedCoin> coins;
};

// At most this many outputs are listed; the count and balance always cover them all.
inline constexpr std::size_t kLookupRows = 1000;

// The lookup page: the form again (filled in), then the balance and a table of the outputs
// (outpoint, value, height, coinbase), or the error.
std::string render_lookup_page(const PageFrame& frame, const Installed& cur, const Lookup& lookup);

// "0.00012345 BTC" (8 decimals; a negative amount keeps its sign).
std::string format_btc(std::int64_t sat);

}  // namespace utxo::verifier

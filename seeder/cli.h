// utxo-seeder's command line, compiled into the executable only (the library never sees CLI11).
#pragma once
#include <string>

#include "cli/action.h"
#include "core/error.h"
#include "seeder/options.h"

namespace utxo::seeder {

struct CommandLine {
    Options options;
    std::string listen, http;            // --listen and --http as given; empty keeps the default
    std::vector<std::string> dht_nodes;  // --dht-node HOST:PORT
    std::string dht_listen;              // --dht-listen HOST:PORT
    std::string public_peer;             // --public-peer HOST:PORT
    std::string log_file;                // --log-file: log there instead of stderr
};

// Registers every option of the daemon onto `app`, writing into `line`; once parsed, `action`
// applies the addresses, then runs the daemon until a signal. (-v/-q are cli::run's.)
void add_options(CLI::App& app, CommandLine& line, cli::Action& action);

// Parses --listen and --http (HOST:PORT) into line.options; a bad one fails with Errc::usage and
// "--listen: <why>".
[[nodiscard]] core::Status apply_addresses(CommandLine& line);

}  // namespace utxo::seeder

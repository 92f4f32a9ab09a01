// utxo-verifier's command line, compiled into the executable only (the library never sees CLI11).
// Each add_*_command registers one subcommand and its options; when that subcommand is parsed its
// callback sets `action` to the library call, which prints the command's output on stdout and
// returns its failure, if any, for main to report and map to an exit code.
#pragma once

#include "cli/action.h"
#include "core/error.h"

namespace utxo::verifier {

using cli::Action;  // cli/action.h

void add_fetch_command(CLI::App& app, Action& action);   // cli_fetch.cpp
void add_follow_command(CLI::App& app, Action& action);  // cli_fetch.cpp
void add_status_command(CLI::App& app, Action& action);
void add_check_command(CLI::App& app, Action& action);
void add_utxos_command(CLI::App& app, Action& action);
void add_balance_command(CLI::App& app, Action& action);
void add_serve_command(CLI::App& app, Action& action);
void add_export_core_command(CLI::App& app, Action& action);

}  // namespace utxo::verifier

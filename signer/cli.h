// utxo-signer's command line, compiled into the executable only (the library never sees CLI11).
// Each add_*_command registers one subcommand and its options; when that subcommand is parsed its
// callback sets `action` to the library call, which prints the command's output on stdout and
// returns its failure, if any, for main to report and map to an exit code.
#pragma once

#include "cli/action.h"
#include "core/error.h"

namespace utxo::signer {

using cli::Action;  // cli/action.h

void add_keygen_command(CLI::App& app, Action& action);
void add_sign_command(CLI::App& app, Action& action);
void add_pointer_command(CLI::App& app, Action& action);
void add_statement_command(CLI::App& app, Action& action);
void add_verify_command(CLI::App& app, Action& action);

}  // namespace utxo::signer

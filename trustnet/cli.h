// utxo-trustnet's command line, compiled into the executable only (the library never sees CLI11).
// Each add_*_command registers one subcommand and its options; when that subcommand is parsed its
// callback sets `action` to the library call and the printing of its text on stdout; a failure
// goes back to cli::run to report and map to an exit code.
#pragma once
#include <string>

#include "cli/action.h"
#include "core/error.h"

namespace utxo::trustnet {

using cli::Action;  // cli/action.h

void add_init_command(CLI::App& app, Action& action);
void add_add_command(CLI::App& app, Action& action);
void add_remove_command(CLI::App& app, Action& action);
void add_max_age_command(CLI::App& app, Action& action);
void add_list_command(CLI::App& app, Action& action);
void add_check_command(CLI::App& app, Action& action);
void add_verify_command(CLI::App& app, Action& action);

}  // namespace utxo::trustnet

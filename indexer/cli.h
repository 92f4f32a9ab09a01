// utxo-indexer's command line, compiled into the executable only (the library never sees CLI11).
// Each add_*_command registers one subcommand and its options; when that subcommand is parsed its
// callback checks what CLI11 cannot (throwing CLI::ValidationError, reported like any usage error)
// and sets `action` to the library call, which prints the command's output on stdout and returns
// its failure, if any, for main to report and map to an exit code.
#pragma once
#include <filesystem>
#include <string>

#include "cli/action.h"
#include "core/error.h"
#include "core/network.h"

namespace utxo::indexer {

using cli::Action;  // cli/action.h

// The --network argument; CLI::ValidationError for an unknown name.
core::Network network_or_throw(const std::string& name);

// --db and --releases, BASE/indexer and BASE/releases unless given (cli/default_dirs.h).
void add_db_option(CLI::App* cmd, std::filesystem::path& db, const char* help = "store directory");
void add_releases_option(CLI::App* cmd, std::filesystem::path& releases);

// cli_store.cpp: the store and Core snapshot files.
void add_build_command(CLI::App& app, Action& action);
void add_stats_command(CLI::App& app, Action& action);
void add_import_core_command(CLI::App& app, Action& action);
void add_export_core_command(CLI::App& app, Action& action);
// cli_synth.cpp: synthetic chains and snapshots.
void add_synth_command(CLI::App& app, Action& action);
// cli_release.cpp: releases.
void add_run_command(CLI::App& app, Action& action);
void add_release_command(CLI::App& app, Action& action);
void add_addresses_command(CLI::App& app, Action& action);
void add_verify_release_command(CLI::App& app, Action& action);

}  // namespace utxo::indexer

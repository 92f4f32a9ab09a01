// The utxo-verifier subcommands. Each lives in its own file and registers itself on the app with
// add_<name>_command(app); its callback reports failure by throwing CLI::RuntimeError(exit code),
// which CLI11 turns into the process exit code without printing anything more.
// Exit codes: 0 ok, 1 a negative verdict, 2 usage or I/O trouble.
#pragma once
#include <CLI/CLI.hpp>

#include "core/error.h"

namespace utxo::verifier {

inline constexpr int kExitVerdict = 1;
inline constexpr int kExitTrouble = 2;

// Prints "utxo-verifier: <message>" on stderr and throws CLI::RuntimeError(code).
[[noreturn]] void exit_with(const core::Error& e, int code = kExitTrouble);

void add_utxos_command(CLI::App& app);
void add_balance_command(CLI::App& app);
void add_status_command(CLI::App& app);
void add_serve_command(CLI::App& app);
void add_export_core_command(CLI::App& app);
void add_check_command(CLI::App& app);

}  // namespace utxo::verifier

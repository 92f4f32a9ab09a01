// What a parsed command line asks for: the callback of the subcommand that was parsed sets one
// Action, and cli::run (tool.h) runs it. Each part's cli.h includes this (and CLI11, to register
// its commands), not tool.h, so that only the mains see the generated version header.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>

#include "core/error.h"

namespace utxo::cli {

using Action = std::function<core::Status()>;

}  // namespace utxo::cli

// utxo-seeder: seed the kept releases over BitTorrent and serve them over HTTP until SIGINT/SIGTERM.
// Exit 0 after a signal, 2 when it cannot start (usage or I/O).
#include "cli/tool.h"
#include "net/process_metrics.h"
#include "seeder/cli.h"

int main(int argc, char** argv) {
    namespace sd = utxo::seeder;
    sd::CommandLine line;
    utxo::cli::Tool tool;
    tool.name = "utxo-seeder";
    tool.logger = "seeder";
    tool.log_pattern = "%Y-%m-%d %H:%M:%S %^%l%$: %v";
    tool.description = "utxo-seeder: seed UTXO set releases over BitTorrent and serve them over HTTP";
    tool.subcommand = false;
    tool.log_level = spdlog::level::info;
    tool.verbose_level = spdlog::level::debug;
    tool.quiet_level = spdlog::level::warn;
    tool.verbose_help = "debug logging (requests, tracker replies)";
    tool.quiet_help = "warnings and errors only";
    tool.add_commands = [&line](CLI::App& app, utxo::cli::Action& action) {
        sd::add_options(app, line, action);
    };
    utxo::net::set_build_version({utxo::cli::kVersion, utxo::cli::kCommit});  // for /metrics
    return utxo::cli::run(argc, argv, tool);
}

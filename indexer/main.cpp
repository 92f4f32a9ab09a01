// utxo-indexer: build and inspect a UTXO store, move Core snapshots in and out, make synthetic chains.
// Exit 0 ok, 1 a negative verdict (a release that does not match its manifest), 2 usage or I/O.
#include "cli/tool.h"
#include "indexer/cli.h"
#include "net/process_metrics.h"

int main(int argc, char** argv) {
    namespace ix = utxo::indexer;
    utxo::cli::Tool tool;
    tool.name = "utxo-indexer";
    tool.logger = "indexer";
    tool.log_pattern = "%^%l%$: %v";
    tool.description = "utxo-indexer: keep a Bitcoin UTXO set and cut it into releases";
    tool.add_commands = [](CLI::App& app, utxo::cli::Action& action) {
        ix::add_build_command(app, action);
        ix::add_stats_command(app, action);
        ix::add_import_core_command(app, action);
        ix::add_export_core_command(app, action);
        ix::add_synth_command(app, action);
        ix::add_run_command(app, action);
        ix::add_release_command(app, action);
        ix::add_addresses_command(app, action);
        ix::add_verify_release_command(app, action);
    };
    utxo::net::set_build_version({utxo::cli::kVersion, utxo::cli::kCommit});  // for /metrics
    return utxo::cli::run(argc, argv, tool);
}

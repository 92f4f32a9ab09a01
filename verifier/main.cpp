// utxo-verifier: fetch, verify and query a release of the UTXO set.
// Exit 0 ok, 1 a negative verdict, 2 usage or I/O trouble, 3 the freeze alarm (docs/verifier.md).
#include "cli/tool.h"
#include "net/process_metrics.h"
#include "verifier/cli.h"

int main(int argc, char** argv) {
    namespace v = utxo::verifier;
    utxo::cli::Tool tool;
    tool.name = "utxo-verifier";
    tool.logger = "verifier";
    tool.log_pattern = "%^%l%$: %v";
    tool.description = "utxo-verifier: fetch, verify and query releases of the Bitcoin UTXO set";
    tool.add_commands = [](CLI::App& app, utxo::cli::Action& action) {
        v::add_fetch_command(app, action);
        v::add_follow_command(app, action);
        v::add_status_command(app, action);
        v::add_utxos_command(app, action);
        v::add_balance_command(app, action);
        v::add_serve_command(app, action);
        v::add_export_core_command(app, action);
        v::add_check_command(app, action);
    };
    utxo::net::set_build_version({utxo::cli::kVersion, utxo::cli::kCommit});  // for /metrics
    return utxo::cli::run(argc, argv, tool);
}

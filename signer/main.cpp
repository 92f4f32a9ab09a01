// utxo-signer: authority keys and manifest signatures (minisign-compatible).
// Exit 0 ok, 1 refusal or bad/missing signature, 2 usage or I/O trouble.
#include "cli/tool.h"
#include "signer/cli.h"

int main(int argc, char** argv) {
    namespace sg = utxo::signer;
    // The signer's messages name the file and what was wrong, as minisign's do: no prefix (but
    // on a command line CLI11 refuses).
    utxo::cli::Tool tool;
    tool.name = "utxo-signer";
    tool.logger = "signer";
    tool.name_failures = false;
    tool.description =
        "utxo-signer: minisign-compatible authority keys; signs a manifest only if your indexer "
        "made the same";
    tool.verbose_help = "log milestones to stderr";
    tool.add_commands = [](CLI::App& app, utxo::cli::Action& action) {
        sg::add_keygen_command(app, action);
        sg::add_sign_command(app, action);
        sg::add_pointer_command(app, action);
        sg::add_statement_command(app, action);
        sg::add_verify_command(app, action);
    };
    return utxo::cli::run(argc, argv, tool);
}

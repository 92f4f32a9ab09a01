// utxo-trustnet: manage the trustnet file and apply the agreement rule to a release directory.
// Exit 0 ok, 1 a negative verdict (problems found, release refused, duplicate), 2 usage or I/O.
#include "cli/tool.h"
#include "trustnet/cli.h"

int main(int argc, char** argv) {
    namespace tn = utxo::trustnet;
    // Its messages name the file and the line: no prefix (but on a command line
    // CLI11 refuses).
    utxo::cli::Tool tool;
    tool.name = "utxo-trustnet";
    tool.logger = "trustnet";
    tool.name_failures = false;
    tool.description = "utxo-trustnet: the authorities a release needs, and the agreement rule";
    tool.add_commands = [](CLI::App& app, utxo::cli::Action& action) {
        tn::add_init_command(app, action);
        tn::add_add_command(app, action);
        tn::add_remove_command(app, action);
        tn::add_max_age_command(app, action);
        tn::add_list_command(app, action);
        tn::add_check_command(app, action);
        tn::add_verify_command(app, action);
    };
    return utxo::cli::run(argc, argv, tool);
}

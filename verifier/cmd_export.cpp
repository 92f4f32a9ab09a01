// `export-core`: the Bitcoin Core snapshot file of a full store.
#include "verifier/commands.h"

namespace utxo::verifier {

void add_export_core_command(CLI::App& app) {
    (void)app;
}

}  // namespace utxo::verifier

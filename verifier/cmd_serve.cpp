// `serve`: the Esplora-compatible HTTP API over the store.
#include "verifier/commands.h"

namespace utxo::verifier {

void add_serve_command(CLI::App& app) {
    (void)app;
}

}  // namespace utxo::verifier

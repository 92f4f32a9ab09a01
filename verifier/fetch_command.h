// Registers `utxo-verifier fetch` (verifier/fetch_command.cpp; the work is in fetch.h).
#pragma once

namespace CLI {
class App;
}

namespace utxo::verifier {

void add_fetch_command(CLI::App& app);

}  // namespace utxo::verifier

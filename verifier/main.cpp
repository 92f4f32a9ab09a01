// utxo-verifier: fetch, verify and query a release of the UTXO set.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "verifier/commands.h"
#include "verifier/fetch_command.h"

namespace v = utxo::verifier;

int main(int argc, char** argv) {
    auto log = spdlog::stderr_color_mt("verifier");
    log->set_pattern("%^%l%$: %v");
    spdlog::set_level(spdlog::level::warn);

    CLI::App app{"utxo-verifier: fetch, verify and query releases of the Bitcoin UTXO set"};
    app.require_subcommand(1);
    bool verbose = false;
    app.add_flag("-v,--verbose", verbose, "log progress milestones")->each([](const std::string&) {
        spdlog::set_level(spdlog::level::info);
    });

    // ---- fetch: registered here by the fetch engineer (verifier/fetch_command.cpp) ----
    v::add_fetch_command(app);
    // ---- end fetch ----
    v::add_status_command(app);
    v::add_utxos_command(app);
    v::add_balance_command(app);
    v::add_serve_command(app);
    v::add_export_core_command(app);
    v::add_check_command(app);

    try {
        app.parse(argc, argv);  // the commands run inside, as subcommand callbacks
    } catch (const CLI::RuntimeError& e) {
        return e.get_exit_code();  // a command's own verdict (1) or trouble (2), already printed
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;  // --help is 0; usage errors are 2, like every tool here
    }
    return 0;
}

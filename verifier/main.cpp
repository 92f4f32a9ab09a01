// utxo-verifier: fetch, verify and query a release of the UTXO set.
// Exit 0 ok, 1 a negative verdict, 2 usage or I/O trouble (docs/verifier.md).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "verifier/cli.h"

namespace core = utxo::core;
namespace v = utxo::verifier;

namespace {

int exit_code(const core::Error& e) { return e.code == core::Errc::rejected ? 1 : 2; }

}  // namespace

int main(int argc, char** argv) {
    auto log = spdlog::stderr_color_mt("verifier");
    log->set_pattern("%^%l%$: %v");
    spdlog::set_level(spdlog::level::warn);

    CLI::App app{"utxo-verifier: fetch, verify and query releases of the Bitcoin UTXO set"};
    app.require_subcommand(1);
    bool verbose = false;
    app.add_flag("-v,--verbose", verbose, "log progress milestones");
    v::Action action;  // set by the subcommand parsed
    v::add_fetch_command(app, action);
    v::add_status_command(app, action);
    v::add_utxos_command(app, action);
    v::add_balance_command(app, action);
    v::add_serve_command(app, action);
    v::add_export_core_command(app, action);
    v::add_check_command(app, action);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;  // --help is 0; usage errors are 2, like every tool here
    }
    if (verbose) spdlog::set_level(spdlog::level::info);

    if (auto done = action(); !done) {
        fmt::print(stderr, "utxo-verifier: {}\n", done.error().message);
        return exit_code(done.error());
    }
    return 0;
}

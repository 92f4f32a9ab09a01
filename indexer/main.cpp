// utxo-indexer: build and inspect a UTXO store, move Core snapshots in and out, make synthetic chains.
// Exit 0 ok, 1 a negative verdict (a release that does not match its manifest), 2 usage or I/O.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "indexer/cli.h"

namespace core = utxo::core;
namespace ix = utxo::indexer;

namespace {

int exit_code(const core::Error& e) { return e.code == core::Errc::rejected ? 1 : 2; }

}  // namespace

int main(int argc, char** argv) {
    auto log = spdlog::stderr_color_mt("indexer");
    log->set_pattern("%^%l%$: %v");
    spdlog::set_level(spdlog::level::warn);

    CLI::App app{"utxo-indexer: keep a Bitcoin UTXO set and cut it into releases"};
    app.require_subcommand(1);
    bool verbose = false;
    app.add_flag("-v,--verbose", verbose, "log progress milestones");
    ix::Action action;  // set by the subcommand parsed
    ix::add_build_command(app, action);
    ix::add_stats_command(app, action);
    ix::add_import_core_command(app, action);
    ix::add_export_core_command(app, action);
    ix::add_synth_command(app, action);
    ix::add_run_command(app, action);
    ix::add_release_command(app, action);
    ix::add_addresses_command(app, action);
    ix::add_verify_release_command(app, action);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;  // --help is 0; usage errors are 2, like every tool here
    }
    if (verbose) spdlog::set_level(spdlog::level::info);

    if (auto done = action(); !done) {
        fmt::print(stderr, "utxo-indexer: {}\n", done.error().message);
        return exit_code(done.error());
    }
    return 0;
}

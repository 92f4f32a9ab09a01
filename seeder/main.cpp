// utxo-seeder: seed the kept releases over BitTorrent and serve them over HTTP until SIGINT/SIGTERM.
// Exit 0 after a signal, 2 when it cannot start (usage or I/O).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "seeder/cli.h"
#include "seeder/daemon.h"

namespace core = utxo::core;
namespace sd = utxo::seeder;

namespace {

// The seeder gives no verdicts: every failure is usage or I/O trouble.
int exit_code(const core::Error&) { return 2; }

}  // namespace

int main(int argc, char** argv) {
    auto log = spdlog::stderr_color_mt("seeder");
    log->set_pattern("%Y-%m-%d %H:%M:%S %^%l%$: %v");
    spdlog::set_level(spdlog::level::info);

    CLI::App app{"utxo-seeder: seed UTXO set releases over BitTorrent and serve them over HTTP"};
    sd::CommandLine line;
    sd::add_options(app, line);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;  // --help is 0; usage errors are 2, like every tool here
    }
    if (auto s = sd::apply_addresses(line); !s) {
        fmt::print(stderr, "utxo-seeder: {}\n", s.error().message);
        return exit_code(s.error());
    }
    if (line.verbose) spdlog::set_level(spdlog::level::debug);
    if (line.quiet) spdlog::set_level(spdlog::level::warn);

    try {
        if (auto s = sd::run_seeder(line.options); !s) {
            fmt::print(stderr, "utxo-seeder: {}\n", s.error().message);
            return exit_code(s.error());
        }
    } catch (const std::exception& e) {  // a library throwing past our boundaries is still reported
        fmt::print(stderr, "utxo-seeder: {}\n", e.what());
        return 2;
    }
    return 0;
}

// utxo-trustnet: manage the trustnet file and apply the agreement rule to a release directory.
// Exit 0 ok, 1 a negative verdict (problems found, release refused, duplicate), 2 usage or I/O.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "trustnet/cli.h"
#include "trustnet/log.h"

namespace core = utxo::core;
namespace tn = utxo::trustnet;

namespace {

int exit_code(const core::Error& e) { return e.code == core::Errc::rejected ? 1 : 2; }

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"utxo-trustnet: the authorities a release needs, and the agreement rule"};
    app.require_subcommand(1);
    tn::Action action;  // set by the subcommand parsed
    tn::add_init_command(app, action);
    tn::add_add_command(app, action);
    tn::add_remove_command(app, action);
    tn::add_list_command(app, action);
    tn::add_check_command(app, action);
    tn::add_verify_command(app, action);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    tn::log().set_level(spdlog::level::warn);

    auto out = action();
    if (!out) {
        fmt::print(stderr, "{}\n", out.error().message);
        return exit_code(out.error());
    }
    fmt::print("{}", *out);
    return 0;
}

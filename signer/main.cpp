// utxo-signer: authority keys and manifest signatures (minisign-compatible).
// Exit 0 ok, 1 refusal or bad/missing signature, 2 usage or I/O trouble.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "signer/cli.h"
#include "signer/log.h"

namespace core = utxo::core;
namespace sg = utxo::signer;

namespace {

int exit_code(const core::Error& e) { return e.code == core::Errc::rejected ? 1 : 2; }

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"utxo-signer: minisign-compatible authority keys; signs a manifest only if your indexer made the same"};
    app.require_subcommand(1);
    bool verbose = false;
    app.add_flag("-v,--verbose", verbose, "log milestones to stderr");
    sg::Action action;  // set by the subcommand parsed
    sg::add_keygen_command(app, action);
    sg::add_sign_command(app, action);
    sg::add_verify_command(app, action);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    sg::log().set_level(verbose ? spdlog::level::info : spdlog::level::warn);

    if (auto done = action(); !done) {
        fmt::print(stderr, "{}\n", done.error().message);
        return exit_code(done.error());
    }
    return 0;
}

// utxo-trustnet: manage the trustnet file and apply the agreement rule to a release directory.
// Exit 0 ok, 1 a negative verdict (problems found, release refused, duplicate), 2 usage or I/O.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "trustnet/commands.h"

using namespace utxo::trustnet;

int main(int argc, char** argv) {
    CLI::App app{"utxo-trustnet: the authorities a release needs, and the agreement rule"};
    app.require_subcommand(1);
    std::filesystem::path file;
    std::string network, name, key;
    std::vector<std::string> urls;
    bool json = false;
    VerifyOptions vo;
    std::uint64_t installed = 0;

    auto* init = app.add_subcommand("init", "create a trustnet file (require all, no authorities yet)");
    init->add_option("FILE", file)->required();
    init->add_option("--network", network, "main, test, testnet4, signet or regtest")->required();
    auto* add = app.add_subcommand("add", "add an authority");
    add->add_option("FILE", file)->required();
    add->add_option("NAME", name)->required();
    add->add_option("PUBKEY", key, "public key file, or the base64 key line minisign prints")->required();
    add->add_option("--url", urls, "where the authority publishes (repeatable)");
    auto* remove = app.add_subcommand("remove", "remove an authority");
    remove->add_option("FILE", file)->required();
    remove->add_option("NAME", name)->required();
    auto* list = app.add_subcommand("list", "show network, policy and authorities");
    list->add_option("FILE", file)->required();
    list->add_flag("--json", json, "machine-readable output");
    auto* check = app.add_subcommand("check", "validate every line; exit 1 listing the problems");
    check->add_option("FILE", file)->required();
    auto* verify = app.add_subcommand("verify", "apply the agreement rule to DIR/manifest.json and its signatures");
    verify->add_option("FILE", vo.trustnet_file)->required();
    verify->add_option("--release", vo.release_dir, "directory with manifest.json and manifest.json.*.minisig")->required();
    verify->add_option("--other", vo.other_dirs, "another release directory for the same height (repeatable)");
    auto* installed_opt = verify->add_option("--installed-height", installed, "height already installed (refuse <=)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    spdlog::stderr_color_mt("trustnet")->set_level(spdlog::level::warn);
    if (*installed_opt) vo.installed_height = installed;

    Outcome r = *init     ? cmd_init(file, network)
                : *add    ? cmd_add(file, name, key, urls)
                : *remove ? cmd_remove(file, name)
                : *list   ? cmd_list(file, json)
                : *check  ? cmd_check(file)
                          : cmd_verify(vo);
    if (!r) {
        fmt::print(stderr, "{}\n", r.error().message);
        return r.error().exit_code;
    }
    fmt::print("{}", *r);
    return 0;
}

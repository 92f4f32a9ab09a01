// utxo-trustnet init, add, remove, max-age, list, check and verify: options onto the library's option
// structs. check and verify take --json: one object on stdout whatever the verdict.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "trustnet/cli.h"
#include "trustnet/commands.h"

namespace utxo::trustnet {

namespace {

// The action of a command whose library call returns the text for stdout.
template <class Options>
Action printing(std::shared_ptr<Options> options, core::Result<std::string> (*run)(const Options&)) {
    return [options, run]() -> core::Status {
        UTXO_TRY_ASSIGN(auto out, run(*options));
        fmt::print("{}", out);
        return {};
    };
}

// The action of --json: the report's object on stdout, then its verdict (exit 1 when negative).
template <class Options, class Report>
Action reporting(std::shared_ptr<Options> options, core::Result<Report> (*report)(const Options&),
                 std::string (*json)(const Report&), core::Status (*verdict)(const Report&)) {
    return [options, report, json, verdict]() -> core::Status {
        UTXO_TRY_ASSIGN(auto r, report(*options));
        fmt::print("{}", json(r));
        return verdict(r);
    };
}

// The subcommand runs `run(*options)` once it is parsed.
template <class Options>
void on_parsed(CLI::App* cmd, std::shared_ptr<Options> options,
               core::Result<std::string> (*run)(const Options&), Action& action) {
    cmd->callback([options, run, &action] { action = printing(options, run); });
}

}  // namespace

void add_init_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<InitOptions>();
    auto* cmd = app.add_subcommand("init", "create a trustnet file (require all, no authorities yet)");
    cmd->add_option("FILE", o->file)->required();
    cmd->add_option("--network", o->network, "main, test, testnet4, signet or regtest")->required();
    on_parsed(cmd, o, run_init, action);
}

void add_add_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<AddOptions>();
    auto* cmd = app.add_subcommand("add", "add an authority");
    cmd->add_option("FILE", o->file)->required();
    cmd->add_option("NAME", o->name)->required();
    cmd->add_option("PUBKEY", o->key, "public key file, or the base64 key line minisign prints")->required();
    cmd->add_option("--url", o->urls, "where the authority publishes (repeatable)");
    on_parsed(cmd, o, run_add, action);
}

void add_remove_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<RemoveOptions>();
    auto* cmd = app.add_subcommand("remove", "remove an authority");
    cmd->add_option("FILE", o->file)->required();
    cmd->add_option("NAME", o->name)->required();
    on_parsed(cmd, o, run_remove, action);
}

void add_max_age_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<MaxAgeOptions>();
    auto* cmd =
        app.add_subcommand("max-age", "set the freeze alarm: the newest release's largest age, or none");
    cmd->add_option("FILE", o->file)->required();
    cmd->add_option("DURATION", o->duration, "e.g. 48h, 7d, 90m or 3600s (at most 3650d); none removes it")
        ->required();
    on_parsed(cmd, o, run_max_age, action);
}

void add_list_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<ListOptions>();
    auto* cmd = app.add_subcommand("list", "show network, policy and authorities");
    cmd->add_option("FILE", o->file)->required();
    cmd->add_flag("--json", o->json, "machine-readable output");
    on_parsed(cmd, o, run_list, action);
}

void add_check_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<CheckOptions>();
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("check", "validate every line; exit 1 listing the problems");
    cmd->add_option("FILE", o->file)->required();
    cmd->add_flag("--json", *json, "one JSON object, whatever the verdict");
    cmd->callback([o, json, &action] {
        action = *json ? reporting(o, check_report, check_json, check_verdict) : printing(o, run_check);
    });
}

void add_verify_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<VerifyOptions>();
    auto json = std::make_shared<bool>(false);
    auto installed = std::make_shared<std::uint32_t>(0);  // a height: CLI11 refuses more than u32
    auto* cmd =
        app.add_subcommand("verify", "apply the agreement rule to DIR/manifest.json and its signatures");
    cmd->add_option("FILE", o->trustnet_file)->required();
    cmd->add_option("--release", o->release_dir, "directory with manifest.json and manifest.json.*.minisig")
        ->required();
    cmd->add_option("--other", o->other_dirs, "another release directory for the same height (repeatable)");
    auto* installed_opt =
        cmd->add_option("--installed-height", *installed, "height already installed (refuse <=)");
    cmd->add_flag("--json", *json, "one JSON object, whatever the verdict");
    cmd->callback([o, json, installed, installed_opt, &action] {
        if (*installed_opt) o->installed_height = core::Height{*installed};
        action = *json ? reporting(o, verify_report, verify_json, verify_verdict) : printing(o, run_verify);
    });
}

}  // namespace utxo::trustnet

// --config FILE, every tool's: a TOML file as CLI11 reads it (keys are long option names without
// dashes; a command's options under its [section]). CLI11 parses it with the command line, the
// command line winning; this file reads it again to word its errors as one line naming the file
// and the key, and to read it anew on SIGHUP (daemon.h).
#pragma once
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace utxo::cli {

// Every key of a config file ("serve.http" for http under [serve]) and its values.
using ConfigItems = std::map<std::string, std::vector<std::string>>;

// The option of `app` a config item sets, as CLI11 finds it (--name, -n, then a positional name);
// null if none.
inline const CLI::Option* config_option(const CLI::App& app, const CLI::ConfigItem& item) {
    const CLI::App* where = &app;
    for (const auto& parent : item.parents) {
        try {
            where = where->get_subcommand(parent);
        } catch (const CLI::OptionNotFound&) {
            return nullptr;
        }
    }
    if (const auto* o = where->get_option_no_throw("--" + item.name)) return o;
    if (item.name.size() == 1)
        if (const auto* o = where->get_option_no_throw("-" + item.name)) return o;
    return where->get_option_no_throw(item.name);
}

// A hint for a key set at the top that belongs to a command: "an option of serve: put it under [serve]".
inline std::string section_hint(const CLI::App& app, const CLI::ConfigItem& item) {
    if (!item.parents.empty()) return {};
    std::string found;
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; }))
        if (sub->get_option_no_throw("--" + item.name))
            found += (found.empty() ? "" : ", ") + sub->get_name();
    if (found.empty()) return {};
    return fmt::format(" (an option of {}: put it under its [section])", found);
}

// Reads `path` and checks that every key sets an option of `app` that a file may set. Fails
// (usage) with one line: "FILE: cannot read: <why>", "FILE: not a file", "FILE: unknown key
// \"serve.x\"", "FILE: \"version\" cannot be set in a config file".
[[nodiscard]] inline core::Result<ConfigItems> read_config(const CLI::App& app, const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return core::fail(core::Errc::usage, fmt::format("{}: not a file", path));
    std::ifstream in(path);
    if (!in)
        return core::fail(core::Errc::usage, fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
    std::vector<CLI::ConfigItem> items;
    try {
        items = CLI::ConfigTOML().from_config(in);
    } catch (const CLI::Error& e) {
        return core::fail(core::Errc::usage, fmt::format("{}: {}", path, e.what()));
    }
    ConfigItems out;
    for (const auto& item : items) {
        if (item.name == "++" || item.name == "--") continue;  // CLI11's marks of a section's ends
        const auto* option = config_option(app, item);
        if (option == nullptr)
            return core::fail(core::Errc::usage, fmt::format("{}: unknown key \"{}\"{}", path,
                                                             item.fullname(), section_hint(app, item)));
        if (!option->get_configurable())
            return core::fail(core::Errc::usage, fmt::format("{}: \"{}\" cannot be set in a config file",
                                                             path, item.fullname()));
        auto& values = out[item.fullname()];
        values.insert(values.end(), item.inputs.begin(), item.inputs.end());
    }
    return out;
}

// The --config option of every tool (cli/tool.h). Unknown keys are errors, as unknown options are.
inline CLI::Option* add_config_option(CLI::App& app) {
    auto* option = app.set_config("--config", "",
                                  "read options from this TOML file (the command line overrides it; a "
                                  "command's options go under [command])");
    option->type_name("FILE");
    app.allow_config_extras(CLI::config_extras_mode::error);
    return option;
}

// The file --config named; empty without one.
inline std::string config_path(const CLI::App& app) {
    const auto* option = app.get_config_ptr();
    if (option == nullptr || option->count() == 0) return {};
    return option->as<std::string>();
}

}  // namespace utxo::cli

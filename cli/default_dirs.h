// Where the tools keep their data when --db / --releases are not given (cli/README.md): BASE is
// the first path of $STATE_DIRECTORY (systemd's StateDirectory=) if set; else
// /var/lib/utxo-torrent for root; else ${XDG_DATA_HOME:-$HOME/.local/share}/utxo-torrent. Under
// it: indexer/ (the indexer's store), releases/ (what the indexer publishes and the seeder
// seeds), verifier/ (the verifier's store).
#pragma once
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace utxo::cli {

// What the base directory is chosen from, apart so that every branch can be tested.
struct StateEnvironment {
    std::optional<std::string> state_directory;  // $STATE_DIRECTORY: colon-separated absolute paths
    std::optional<std::string> xdg_data_home;    // $XDG_DATA_HOME
    std::optional<std::string> home;             // $HOME
    bool root = false;                           // effective uid 0
};

inline std::optional<std::string> env_value(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
}

inline StateEnvironment state_environment() {
    return {env_value("STATE_DIRECTORY"), env_value("XDG_DATA_HOME"), env_value("HOME"), ::geteuid() == 0};
}

// BASE for `env`. The XDG Base Directory spec ignores a relative $XDG_DATA_HOME, and so do we;
// without a usable $HOME either, BASE is ./utxo-torrent.
inline std::filesystem::path state_base(const StateEnvironment& env) {
    namespace fs = std::filesystem;
    if (env.state_directory) {
        const std::string& all = *env.state_directory;
        const std::string first = all.substr(0, all.find(':'));
        if (!first.empty()) return fs::path(first);
    }
    if (env.root) return "/var/lib/utxo-torrent";
    if (env.xdg_data_home && fs::path(*env.xdg_data_home).is_absolute())
        return fs::path(*env.xdg_data_home) / "utxo-torrent";
    if (env.home) return fs::path(*env.home) / ".local" / "share" / "utxo-torrent";
    return "utxo-torrent";
}

inline std::filesystem::path state_base() { return state_base(state_environment()); }

// The defaults of --db and --releases.
inline std::filesystem::path default_indexer_db() { return state_base() / "indexer"; }
inline std::filesystem::path default_releases() { return state_base() / "releases"; }
inline std::filesystem::path default_verifier_db() { return state_base() / "verifier"; }

}  // namespace utxo::cli

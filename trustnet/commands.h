// utxo-trustnet's commands as library calls; main.cpp parses options and maps the outcome to an
// exit code: 0 ok, 1 a negative verdict (check found problems, release refused), 2 usage or I/O.
#pragma once
#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace utxo::trustnet {

struct Failure {
    int exit_code;
    std::string message;  // one sentence per line, naming the file
};
using Outcome = std::expected<std::string, Failure>;  // success: text for stdout

[[nodiscard]] Outcome cmd_init(const std::filesystem::path& file, const std::string& network);
// key_arg: a public key file, or the base64 key line minisign prints.
[[nodiscard]] Outcome cmd_add(const std::filesystem::path& file, const std::string& name, const std::string& key_arg,
                const std::vector<std::string>& urls);
[[nodiscard]] Outcome cmd_remove(const std::filesystem::path& file, const std::string& name);
Outcome cmd_list(const std::filesystem::path& file, bool json);
[[nodiscard]] Outcome cmd_check(const std::filesystem::path& file);

// Applies the agreement rule to DIR/manifest.json and the DIR/manifest.json.*.minisig files;
// each --other DIR is another manifest seen for the same block height (conflict detection).
struct VerifyOptions {
    std::filesystem::path trustnet_file;
    std::filesystem::path release_dir;
    std::vector<std::filesystem::path> other_dirs;
    std::optional<std::uint64_t> installed_height;
};
[[nodiscard]] Outcome cmd_verify(const VerifyOptions& options);

}  // namespace utxo::trustnet

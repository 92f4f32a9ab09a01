// utxo-trustnet's commands as library calls: an options struct in, the text for stdout out.
// main.cpp parses options, prints the text and maps a failure to an exit code.
//
// Failures are core::Error whose message names the file (one sentence per line). Errc::rejected is
// a negative verdict (check found problems, release refused, a duplicate name or key, no such
// name to remove); every other code is usage or I/O trouble.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/agreement.h"
#include "core/error.h"
#include "core/trustnet_file.h"
#include "core/types.h"

namespace utxo::trustnet {

// `init FILE --network NET`
struct InitOptions {
    std::filesystem::path file;
    std::string network;  // main, test, testnet4, signet or regtest
};
[[nodiscard]] core::Result<std::string> run_init(const InitOptions& options);

// `add FILE NAME PUBKEY [--url URL]...`
struct AddOptions {
    std::filesystem::path file;
    std::string name;
    std::string key;  // a public key file, or the base64 key line minisign prints
    std::vector<std::string> urls;
};
[[nodiscard]] core::Result<std::string> run_add(const AddOptions& options);

// `remove FILE NAME`
struct RemoveOptions {
    std::filesystem::path file;
    std::string name;
};
[[nodiscard]] core::Result<std::string> run_remove(const RemoveOptions& options);

// `max-age FILE DURATION|none`: sets the max-age line (core::parse_max_age's DURATION, written as
// given) or, with "none", removes it. A DURATION that does not parse is Errc::usage.
struct MaxAgeOptions {
    std::filesystem::path file;
    std::string duration;  // e.g. "48h", or "none"
};
[[nodiscard]] core::Result<std::string> run_max_age(const MaxAgeOptions& options);

// `list FILE [--json]`
struct ListOptions {
    std::filesystem::path file;
    bool json = false;
};
[[nodiscard]] core::Result<std::string> run_list(const ListOptions& options);

// `check FILE`: every problem is one "FILE:LINE: sentence" line of the rejection's message.
struct CheckOptions {
    std::filesystem::path file;
};
[[nodiscard]] core::Result<std::string> run_check(const CheckOptions& options);

// run_check in parts, for --json (printed whatever the verdict): the report (an error only when the file
// cannot be read), its JSON object and its verdict (Errc::rejected listing the problems, as run_check fails).
struct CheckReport {
    std::filesystem::path file;
    std::vector<core::Problem> problems;     // empty: usable
    std::optional<core::Trustnet> trustnet;  // when the file parses (it may still have problems)
};
[[nodiscard]] core::Result<CheckReport> check_report(const CheckOptions& options);
// {"ok", "file", "network", "authorities", "required", "max_age_seconds", "problems": [{"line",
// "message"}], "error"}: network, authorities, required and max_age_seconds are null when the file
// does not parse (max_age_seconds also when it has no max-age line), a problem's line is
// null when it is about the whole file, and "error" (the failure text) is there only with problems.
std::string check_json(const CheckReport& report);
[[nodiscard]] core::Status check_verdict(const CheckReport& report);

// `verify FILE --release DIR [--other DIR]... [--installed-height H]`: applies the agreement rule
// to DIR/manifest.json and the DIR/manifest.json.*.minisig files; each --other DIR is another
// manifest seen for the same block height (conflict detection).
struct VerifyOptions {
    std::filesystem::path trustnet_file;
    std::filesystem::path release_dir;
    std::vector<std::filesystem::path> other_dirs;
    std::optional<core::Height> installed_height;
};
[[nodiscard]] core::Result<std::string> run_verify(const VerifyOptions& options);

// run_verify in parts, for --json, as for check.
struct VerifyReport {
    core::Verdict verdict;
    core::Network network;     // as the manifest states it (else the trustnet's)
    core::Height height;       // as the manifest states it (else 0)
    std::size_t required = 0;  // signatures the trustnet's policy needs
};
[[nodiscard]] core::Result<VerifyReport> verify_report(const VerifyOptions& options);
// {"ok", "message", "refusal" (null when accepted), "network", "height", "required", "signers",
//  "signed_at" (the verdict's: unix seconds, or null), "ignored": [{"file", "reason"}], "error" (when
//  refused: the failure text)}
std::string verify_json(const VerifyReport& report);
[[nodiscard]] core::Status verify_verdict(const VerifyReport& report);

}  // namespace utxo::trustnet

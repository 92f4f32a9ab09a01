// --json output shared by the tools' commands (the conventions are in each command page of docs/):
// stdout then carries JSON only, one object per line. A negative verdict (Errc::rejected, exit 1)
// is an object too, {"ok": false, "error": "<the failure line>"}, so a script reads the verdict
// either way; usage or I/O trouble (exit 2) prints nothing on stdout, only its line on stderr.
#pragma once
#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "core/error.h"

namespace utxo::cli {

// One line of JSON on stdout, flushed (streaming commands print while they run). Bytes that are
// not UTF-8 (a file name, a peer's string) become U+FFFD rather than an exception.
template <class Json>  // nlohmann::json or nlohmann::ordered_json
void print_json(const Json& object) {
    fmt::print("{}\n", object.dump(-1, ' ', false, Json::error_handler_t::replace));
    std::fflush(stdout);
}

// Passes `e` on; with `json`, a negative verdict is first printed as {"ok": false, "error": ...}.
inline core::Error json_refusal(core::Error e, bool json) {
    if (json && e.code == core::Errc::rejected)
        print_json(nlohmann::ordered_json{{"ok", false}, {"error", e.message}});
    return e;
}

// The same for a failed result: `return cli::refused(r, json);` after `if (!r)`.
template <class T>
std::unexpected<core::Error> refused(core::Result<T>& r, bool json) {
    return std::unexpected(json_refusal(std::move(r.error()), json));
}

}  // namespace utxo::cli

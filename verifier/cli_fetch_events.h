// `utxo-verifier fetch --json`: each line fetch tells (verifier/fetch.h, Say) as one JSON object, an
// "event" with the figures of the line's documented form (docs/verifier.md, fetch) and the line
// itself as "message". The sentences are fetch's output contract, so --json reads the same lines
// a person does; one of another form is an "event": "note". Executable only (cli_fetch.cpp).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

namespace utxo::verifier {

inline nlohmann::ordered_json fetch_event(const std::string& line) {
    using J = nlohmann::ordered_json;
    static const std::regex accepted(
        R"(release (\S+) height (\d+) accepted: signed by (.+) \((\d+) required\))");
    static const std::regex downloaded(R"(downloaded in ([0-9.]+) s; verified and installed in ([0-9.]+) s)");
    static const std::regex installed(
        R"(installed (\S+) height (\d+) \((\d+) of (\d+) shards, (\d+) bytes downloaded\))");
    static const std::regex up_to_date(
        R"(no release (above the installed height \d+|for network \S+) is (offered|fully signed yet))");
    static const std::regex waiting(
        R"(waiting for (.+) to sign (\S+) height (\d+) \(signed by (.+); (\d+) required\))");
    static const std::regex seeded(R"(seeded .* \(([0-9.]+) x the .*)");
    static const std::regex step(R"(moved forward with patches to height (\d+) \((\d+) of (\d+)\))");
    static const std::regex listening(R"(listening on (\S+):(\d+))");
    auto number = [](const std::string& s) { return std::stoull(s); };
    auto name_list = [](const std::string& names) {  // "alice, bob"; "nobody" is none
        J list = J::array();
        if (names == "nobody") return list;
        for (std::size_t at = 0, comma; at <= names.size(); at = comma + 2) {
            comma = names.find(", ", at);
            if (comma == std::string::npos) comma = names.size();
            list.push_back(names.substr(at, comma - at));
        }
        return list;
    };
    std::smatch m;
    J e;
    if (std::regex_match(line, m, accepted)) {
        e = {{"event", "accepted"},
             {"network", m[1]},
             {"height", number(m[2])},
             {"signers", name_list(m[3])},
             {"required", number(m[4])}};
    } else if (std::regex_match(line, m, waiting)) {
        e = {{"event", "waiting"},         {"network", m[2]},
             {"height", number(m[3])},     {"waiting_for", name_list(m[1])},
             {"signers", name_list(m[4])}, {"required", number(m[5])}};
    } else if (line == "moved forward with patches") {
        e = {{"event", "moved_forward"}};
    } else if (std::regex_match(line, m, step)) {
        e = {{"event", "moved_forward_step"},
             {"height", number(m[1])},
             {"step", number(m[2])},
             {"steps", number(m[3])}};
    } else if (std::regex_match(line, m, listening)) {
        e = {{"event", "listening"}, {"host", m[1]}, {"port", number(m[2])}};
    } else if (line.starts_with("round failed: ")) {
        e = {{"event", "round_failed"}};
    } else if (line.starts_with("refused: ")) {
        e = {{"event", "refused"}};
    } else if (line.starts_with("alarm: ")) {
        e = {{"event", "alarm"}};
    } else if (line.starts_with("alarm cleared: ")) {
        e = {{"event", "alarm_cleared"}};
    } else if (line.starts_with("stopped: ")) {
        e = {{"event", "stopped"}};
    } else if (std::regex_match(line, m, downloaded)) {
        e = {{"event", "downloaded"},
             {"download_seconds", std::stod(m[1])},
             {"install_seconds", std::stod(m[2])}};
    } else if (std::regex_match(line, m, installed)) {
        e = {{"event", "installed"},        {"network", m[1]},
             {"height", number(m[2])},      {"shards", number(m[3])},
             {"shard_count", number(m[4])}, {"downloaded_bytes", number(m[5])}};
    } else if (std::regex_match(line, up_to_date)) {
        e = {{"event", "up_to_date"}};
    } else if (std::regex_match(line, m, seeded)) {
        e = {{"event", "seeded"}, {"ratio", std::stod(m[1])}};
    } else if (line.starts_with("seeding stopped: ") || line.starts_with("not seeding: ")) {
        e = {{"event", "seeded"}, {"ratio", nullptr}};
    } else {
        e = {{"event", "note"}};
    }
    e["message"] = line;
    return e;
}

}  // namespace utxo::verifier

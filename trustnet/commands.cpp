#include "trustnet/commands.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/file_io.h"
#include "trustnet/edit.h"

namespace utxo::trustnet {

using core::Errc;

namespace {
// "FILE: what" with the given code.
std::unexpected<core::Error> failure(Errc code, const std::filesystem::path& file, std::string_view what) {
    return core::fail(code, fmt::format("{}: {}", file.string(), what));
}
// "FILE: what" with the code of the error it comes from.
std::unexpected<core::Error> failure(const std::filesystem::path& file, const core::Error& e) {
    return failure(e.code, file, e.message);
}

// Edits need a file that parses; its problems are the user's to fix first (trouble, not a verdict).
[[nodiscard]] core::Result<core::TrustnetDocument> load(const std::filesystem::path& file) {
    auto doc = core::load_trustnet(file);
    if (!doc) return failure(file, doc.error());
    return std::move(*doc);
}

// ", max-age 2d" when the trustnet has one, for the one-line summaries of list and check.
std::string max_age_note(const core::Trustnet& tn) {
    return tn.max_age ? ", max-age " + core::format_max_age(*tn.max_age) : std::string();
}

[[nodiscard]] core::Result<core::MinisignPublicKey> read_key_argument(const std::string& arg) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(arg, ec)) {
        UTXO_TRY_ASSIGN(auto text, core::read_small_file(arg, 4096));
        auto key = core::parse_public_key_file(text);
        if (!key) return core::fail(key.error().code, fmt::format("{}: {}", arg, key.error().message));
        return key;
    }
    auto key = core::parse_public_key_line(arg);
    if (!key)
        return core::fail(core::Errc::usage,
                          fmt::format("\"{}\" is neither a public key file nor a minisign public key", arg));
    return key;
}
}  // namespace

core::Result<std::string> run_init(const InitOptions& o) {
    const auto& file = o.file;
    auto net = core::parse_network(o.network);
    if (!net)
        return failure(
            Errc::usage, file,
            fmt::format("unknown network \"{}\" (use main, test, testnet4, signet or regtest)", o.network));
    std::error_code ec;
    if (std::filesystem::exists(file, ec))
        return failure(Errc::usage, file, "already exists; not overwriting it");
    auto text = initial_trustnet(*net);
    if (auto w = core::write_file_atomically(file, core::as_bytes(text), 0644); !w)
        return failure(file, w.error());
    return fmt::format("created {} for network {}\n", file.string(), core::network_name(*net));
}

core::Result<std::string> run_add(const AddOptions& o) {
    UTXO_TRY_ASSIGN(auto doc, load(o.file));
    auto key = read_key_argument(o.key);
    if (!key) return failure(o.file, key.error());
    // A name, key or key id listed already (Errc::mismatch) is a verdict on the request.
    if (auto added = add_authority(doc, o.name, *key, o.urls); !added)
        return failure(added.error().code == Errc::mismatch ? Errc::rejected : added.error().code, o.file,
                       added.error().message);
    if (auto saved = save_trustnet(o.file, doc); !saved) return failure(o.file, saved.error());
    return fmt::format("added {} (key id {})\n", o.name, key->id.to_hex());
}

core::Result<std::string> run_remove(const RemoveOptions& o) {
    UTXO_TRY_ASSIGN(auto doc, load(o.file));
    // No such name (Errc::not_found) is a verdict on the request.
    if (auto removed = remove_authority(doc, o.name); !removed)
        return failure(removed.error().code == Errc::not_found ? Errc::rejected : removed.error().code,
                       o.file, removed.error().message);
    if (auto saved = save_trustnet(o.file, doc); !saved) return failure(o.file, saved.error());
    return fmt::format("removed {}\n", o.name);
}

core::Result<std::string> run_max_age(const MaxAgeOptions& o) {
    UTXO_TRY_ASSIGN(auto doc, load(o.file));
    const bool clear = o.duration == "none";
    if (clear && !doc.trustnet.max_age) return std::string("no max-age line; nothing changed\n");
    if (auto set = set_max_age(doc, clear ? std::nullopt : std::optional<std::string_view>(o.duration)); !set)
        return failure(set.error().code, o.file, set.error().message);
    if (auto saved = save_trustnet(o.file, doc); !saved) return failure(o.file, saved.error());
    return clear ? std::string("removed max-age\n") : fmt::format("set max-age {}\n", o.duration);
}

core::Result<std::string> run_list(const ListOptions& o) {
    UTXO_TRY_ASSIGN(auto doc, load(o.file));
    const auto& tn = doc.trustnet;
    if (o.json) {
        nlohmann::json out{
            {"format", 1}, {"network", core::network_name(tn.network)}, {"required", tn.required()}};
        out["require"] = tn.require_k ? nlohmann::json(*tn.require_k) : nlohmann::json("all");
        out["max_age_seconds"] = tn.max_age ? nlohmann::json(tn.max_age->count()) : nlohmann::json(nullptr);
        out["authorities"] = nlohmann::json::array();
        for (const auto& a : tn.authorities)
            out["authorities"].push_back({{"name", a.name},
                                          {"key_id", a.key.id.to_hex()},
                                          {"public_key", core::public_key_line(a.key)},
                                          {"urls", a.urls}});
        return out.dump(2) + "\n";
    }
    std::string text =
        fmt::format("network {}, require {} ({} of {} authorities){}\n", core::network_name(tn.network),
                    tn.require_k ? std::to_string(*tn.require_k) : "all", tn.required(),
                    tn.authorities.size(), max_age_note(tn));
    for (const auto& a : tn.authorities) {
        text += fmt::format("{} {} {}", a.name, a.key.id.to_hex(), core::public_key_line(a.key));
        for (const auto& url : a.urls) text += " " + url;
        text += "\n";
    }
    return text;
}

core::Result<CheckReport> check_report(const CheckOptions& o) {
    auto text = core::read_small_file(o.file, 1u << 20);
    if (!text) return failure(o.file, text.error());
    CheckReport report{o.file, core::check_trustnet(*text), std::nullopt};
    // A file with only semantic problems (no authorities, require K above their number) parses.
    auto doc = core::parse_trustnet(*text);
    if (doc)
        report.trustnet = std::move(doc->trustnet);
    else if (report.problems.empty())  // check_trustnet reports every parse error: not expected
        return failure(o.file, doc.error());
    return report;
}

core::Status check_verdict(const CheckReport& r) {
    if (r.problems.empty()) return {};
    std::string lines;
    for (const auto& p : r.problems)
        lines += p.line ? fmt::format("{}:{}: {}\n", r.file.string(), p.line, p.message)
                        : fmt::format("{}: {}\n", r.file.string(), p.message);
    lines.pop_back();
    return core::fail(Errc::rejected, std::move(lines));
}

std::string check_json(const CheckReport& r) {
    nlohmann::ordered_json j{{"ok", r.problems.empty()}, {"file", r.file.string()}};
    const auto* tn = r.trustnet ? &*r.trustnet : nullptr;
    j["network"] = tn ? nlohmann::ordered_json(core::network_name(tn->network)) : nullptr;
    j["authorities"] = tn ? nlohmann::ordered_json(tn->authorities.size()) : nullptr;
    j["required"] = tn ? nlohmann::ordered_json(tn->required()) : nullptr;
    j["max_age_seconds"] = tn && tn->max_age ? nlohmann::ordered_json(tn->max_age->count()) : nullptr;
    j["problems"] = nlohmann::ordered_json::array();
    for (const auto& p : r.problems)
        j["problems"].push_back(
            {{"line", p.line ? nlohmann::ordered_json(p.line) : nlohmann::ordered_json(nullptr)},
             {"message", p.message}});
    if (auto verdict = check_verdict(r); !verdict) j["error"] = verdict.error().message;
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

core::Result<std::string> run_check(const CheckOptions& o) {
    UTXO_TRY_ASSIGN(auto r, check_report(o));
    UTXO_TRY(check_verdict(r));
    return fmt::format("{}: ok: network {}, {} authorities, {} required{}\n", r.file.string(),
                       core::network_name(r.trustnet->network), r.trustnet->authorities.size(),
                       r.trustnet->required(), max_age_note(*r.trustnet));
}

}  // namespace utxo::trustnet

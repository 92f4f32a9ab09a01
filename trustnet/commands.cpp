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

core::Result<std::string> run_list(const ListOptions& o) {
    UTXO_TRY_ASSIGN(auto doc, load(o.file));
    const auto& tn = doc.trustnet;
    if (o.json) {
        nlohmann::json out{
            {"format", 1}, {"network", core::network_name(tn.network)}, {"required", tn.required()}};
        out["require"] = tn.require_k ? nlohmann::json(*tn.require_k) : nlohmann::json("all");
        out["authorities"] = nlohmann::json::array();
        for (const auto& a : tn.authorities)
            out["authorities"].push_back({{"name", a.name},
                                          {"key_id", a.key.id.to_hex()},
                                          {"public_key", core::public_key_line(a.key)},
                                          {"urls", a.urls}});
        return out.dump(2) + "\n";
    }
    std::string text = fmt::format(
        "network {}, require {} ({} of {} authorities)\n", core::network_name(tn.network),
        tn.require_k ? std::to_string(*tn.require_k) : "all", tn.required(), tn.authorities.size());
    for (const auto& a : tn.authorities) {
        text += fmt::format("{} {} {}", a.name, a.key.id.to_hex(), core::public_key_line(a.key));
        for (const auto& url : a.urls) text += " " + url;
        text += "\n";
    }
    return text;
}

core::Result<std::string> run_check(const CheckOptions& o) {
    const auto& file = o.file;
    auto text = core::read_small_file(file, 1u << 20);
    if (!text) return failure(file, text.error());
    auto problems = core::check_trustnet(*text);
    if (problems.empty()) {
        auto doc = core::parse_trustnet(*text);
        const auto& tn = doc->trustnet;
        return fmt::format("{}: ok: network {}, {} authorities, {} required\n", file.string(),
                           core::network_name(tn.network), tn.authorities.size(), tn.required());
    }
    std::string report;
    for (const auto& p : problems)
        report += p.line ? fmt::format("{}:{}: {}\n", file.string(), p.line, p.message)
                         : fmt::format("{}: {}\n", file.string(), p.message);
    report.pop_back();
    return core::fail(Errc::rejected, std::move(report));
}

}  // namespace utxo::trustnet

#include "trustnet/commands.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "trustnet/edit.h"
#include "core/file_io.h"

namespace utxo::trustnet {

namespace {
std::unexpected<Failure> failure(int code, const std::filesystem::path& file, std::string_view what) {
    return std::unexpected(Failure{code, fmt::format("{}: {}", file.string(), what)});
}

// Edits need a file that parses; its problems are the user's to fix first (exit 2).
[[nodiscard]] std::expected<TrustnetDocument, Failure> load(const std::filesystem::path& file) {
    auto doc = load_trustnet(file);
    if (!doc) return failure(2, file, doc.error().message);
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
    if (!key) return core::fail(core::Errc::usage, fmt::format("\"{}\" is neither a public key file nor a minisign public key", arg));
    return key;
}
}  // namespace

Outcome cmd_init(const std::filesystem::path& file, const std::string& network) {
    auto net = core::parse_network(network);
    if (!net) return failure(2, file, fmt::format("unknown network \"{}\" (use main, test, testnet4, signet or regtest)", network));
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) return failure(2, file, "already exists; not overwriting it");
    auto text = initial_trustnet(*net);
    if (auto w = core::write_file_atomically(file, core::as_bytes(text), 0644); !w) return failure(2, file, w.error().message);
    return fmt::format("created {} for network {}\n", file.string(), core::network_name(*net));
}

Outcome cmd_add(const std::filesystem::path& file, const std::string& name, const std::string& key_arg,
                const std::vector<std::string>& urls) {
    UTXO_TRY_ASSIGN(auto doc, load(file));
    auto key = read_key_argument(key_arg);
    if (!key) return failure(2, file, key.error().message);
    if (auto added = add_authority(doc, name, *key, urls); !added)
        return failure(added.error().code == core::Errc::mismatch ? 1 : 2, file, added.error().message);
    if (auto saved = save_trustnet(file, doc); !saved) return failure(2, file, saved.error().message);
    return fmt::format("added {} (key id {})\n", name, key->id.to_hex());
}

Outcome cmd_remove(const std::filesystem::path& file, const std::string& name) {
    UTXO_TRY_ASSIGN(auto doc, load(file));
    if (auto removed = remove_authority(doc, name); !removed)
        return failure(removed.error().code == core::Errc::not_found ? 1 : 2, file, removed.error().message);
    if (auto saved = save_trustnet(file, doc); !saved) return failure(2, file, saved.error().message);
    return fmt::format("removed {}\n", name);
}

[[nodiscard]] Outcome cmd_list(const std::filesystem::path& file, bool json) {
    UTXO_TRY_ASSIGN(auto doc, load(file));
    const auto& tn = doc.trustnet;
    if (json) {
        nlohmann::json out{{"format", 1}, {"network", core::network_name(tn.network)}, {"required", tn.required()}};
        out["require"] = tn.require_k ? nlohmann::json(*tn.require_k) : nlohmann::json("all");
        out["authorities"] = nlohmann::json::array();
        for (const auto& a : tn.authorities)
            out["authorities"].push_back({{"name", a.name}, {"key_id", a.key.id.to_hex()},
                                          {"public_key", core::public_key_line(a.key)}, {"urls", a.urls}});
        return out.dump(2) + "\n";
    }
    std::string text = fmt::format("network {}, require {} ({} of {} authorities)\n", core::network_name(tn.network),
                                   tn.require_k ? std::to_string(*tn.require_k) : "all", tn.required(), tn.authorities.size());
    for (const auto& a : tn.authorities) {
        text += fmt::format("{} {} {}", a.name, a.key.id.to_hex(), core::public_key_line(a.key));
        for (const auto& url : a.urls) text += " " + url;
        text += "\n";
    }
    return text;
}

Outcome cmd_check(const std::filesystem::path& file) {
    auto text = core::read_small_file(file, 1u << 20);
    if (!text) return failure(2, file, text.error().message);
    auto problems = check_trustnet(*text);
    if (problems.empty()) {
        auto doc = parse_trustnet(*text);
        const auto& tn = doc->trustnet;
        return fmt::format("{}: ok: network {}, {} authorities, {} required\n", file.string(),
                           core::network_name(tn.network), tn.authorities.size(), tn.required());
    }
    std::string report;
    for (const auto& p : problems)
        report += p.line ? fmt::format("{}:{}: {}\n", file.string(), p.line, p.message)
                         : fmt::format("{}: {}\n", file.string(), p.message);
    report.pop_back();
    return std::unexpected(Failure{1, report});
}

}  // namespace utxo::trustnet

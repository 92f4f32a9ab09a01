// utxo-trustnet verify: the agreement rule over release directories on disk.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/agreement.h"
#include "core/file_io.h"
#include "core/release_age.h"
#include "trustnet/commands.h"
#include "trustnet/edit.h"

namespace utxo::trustnet {

namespace {
constexpr std::size_t kMaxManifest = 64u << 20;

// DIR/manifest.json and every DIR/manifest.json.*.minisig, in name order.
[[nodiscard]] core::Result<core::SignedManifest> read_release_dir(const std::filesystem::path& dir) {
    auto manifest_path = dir / "manifest.json";
    auto manifest = core::read_small_file(manifest_path, kMaxManifest);
    if (!manifest)
        return core::fail(manifest.error().code,
                          fmt::format("{}: {}", manifest_path.string(), manifest.error().message));
    core::SignedManifest out{manifest_path.string(), std::move(*manifest), {}};
    std::vector<std::filesystem::path> sig_paths;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        auto name = entry.path().filename().string();
        if (name.starts_with("manifest.json.") && name.ends_with(".minisig"))
            sig_paths.push_back(entry.path());
    }
    std::sort(sig_paths.begin(), sig_paths.end());
    for (const auto& p : sig_paths) {
        auto bytes = core::read_small_file(p, 65536);
        // An unreadable or oversized signature file is reported by the rule, not a crash.
        out.signatures.push_back({p.string(), bytes ? std::move(*bytes) : std::string()});
    }
    return out;
}
}  // namespace

core::Result<VerifyReport> verify_report(const VerifyOptions& o) {
    auto doc = core::load_trustnet(o.trustnet_file);
    if (!doc)
        return core::fail(doc.error().code,
                          fmt::format("{}: {}", o.trustnet_file.string(), doc.error().message));
    UTXO_TRY_ASSIGN(auto candidate, read_release_dir(o.release_dir));
    core::Release release{doc->trustnet.network, 0, std::move(candidate), {}};
    if (auto s = core::statement_for_manifest(core::as_bytes(release.candidate.manifest))) {
        release.network = s->network;  // a directory offers what its manifest says
        release.height = s->height;
    }
    for (const auto& dir : o.other_dirs) {
        UTXO_TRY_ASSIGN(auto other, read_release_dir(dir));
        release.others.push_back(std::move(other));
    }
    auto verdict = core::evaluate_agreement(doc->trustnet, release, o.installed_height);
    return VerifyReport{std::move(verdict), release.network, release.height, doc->trustnet.required()};
}

namespace {
std::string notes(const VerifyReport& r) {
    std::string out;
    for (const auto& i : r.verdict.ignored) out += fmt::format("not counted: {}\n", i.reason);
    return out;
}
}  // namespace

core::Status verify_verdict(const VerifyReport& r) {
    if (r.verdict.accepted()) return {};
    return core::fail(core::Errc::rejected, notes(r) + r.verdict.message);
}

std::string verify_json(const VerifyReport& r) {
    const auto& v = r.verdict;
    nlohmann::ordered_json j{{"ok", v.accepted()}, {"message", v.message}};
    j["refusal"] = v.accepted() ? nlohmann::ordered_json(nullptr)
                                : nlohmann::ordered_json(core::refusal_name(v.refusal));
    j["network"] = core::network_name(r.network);
    j["height"] = r.height.value;
    j["required"] = r.required;
    j["signers"] = v.signers;
    j["signed_at"] = v.signed_at ? nlohmann::ordered_json(*v.signed_at) : nlohmann::ordered_json(nullptr);
    j["ignored"] = nlohmann::ordered_json::array();
    for (const auto& i : v.ignored) j["ignored"].push_back({{"file", i.origin}, {"reason", i.reason}});
    if (auto verdict = verify_verdict(r); !verdict) j["error"] = verdict.error().message;
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

core::Result<std::string> run_verify(const VerifyOptions& o) {
    UTXO_TRY_ASSIGN(auto r, verify_report(o));
    UTXO_TRY(verify_verdict(r));
    auto text = notes(r) + r.verdict.message + "\n";
    if (r.verdict.signed_at)  // the earliest signing time of the counted signatures (core/agreement.h)
        text +=
            fmt::format("signed at {} ({})\n", core::format_utc(*r.verdict.signed_at), *r.verdict.signed_at);
    return text;
}

}  // namespace utxo::trustnet

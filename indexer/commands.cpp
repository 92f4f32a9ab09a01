// The indexer commands that are more than one library call: addresses, release, verify-release,
// and the --json objects of run, release, verify-release and addresses.
#include "indexer/commands.h"

#include <fmt/format.h>

#include "core/dir_lock.h"
#include "core/file_io.h"
#include "core/sha256.h"

namespace utxo::indexer {

using core::Errc;
using core::fail;

namespace {
constexpr std::size_t kMaxManifestBytes = 64u << 20;  // as verify-release reads it
}  // namespace

core::Result<std::vector<AddressHolding>> list_addresses(const AddressesOptions& o) {
    if (o.db.empty() == o.release.empty()) return fail(Errc::usage, "give either --db or --release");
    return o.db.empty() ? sample_release_addresses(o.release, o.count) : sample_addresses(o.db, o.count);
}

core::Result<ReleaseSummary> cut_store_release(const CutOptions& o) {
    std::error_code ec;
    if (!std::filesystem::is_directory(o.db, ec))  // before the lock would create it
        return fail(Errc::not_found, fmt::format("{}: no UTXO store here", o.db.string()));
    // The store and the releases root each have one writer (core/dir_lock.h).
    UTXO_TRY_ASSIGN(auto db_lock, core::DirLock::take(o.db));
    UTXO_TRY_ASSIGN(auto releases_lock, core::DirLock::take(o.release.releases));
    UTXO_TRY_ASSIGN(auto store, UtxoStore::open_existing(o.db));
    UTXO_TRY_ASSIGN(auto outcome, cut_release(store, o.release));
    if (auto* not_cut = std::get_if<ReleaseNotCut>(&outcome))
        return fail(Errc::not_found, std::move(not_cut->reason));
    auto summary = std::get<ReleaseSummary>(std::move(outcome));
    if (summary.already_existed) {  // cut_release stops at the name: its figures are in its manifest
        const auto file = summary.dir / "manifest.json";
        auto bytes = core::read_small_file(file, kMaxManifestBytes);
        if (!bytes)
            return fail(bytes.error().code, fmt::format("{}: {}", file.string(), bytes.error().message));
        auto manifest = core::decode_manifest(*bytes);
        if (!manifest)
            return fail(manifest.error().code,
                        fmt::format("{}: {}", file.string(), manifest.error().message));
        summary.manifest = std::move(*manifest);
    }
    return summary;
}

core::Result<VerifyReport> judge_release(const std::filesystem::path& dir) {
    auto report = verify_release(dir);
    if (!report)
        return fail(report.error().code == Errc::mismatch ? Errc::rejected : report.error().code,
                    fmt::format("{}: {}", dir.string(), report.error().message));
    return report;
}

namespace {
std::uint64_t total_bytes(const std::vector<core::FileEntry>& files) {
    std::uint64_t n = 0;
    for (const auto& f : files) n += f.bytes;
    return n;
}
}  // namespace

nlohmann::ordered_json release_json(const ReleaseSummary& r) {
    const auto& m = r.manifest;
    std::uint64_t shard_bytes = 0;
    for (const auto& s : m.shards) shard_bytes += s.bytes;
    nlohmann::ordered_json j;
    j["dir"] = r.dir.string();
    j["network"] = core::network_name(m.network);
    j["height"] = m.height.value;
    j["block_hash"] = m.block.to_display_hex();
    j["shard_count"] = m.shard_count;
    j["piece_size"] = m.piece_size;
    j["coins"] = m.coins;
    j["total_amount"] = m.total_amount.sat;
    j["hash_serialized_3"] = m.hash_serialized_3.to_display_hex();
    j["muhash"] = m.muhash.to_display_hex();
    // The manifest file is its canonical encoding (core/manifest.h), so this is the file's SHA-256:
    // what the authorities' signatures state.
    j["manifest_sha256"] = core::sha256(core::as_bytes(core::encode_manifest(m))).to_hex();
    j["shards_infohash"] = m.shards_infohash.to_hex();
    j["shard_bytes"] = shard_bytes;
    if (m.patches && m.patches_infohash)
        j["patches"] = {{"from_height", m.patches->from_height.value},
                        {"from_block", m.patches->from_block.to_display_hex()},
                        {"infohash", m.patches_infohash->to_hex()},
                        {"bytes", total_bytes(m.patches->files)}};
    else
        j["patches"] = nullptr;
    j["seconds"] = r.seconds;
    return j;
}

nlohmann::ordered_json verify_json(const std::filesystem::path& dir, const VerifyReport& r) {
    nlohmann::ordered_json j;
    j["ok"] = true;
    j["dir"] = dir.string();
    j["files"] = r.files;
    j["bytes"] = r.bytes;
    j["coins"] = r.coins;
    j["checks"] = r.checks;
    j["hash_seconds"] = r.hash_seconds;
    j["coins_seconds"] = r.coins_seconds;
    j["patch_seconds"] = r.patch_seconds;
    return j;
}

nlohmann::ordered_json addresses_json(const std::vector<AddressHolding>& holdings) {
    auto list = nlohmann::ordered_json::array();
    for (const auto& a : holdings)
        list.push_back(
            nlohmann::ordered_json{{"address", a.address}, {"value", a.value.sat}, {"coins", a.coins}});
    return nlohmann::ordered_json{{"addresses", std::move(list)}};
}

}  // namespace utxo::indexer

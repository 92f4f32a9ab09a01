// The release torrents of an accepted manifest: the .torrent served by a seeder is used only when
// its infohash is the one the authorities signed and its files are exactly the manifest's.
#include <fmt/format.h>

#include <algorithm>

#include "verifier/fetch_internal.h"
#include "verifier/log.h"

namespace utxo::verifier {

using core::Errc;
using core::fail;

namespace {

constexpr std::size_t kMaxTorrent = 64u << 20;

// The file list must be the manifest's, in order: <part>/NNNNN.<ext> with the signed sizes.
[[nodiscard]] core::Status match_files(const net::TorrentContents& facts, const core::Manifest& m,
                                       Part part) {
    const bool shards = part == Part::shards;
    const std::string name = shards ? "shards" : "patches";
    std::size_t count = shards ? m.shards.size() : m.patches->files.size();
    if (facts.name != name || facts.files.size() != count)
        return fail(Errc::mismatch, fmt::format("the torrent holds {} files named \"{}\", the manifest {} {}",
                                                facts.files.size(), facts.name, count, name));
    for (std::uint32_t i = 0; i < count; ++i) {
        std::string path = name + "/" + (shards ? core::shard_file_name(i) : core::patch_file_name(i));
        std::uint64_t bytes = shards ? m.shards[i].bytes : m.patches->files[i].bytes;
        if (facts.files[i].path != path || facts.files[i].size != bytes)
            return fail(Errc::mismatch,
                        fmt::format("the torrent's file {} is {} ({} bytes), the manifest's is {} ({} bytes)",
                                    i, facts.files[i].path, facts.files[i].size, path, bytes));
    }
    return {};
}

}  // namespace

core::Status check_release_torrent(const net::TorrentContents& facts, const core::Manifest& m, Part part) {
    const std::optional<core::InfoHash> signed_hash =
        part == Part::shards ? std::optional<core::InfoHash>(m.shards_infohash) : m.patches_infohash;
    if (!signed_hash) return fail(Errc::not_found, "the release has no patches torrent");
    if (facts.infohash != *signed_hash || facts.has_v2)
        return fail(Errc::mismatch, fmt::format("its infohash {} is not the signed {}",
                                                facts.infohash.to_hex(), signed_hash->to_hex()));
    return match_files(facts, m, part);
}

namespace {

// The metadata of the signed infohash from the swarm (BEP 9), checked like a served .torrent.
core::Result<std::pair<std::string, net::TorrentContents>> metadata_from_swarm(
    Swarm& swarm, const core::InfoHash& infohash, const std::vector<HostPort>& peers, const core::Manifest& m,
    Part part, const std::atomic<bool>& stop) {
    UTXO_TRY_ASSIGN(auto bytes, swarm.fetch_metadata(infohash, peers, stop));
    UTXO_TRY_ASSIGN(auto facts, read_torrent_facts(bytes));
    UTXO_TRY(check_release_torrent(facts, m, part));
    return std::pair{std::move(bytes), std::move(facts)};
}

}  // namespace

core::Result<ReleaseTorrent> release_torrent(const std::vector<Offer>& offers, const core::Manifest& m,
                                             Part part, Swarm* swarm, const std::atomic<bool>* stop) {
    const std::optional<core::InfoHash> signed_hash =
        part == Part::shards ? std::optional<core::InfoHash>(m.shards_infohash) : m.patches_infohash;
    if (!signed_hash || (part == Part::patches && !m.patches))
        return fail(Errc::not_found, "the release has no patches torrent");
    ReleaseTorrent out;
    std::string last_problem = "no source offers it";
    bool from_peers = false;  // an offer without a .torrent URL (a DHT pointer): ask the swarm
    for (const auto& o : offers) {
        const auto& t = part == Part::shards ? o.shards : o.patches;
        if (!t) continue;
        for (const auto& p : t->peers)
            if (std::find(out.peers.begin(), out.peers.end(), p) == out.peers.end()) out.peers.push_back(p);
        if (!t->torrent) from_peers = true;
        if (!out.bytes.empty() || !t->torrent) continue;
        auto bytes = seeder_get(*t->torrent, kMaxTorrent);
        if (!bytes || !*bytes) {
            last_problem = fmt::format("{}: {}", t->torrent->str(), why_no_body(bytes));
            log().warn("{}", last_problem);
            continue;
        }
        auto facts = read_torrent_facts(**bytes);
        core::Status ok =
            facts ? check_release_torrent(*facts, m, part) : core::Status{std::unexpected(facts.error())};
        if (!ok) {
            last_problem = fmt::format("{}: refused: {}", t->torrent->str(), ok.error().message);
            log().warn("{}", last_problem);
            continue;
        }
        out.bytes = std::move(**bytes);
        out.facts = std::move(*facts);
    }
    if (out.bytes.empty() && from_peers && swarm && stop) {
        // The signed infohash's metadata from the swarm's peers (BEP 9), checked like a served file.
        auto got = metadata_from_swarm(*swarm, *signed_hash, out.peers, m, part, *stop);
        if (got) {
            out.bytes = std::move(got->first);
            out.facts = std::move(got->second);
        } else {
            last_problem =
                fmt::format("the swarm's metadata for {}: {}", signed_hash->to_hex(), got.error().message);
            log().warn("{}", last_problem);
        }
    }
    if (out.bytes.empty())
        return fail(Errc::not_found, fmt::format("no usable {} torrent for the accepted release ({})",
                                                 part == Part::shards ? "shards" : "patches", last_problem));
    return out;
}

}  // namespace utxo::verifier

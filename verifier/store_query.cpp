// Store queries: coins of one script (through its shard's script index, or a scan of the shard
// file), and the deep check.
#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "core/file_io.h"
#include "core/muhash.h"
#include "core/serialize.h"
#include "core/sha256.h"
#include "core/shard.h"
#include "verifier/shard_records.h"
#include "verifier/store.h"
#include "verifier/store_impl.h"

namespace utxo::verifier {

namespace fs = std::filesystem;
using core::Errc;
using core::fail;

namespace {

// Walks the records of a shard file without decoding them (its SHA-256 matched the signed manifest
// at install) and decodes only the coins `match` accepts.
[[nodiscard]] core::Result<std::vector<OwnedCoin>> scan_shard(const fs::path& path,
                                                              const ScriptMatch& match) {
    auto file = core::read_small_file(path, std::size_t{1} << 34);
    if (!file) return fail(file.error().code, fmt::format("{}: {}", path.string(), file.error().message));
    const core::ByteView data = core::as_bytes(*file);
    if (data.size() < core::ShardHeader::kSize)
        return fail(Errc::truncated, fmt::format("{}: too short", path.string()));
    auto header = core::decode_shard_header(data.first(core::ShardHeader::kSize));
    if (!header)
        return fail(header.error().code, fmt::format("{}: {}", path.string(), header.error().message));
    std::vector<OwnedCoin> out;
    std::size_t at = core::ShardHeader::kSize;
    for (std::uint64_t i = 0; i < header->coin_count; ++i) {
        auto r = take_record(data, at);
        if (!r)
            return fail(r.error().code, fmt::format("{}: coin {}: {}", path.string(), i, r.error().message));
        at = r->end;
        if (!match(r->compressed)) continue;
        auto coin = decode_record(data, *r);
        if (!coin)
            return fail(coin.error().code,
                        fmt::format("{}: coin {}: {}", path.string(), i, coin.error().message));
        out.push_back(std::move(*coin));
    }
    return out;
}

// The coins of one shard that `match` accepts: through the shard's script index when it has a
// valid one (only the records whose key is `key` are read), else by a scan of the whole file.
[[nodiscard]] core::Result<std::vector<OwnedCoin>> query_shard(Store::Impl& impl,
                                                               const std::shared_ptr<const Installed>& cur,
                                                               std::uint32_t shard, const ScriptKey& key,
                                                               const ScriptMatch& match) {
    const fs::path path = shard_path(cur->dir, shard);
    auto table = script_index_of(impl, cur, shard);
    if (table && *table) {
        auto offsets = find_in_script_index(script_index_path(cur->dir, shard), **table, key);
        if (offsets) return read_records(path, *offsets, match);
        log().debug("{}; scanning", offsets.error().message);
    } else if (!table) {
        log().debug("{}; scanning", table.error().message);
    }
    return scan_shard(path, match);
}

[[nodiscard]] core::Status require_held(const Installed& cur, std::uint32_t shard, const char* what) {
    if (!std::binary_search(cur.shards.begin(), cur.shards.end(), shard))
        return fail(Errc::not_found,
                    fmt::format("shard {} is not held by this wallet store; fetch it to answer for this {}",
                                shard, what));
    return {};
}

}  // namespace

core::Result<std::vector<OwnedCoin>> Store::coins_for_script(core::ByteView script) {
    UTXO_TRY_ASSIGN(auto cur, current());
    if (!cur) return fail(Errc::not_found, fmt::format("{}: no release is installed", impl_->dir.string()));
    const std::uint32_t shard = core::shard_of(script, cur->manifest.shard_count);
    UTXO_TRY(require_held(*cur, shard, "script"));
    // The encoding is canonical (one encoding per script), so equal compressed bytes are exactly
    // the coins of this script.
    core::Bytes target;
    core::Writer w(target);
    core::write_compressed_script(w, script);
    return query_shard(*impl_, cur, shard, script_key(core::sha256(script)), [&](core::ByteView c) {
        return std::equal(c.begin(), c.end(), target.begin(), target.end());
    });
}

core::Result<std::vector<OwnedCoin>> Store::coins_for_script_hash(const core::Sha256Digest& script_sha256) {
    UTXO_TRY_ASSIGN(auto cur, current());
    if (!cur) return fail(Errc::not_found, fmt::format("{}: no release is installed", impl_->dir.string()));
    // The shard rule hashes SHA256d(script) = SHA256(script_sha256): the shard is known without the script.
    const auto d = core::sha256(script_sha256.bytes()).bytes();
    const std::uint32_t le = d[0] | (d[1] << 8) | (d[2] << 16) | (std::uint32_t{d[3]} << 24);
    const std::uint32_t shard = le & (cur->manifest.shard_count - 1);
    UTXO_TRY(require_held(*cur, shard, "script hash"));
    // A candidate's script is decoded and hashed: a few hundred ns per coin read (every coin of
    // the shard when it has no script index).
    return query_shard(*impl_, cur, shard, script_key(script_sha256), [&](core::ByteView c) {
        core::Reader in(c);
        auto script = core::read_compressed_script(in);
        return script && core::sha256(*script) == script_sha256;
    });
}

core::Status Store::check_installed() {
    UTXO_TRY_ASSIGN(auto cur, current());
    if (!cur) return fail(Errc::not_found, fmt::format("{}: no release is installed", impl_->dir.string()));
    const auto& m = cur->manifest;
    for (auto i : cur->shards) {
        const fs::path p = shard_path(cur->dir, i);
        auto reader = core::ShardReader::open(p);
        if (!reader)
            return fail(reader.error().code, fmt::format("{}: {}", p.string(), reader.error().message));
        core::MuHash3072 mu;
        std::uint64_t coins = 0;
        while (true) {
            auto next = reader->next();
            if (!next)
                return fail(next.error().code, fmt::format("{}: {}", p.string(), next.error().message));
            if (!*next) break;
            mu.insert_coin((*next)->first, (*next)->second);
            ++coins;
        }
        const core::MuHashDigest got = mu.finalize();
        if (coins != m.shards[i].coins || got != m.shards[i].muhash)
            return fail(Errc::mismatch,
                        fmt::format("{}: {} coins with MuHash {}, the manifest says {} coins with {}",
                                    p.string(), coins, got.to_display_hex(), m.shards[i].coins,
                                    m.shards[i].muhash.to_display_hex()));
    }
    return {};
}

}  // namespace utxo::verifier

// Store queries: coins of one script (a scan of its shard file), and the deep check.
#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "core/file_io.h"
#include "core/muhash.h"
#include "core/serialize.h"
#include "core/sha256.h"
#include "core/shard.h"
#include "verifier/store.h"
#include "verifier/store_impl.h"

namespace utxo::verifier {

namespace fs = std::filesystem;
using core::Errc;
using core::fail;

namespace {

// Skips one compressed script and returns its bytes (the leading VARINT included).
[[nodiscard]] core::Result<core::ByteView> take_compressed_script(core::Reader& in, core::ByteView data) {
    const std::size_t start = in.position();
    UTXO_TRY_ASSIGN(auto n, in.varint(UINT32_MAX));
    std::size_t len = n < 2 ? 20 : n < 6 ? 32 : n - 6;
    UTXO_TRY(in.bytes(len));
    return data.subspan(start, in.position() - start);
}

// Decides from a coin's compressed script bytes whether the coin is wanted.
using ScriptMatch = std::function<bool(core::ByteView compressed)>;

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
    core::Reader in(data.subspan(core::ShardHeader::kSize));
    const core::ByteView body = data.subspan(core::ShardHeader::kSize);
    std::vector<OwnedCoin> out;
    for (std::uint64_t i = 0; i < header->coin_count; ++i) {
        auto txid = in.hash<core::TxidTag>();
        auto vout = in.compact_size(UINT32_MAX);
        const std::size_t coin_start = in.position();
        auto code = in.varint(UINT32_MAX);
        auto amount = in.varint();
        if (!txid || !vout || !code || !amount)
            return fail(Errc::truncated, fmt::format("{}: coin {} is cut short", path.string(), i));
        auto s = take_compressed_script(in, body);
        if (!s) return fail(Errc::truncated, fmt::format("{}: coin {} is cut short", path.string(), i));
        if (!match(*s)) continue;
        core::Reader coin_in(body.subspan(coin_start, in.position() - coin_start));
        auto coin = core::read_coin(coin_in);
        if (!coin)
            return fail(coin.error().code,
                        fmt::format("{}: coin {}: {}", path.string(), i, coin.error().message));
        out.push_back(OwnedCoin{core::OutPoint{*txid, static_cast<std::uint32_t>(*vout)}, std::move(*coin)});
    }
    return out;
}

}  // namespace

core::Result<std::vector<OwnedCoin>> Store::coins_for_script(core::ByteView script) {
    UTXO_TRY_ASSIGN(auto cur, current());
    if (!cur) return fail(Errc::not_found, fmt::format("{}: no release is installed", impl_->dir.string()));
    const std::uint32_t shard = core::shard_of(script, cur->manifest.shard_count);
    const auto& held = cur->shards;
    if (!std::binary_search(held.begin(), held.end(), shard))
        return fail(Errc::not_found,
                    fmt::format("shard {} is not held by this wallet store; fetch it to answer for "
                                "this script",
                                shard));
    // The encoding is canonical (one encoding per script), so equal compressed bytes are exactly
    // the coins of this script.
    core::Bytes target;
    core::Writer w(target);
    core::write_compressed_script(w, script);
    return scan_shard(shard_path(cur->dir, shard), [&](core::ByteView c) {
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
    const auto& held = cur->shards;
    if (!std::binary_search(held.begin(), held.end(), shard))
        return fail(Errc::not_found,
                    fmt::format("shard {} is not held by this wallet store; fetch it to answer for "
                                "this script hash",
                                shard));
    // Each script is decoded and hashed: a few hundred ns per coin of the one shard.
    return scan_shard(shard_path(cur->dir, shard), [&](core::ByteView c) {
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

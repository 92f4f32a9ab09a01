#include "indexer/verify_release.h"

#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <set>

#include "core/file_io.h"
#include "core/hash_serialized.h"
#include "core/manifest.h"
#include "core/muhash.h"
#include "core/patch.h"
#include "core/shard.h"
#include "core/shard_merge.h"
#include "indexer/muhash_pipeline.h"
#include "indexer/patch_replay.h"
#include "indexer/piece_hasher.h"
#include "indexer/torrent_maker.h"

namespace utxo::indexer {

namespace fs = std::filesystem;
using core::Errc;
using core::fail;
using core::Result;
using core::Status;

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

template <class... A>
std::unexpected<core::Error> mismatch(fmt::format_string<A...> f, A&&... args) {
    return fail(Errc::mismatch, fmt::format(f, std::forward<A>(args)...));
}
// Prefixes an error from a lower layer with the file it concerns, keeping its code.
std::unexpected<core::Error> in_file(const std::string& name, const core::Error& e) {
    return fail(e.code, fmt::format("{}: {}", name, e.message));
}

std::string shard_rel(std::uint32_t i) { return "shards/" + core::shard_file_name(i); }
std::string patch_rel(std::uint32_t i) { return "patches/" + core::patch_file_name(i); }

// Size caps on what is read whole: a 65,536-shard manifest is about 13 MiB and its torrents a few
// MiB, so 64 MiB refuses a hostile file before it is read instead of holding hundreds of MB.
constexpr std::size_t kMaxManifest = 64u << 20;
constexpr std::size_t kMaxTorrent = 64u << 20;
// A patch is read whole; its size is capped by what the manifest says (and by this).
constexpr std::size_t kMaxPatch = std::size_t{1} << 30;

// The whole file, refused past max_size or when it is not a regular file (a FIFO would block).
[[nodiscard]] Result<core::Bytes> read_all(const fs::path& path, const std::string& name,
                                           std::size_t max_size) {
    auto text = core::read_small_file(path, max_size);
    if (!text) return in_file(name, text.error());
    return core::Bytes(text->begin(), text->end());
}

struct Verifier {
    fs::path dir;
    core::Manifest m;
    VerifyReport report;
    void passed(std::string line) { report.checks.push_back(std::move(line)); }
};

// decode_manifest refuses non-canonical bytes and checks the fields against each other (shard
// count, coin sums, patches present with their torrent); what it leaves is checked here.
[[nodiscard]] Result<core::Manifest> load_manifest(const fs::path& dir) {
    UTXO_TRY_ASSIGN(auto bytes, read_all(dir / "manifest.json", "manifest.json", kMaxManifest));
    auto m =
        core::decode_manifest(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    if (!m) return in_file("manifest.json", m.error());
    // BitTorrent needs whole 16 KiB blocks per piece; libtorrent wants a power of two.
    if (m->piece_size < 16 * 1024 || (m->piece_size & (m->piece_size - 1)) != 0)
        return fail(Errc::invalid,
                    fmt::format("manifest.json: piece_size {} is not a power of two of at least "
                                "16 KiB",
                                m->piece_size));
    return m;
}

[[nodiscard]] Status check_dir_name(const fs::path& dir, const core::Manifest& m) {
    fs::path norm = dir.lexically_normal();
    std::string actual = (norm.has_filename() ? norm : norm.parent_path()).filename().string();
    std::string expected = core::release_dir_name(m.height, m.block);
    if (actual != expected)
        return mismatch("{}: directory name is {}, manifest.json says {}", dir.string(), actual, expected);
    return {};
}

// `sub` must hold exactly `count` files named by `name_of`, nothing else.
[[nodiscard]] Status check_listing(const fs::path& dir, const std::string& sub, std::uint32_t count,
                                   std::string (*name_of)(std::uint32_t)) {
    std::set<std::string> present;
    std::error_code ec;
    if (fs::exists(dir / sub, ec)) {
        for (fs::directory_iterator it(dir / sub, ec), end; !ec && it != end; it.increment(ec))
            present.insert(it->path().filename().string());
        if (ec) return fail(Errc::io, fmt::format("{}/: cannot list: {}", sub, ec.message()));
    }
    for (std::uint32_t i = 0; i < count; ++i) {
        std::string name = name_of(i);
        if (!present.erase(name)) return mismatch("{}/{}: missing", sub, name);
        if (!fs::is_regular_file(dir / sub / name, ec))
            return mismatch("{}/{}: not a regular file", sub, name);
    }
    if (!present.empty())
        return mismatch("{}/{}: not part of the release (the manifest lists {} files here)", sub,
                        *present.begin(), count);
    return {};
}

[[nodiscard]] Status check_file_entry(const HashedFile& f, std::uint64_t bytes,
                                      const core::Sha256Digest& sha256) {
    if (f.file.size != bytes)
        return mismatch("{}: bytes is {}, manifest says {}", f.file.path, f.file.size, bytes);
    if (f.sha256 != sha256)
        return mismatch("{}: sha256 is {}, manifest says {}", f.file.path, f.sha256.to_hex(),
                        sha256.to_hex());
    return {};
}

// Which file holds the first byte of a piece, for messages.
std::string file_at(const std::vector<TorrentFile>& files, std::uint64_t offset) {
    for (const auto& f : files) {
        if (offset < f.size) return f.path;
        offset -= f.size;
    }
    return "past the end";
}

[[nodiscard]] Status compare_torrent(const std::string& tname, const TorrentContents& c,
                                     const std::vector<TorrentFile>& files,
                                     const std::vector<Sha1Digest>& pieces, std::uint32_t piece_size) {
    if (c.has_v2) return mismatch("{}: carries v2 metadata; releases use v1-only torrents", tname);
    if (c.piece_size != piece_size)
        return mismatch("{}: piece size is {}, manifest says {}", tname, c.piece_size, piece_size);
    if (c.files.size() != files.size())
        return mismatch("{}: lists {} files, the release has {}", tname, c.files.size(), files.size());
    for (std::size_t i = 0; i < files.size(); ++i)
        if (c.files[i] != files[i])
            return mismatch("{}: file {} is {} ({} bytes), the release has {} ({} bytes)", tname, i,
                            c.files[i].path, c.files[i].size, files[i].path, files[i].size);
    if (c.pieces.size() != pieces.size())
        return mismatch("{}: has {} piece hashes, the files make {} pieces", tname, c.pieces.size(),
                        pieces.size());
    for (std::size_t p = 0; p < pieces.size(); ++p)
        if (c.pieces[p] != pieces[p])
            return mismatch("{}: piece {} (starting in {}) hash is {}, the files give {}", tname, p,
                            file_at(files, std::uint64_t{p} * piece_size), c.pieces[p].to_hex(),
                            pieces[p].to_hex());
    return {};
}

// The torrent file against the manifest's infohash and against the files just hashed. Rebuilding
// the torrent also catches info-dictionary content no field above covers (say, a "private" flag).
[[nodiscard]] Status check_torrent(Verifier& v, const std::string& part, const core::InfoHash& infohash,
                                   const std::vector<TorrentFile>& files,
                                   const std::vector<Sha1Digest>& pieces) {
    const std::string tname = part + ".torrent";
    UTXO_TRY_ASSIGN(auto bytes, read_all(v.dir / tname, tname, kMaxTorrent));
    auto c = read_torrent(bytes);
    if (!c) return in_file(tname, c.error());
    if (c->infohash != infohash)
        return mismatch("{}: infohash is {}, manifest says {}", tname, c->infohash.to_hex(),
                        infohash.to_hex());
    UTXO_TRY(compare_torrent(tname, *c, files, pieces, v.m.piece_size));
    auto rebuilt = make_torrent(part, files, v.m.piece_size, pieces);
    if (!rebuilt) return in_file(tname, rebuilt.error());
    auto expected = torrent_infohash(*rebuilt);
    if (!expected) return in_file(tname, expected.error());
    if (*expected != infohash)
        return mismatch(
            "{}: its info dictionary is not the canonical one for these files (that has infohash {})", tname,
            expected->to_hex());
    v.passed(fmt::format("{}: infohash {}, {} files, {} pieces of {} bytes match the files", tname,
                         infohash.to_hex(), files.size(), pieces.size(), v.m.piece_size));
    return {};
}

[[nodiscard]] Status check_patch_header(const Verifier& v, std::uint32_t i, const core::PatchHeader& h) {
    const std::string name = patch_rel(i);
    const core::PatchSet& ps = *v.m.patches;
    if (h.network != v.m.network)
        return mismatch("{}: network is {}, manifest says {}", name, core::network_name(h.network),
                        core::network_name(v.m.network));
    if (h.from_block != ps.from_block)
        return mismatch("{}: from_block_hash is {}, manifest says {}", name, h.from_block.to_display_hex(),
                        ps.from_block.to_display_hex());
    if (h.from_height != ps.from_height)
        return mismatch("{}: from_height is {}, manifest says {}", name, h.from_height.value,
                        ps.from_height.value);
    if (h.to_block != v.m.block)
        return mismatch("{}: to block is {}, manifest says {}", name, h.to_block.to_display_hex(),
                        v.m.block.to_display_hex());
    if (h.to_height != v.m.height)
        return mismatch("{}: to height is {}, manifest says {}", name, h.to_height.value, v.m.height.value);
    if (h.shard_index != i || h.shard_count != v.m.shard_count)
        return mismatch("{}: shard is {} of {}, expected {} of {}", name, h.shard_index, h.shard_count, i,
                        v.m.shard_count);
    return {};
}

// Pass 1 for shards: raw bytes in index order -> size, SHA-256, and the torrent's pieces.
[[nodiscard]] Status hash_shards(Verifier& v) {
    PieceHasher hasher(v.m.piece_size);
    for (std::uint32_t i = 0; i < v.m.shard_count; ++i) {
        UTXO_TRY(hasher.hash_file(v.dir / shard_rel(i), shard_rel(i)));
        const core::ShardEntry& e = v.m.shards[i];
        UTXO_TRY(check_file_entry(hasher.files().back(), e.bytes, e.sha256));
    }
    v.report.files += v.m.shard_count;
    v.report.bytes += hasher.total_bytes();
    v.passed(fmt::format("shards/: {} files, {} bytes, sizes and sha256 match the manifest", v.m.shard_count,
                         hasher.total_bytes()));
    auto files = hasher.torrent_files();
    auto pieces = hasher.finish();
    return check_torrent(v, "shards", v.m.shards_infohash, files, pieces);
}

// Patches are small, so each is read into memory once and both hashed and decoded from there.
[[nodiscard]] Status hash_patches(Verifier& v) {
    const core::PatchSet& ps = *v.m.patches;
    PieceHasher hasher(v.m.piece_size);
    for (std::uint32_t i = 0; i < v.m.shard_count; ++i) {
        const std::string name = patch_rel(i);
        const std::uint64_t stated = ps.files[i].bytes;
        auto bytes = read_all(v.dir / name, name, std::min<std::uint64_t>(stated, kMaxPatch));
        if (!bytes && bytes.error().code == Errc::too_large && stated <= kMaxPatch)
            return mismatch("{}: larger than the {} bytes the manifest says", name, stated);
        UTXO_TRY(bytes);
        hasher.begin_file(name);
        hasher.update(*bytes);
        hasher.end_file();
        if (auto st = check_file_entry(hasher.files().back(), ps.files[i].bytes, ps.files[i].sha256); !st)
            return st;
        auto patch = core::decode_patch(*bytes);
        if (!patch) return in_file(name, patch.error());
        UTXO_TRY(check_patch_header(v, i, patch->header));
    }
    v.report.files += v.m.shard_count;
    v.report.bytes += hasher.total_bytes();
    v.passed(fmt::format(
        "patches/: {} files, {} bytes, sizes and sha256 match; all chain from {} at {} to this "
        "release",
        v.m.shard_count, hasher.total_bytes(), ps.from_block.to_display_hex(), ps.from_height.value));
    auto files = hasher.torrent_files();
    auto pieces = hasher.finish();
    return check_torrent(v, "patches", *v.m.patches_infohash, files, pieces);
}

// Pass 2 state: the merge, and a MuHash per shard (folded on a second core) beside the full-set
// accumulators.
struct Merge {
    core::ShardMerge order;
    std::unique_ptr<MuHashPipeline> pipeline;  // one accumulator per shard
    std::vector<core::MuHash3072> muhash;      // filled from the pipeline after the merge
    core::HashSerialized3 hs3;
    std::uint64_t coins = 0;
    std::int64_t total = 0;
};

// Every shard file opened as it is checked (ShardMerge::Reading::checked), its header checked
// against the manifest, and its first coin read.
[[nodiscard]] Result<Merge> open_shards(const Verifier& v) {
    std::vector<fs::path> files;
    files.reserve(v.m.shard_count);
    for (std::uint32_t i = 0; i < v.m.shard_count; ++i) files.push_back(v.dir / shard_rel(i));
    auto check = [&v](std::uint32_t i, const core::ShardHeader& h) {
        return core::check_shard_header(h, v.m, i, shard_rel(i));
    };
    UTXO_TRY_ASSIGN(auto order, core::ShardMerge::open(files, core::ShardMerge::Reading::checked, check));
    return Merge{std::move(order), std::make_unique<MuHashPipeline>(v.m.shard_count), {}, {}, 0, 0};
}

// Pass 2: all shards merged in (txid, vout) order, which hash_serialized_3 needs.
[[nodiscard]] Status merge_shards(Verifier& v, Merge& mg) {
    core::ShardRecord taken;
    while (!mg.order.empty()) {
        const std::uint32_t i = mg.order.next_file();
        const auto& [outpoint, coin] = mg.order.next();
        mg.pipeline->insert_coin(i, outpoint, coin);
        // Outpoints are unique across shards; a duplicate shows up here as an out-of-order add.
        if (auto st = mg.hs3.add(outpoint, coin); !st) return in_file(shard_rel(i), st.error());
        if (__builtin_add_overflow(mg.total, coin.value.sat, &mg.total))
            return fail(Errc::invalid, fmt::format("{}: total amount overflows", shard_rel(i)));
        ++mg.coins;
        UTXO_TRY(mg.order.pop(taken));  // reads the shard's next coin; its errors name the file and the coin
    }
    for (auto& acc : mg.pipeline->finish()) mg.muhash.push_back(std::move(acc.muhash));
    for (std::uint32_t i = 0; i < v.m.shard_count; ++i) {
        const core::MuHashDigest got = mg.muhash[i].finalize();
        if (got != v.m.shards[i].muhash)
            return mismatch("{}: muhash is {}, manifest says {}", shard_rel(i), got.to_display_hex(),
                            v.m.shards[i].muhash.to_display_hex());
    }
    v.passed(fmt::format(
        "shards/: headers, coin counts and per-shard muhash match ({} coins, every coin canonical "
        "and in its shard)",
        mg.coins));
    return {};
}

// The shards are individually right by now, so a difference here is the manifest's full_set.
[[nodiscard]] Status check_full_set(Verifier& v, Merge& mg) {
    const core::Manifest& m = v.m;
    if (mg.coins != m.coins)
        return mismatch("manifest.json: full_set.coins is {}, the shards hold {}", m.coins, mg.coins);
    if (mg.total != m.total_amount.sat)
        return mismatch("manifest.json: full_set.total_amount is {}, the shards hold {}", m.total_amount.sat,
                        mg.total);
    core::MuHash3072 full;
    for (const auto& h : mg.muhash) full *= h;
    core::MuHashDigest mu = full.finalize();
    if (mu != m.muhash)
        return mismatch("manifest.json: full_set.muhash is {}, the shards give {}", m.muhash.to_display_hex(),
                        mu.to_display_hex());
    core::AssumeutxoHash hs = mg.hs3.finalize();
    if (hs != m.hash_serialized_3)
        return mismatch("manifest.json: full_set.hash_serialized_3 is {}, the shards give {}",
                        m.hash_serialized_3.to_display_hex(), hs.to_display_hex());
    v.report.coins = mg.coins;
    v.passed(fmt::format("full set: {} coins, total amount {}, muhash {}, hash_serialized_3 {} match",
                         mg.coins, mg.total, mu.to_display_hex(), hs.to_display_hex()));
    return {};
}

[[nodiscard]] Status check_files_present(Verifier& v) {
    const std::uint32_t patches = v.m.patches ? v.m.shard_count : 0;
    UTXO_TRY(check_listing(v.dir, "shards", v.m.shard_count, core::shard_file_name));
    UTXO_TRY(check_listing(v.dir, "patches", patches, core::patch_file_name));
    std::error_code ec;
    if (!patches && fs::exists(v.dir / "patches.torrent", ec))
        return mismatch("patches.torrent: present, but the manifest has no patches");
    v.passed(fmt::format("shards/ and patches/: exactly the {} shard and {} patch files of the manifest",
                         v.m.shard_count, patches));
    return {};
}

}  // namespace

Result<VerifyReport> verify_release(const fs::path& dir) {
    Verifier v{dir, {}, {}};
    UTXO_TRY_ASSIGN(v.m, load_manifest(dir));
    v.passed(fmt::format("manifest.json: canonical, {} height {} block {}, {} shards",
                         core::network_name(v.m.network), v.m.height.value, v.m.block.to_display_hex(),
                         v.m.shard_count));
    UTXO_TRY(check_dir_name(dir, v.m));
    v.passed("directory name matches height and block hash");
    UTXO_TRY(check_files_present(v));

    auto t1 = Clock::now();
    UTXO_TRY(hash_shards(v));
    if (v.m.patches) UTXO_TRY(hash_patches(v));
    v.report.hash_seconds = seconds_since(t1);

    auto t2 = Clock::now();
    UTXO_TRY_ASSIGN(auto mg, open_shards(v));
    UTXO_TRY(merge_shards(v, mg));
    UTXO_TRY(check_full_set(v, mg));
    v.report.coins_seconds = seconds_since(t2);

    if (v.m.patches) {
        auto t3 = Clock::now();
        UTXO_TRY_ASSIGN(auto replay, replay_patches(dir, v.m));
        v.passed(std::move(replay));
        v.report.patch_seconds = seconds_since(t3);
    }
    return std::move(v.report);
}

}  // namespace utxo::indexer

// The per-shard script index: building, checking, looking up, writing.
#include "verifier/script_index.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "core/coin.h"
#include "core/file_io.h"
#include "core/serialize.h"
#include "core/sha256.h"
#include "core/shard.h"
#include "verifier/shard_records.h"

namespace utxo::verifier {

namespace fs = std::filesystem;
using core::Errc;
using core::fail;

namespace {

constexpr char kMagic[8] = {'U', 'T', 'X', 'O', 'S', 'I', 'D', 'X'};
constexpr std::uint8_t kVersion = 1;

std::uint32_t le32(const std::uint8_t* p) {
    return p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint32_t{p[3]} << 24);
}

}  // namespace

ScriptKey script_key(const core::Sha256Digest& script_sha256) {
    ScriptKey k;
    std::copy_n(script_sha256.bytes().begin(), k.size(), k.begin());
    return k;
}

fs::path script_index_path(const fs::path& release_dir, std::uint32_t shard) {
    return release_dir / "index" / fmt::format("{:05}.sidx", shard);
}

core::Bytes encode_script_index(const core::Sha256Digest& shard_sha256,
                                std::span<const ScriptIndexEntry> entries) {
    core::Bytes out(std::begin(kMagic), std::end(kMagic));
    out.reserve(kScriptIndexHeaderSize + entries.size() * kScriptIndexEntrySize + 32);
    core::Writer w(out);
    w.u8(kVersion);
    w.bytes(shard_sha256.bytes());
    w.u64(entries.size());
    for (const auto& e : entries) {
        w.bytes(e.key);
        w.u32(e.offset);
    }
    w.bytes(core::sha256(out).bytes());
    return out;
}

std::vector<ScriptIndexEntry> decode_script_index_entries(core::ByteView entries) {
    std::vector<ScriptIndexEntry> out(entries.size() / kScriptIndexEntrySize);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::uint8_t* p = entries.data() + i * kScriptIndexEntrySize;
        std::copy_n(p, out[i].key.size(), out[i].key.begin());
        out[i].offset = le32(p + sizeof(ScriptKey));
    }
    return out;
}

core::Result<ScriptIndexTable> check_script_index(core::ByteView file) {
    if (file.size() < kScriptIndexHeaderSize + 32 ||
        !std::equal(kMagic, kMagic + sizeof kMagic, file.begin()))
        return fail(Errc::invalid, "not a script index");
    if (file[8] != kVersion)
        return fail(Errc::invalid, fmt::format("script index version {} is unknown", file[8]));
    ScriptIndexTable t;
    t.shard_sha256 = core::Sha256Digest::from_bytes(file.subspan(9, 32));
    core::Reader count_in(file.subspan(41, 8));
    t.coins = *count_in.u64();
    const std::size_t body = file.size() - kScriptIndexHeaderSize - 32;
    if (body % kScriptIndexEntrySize != 0 || body / kScriptIndexEntrySize != t.coins)
        return fail(Errc::invalid, "the script index's size does not match its coin count");
    if (core::sha256(file.first(file.size() - 32)).bytes() !=
        core::Sha256Digest::from_bytes(file.last(32)).bytes())
        return fail(Errc::mismatch, "the script index's SHA-256 does not match its bytes");
    const std::uint8_t* entries = file.data() + kScriptIndexHeaderSize;
    std::uint32_t b = 0;
    for (std::uint64_t i = 0; i < t.coins; ++i) {
        const std::uint8_t* e = entries + i * kScriptIndexEntrySize;
        if (i > 0 && std::lexicographical_compare(e, e + sizeof(ScriptKey), e - kScriptIndexEntrySize,
                                                  e - kScriptIndexEntrySize + sizeof(ScriptKey)))
            return fail(Errc::invalid, "the script index is not sorted");
        while (b <= e[0]) t.fanout[b++] = static_cast<std::uint32_t>(i);
    }
    while (b <= 256) t.fanout[b++] = static_cast<std::uint32_t>(t.coins);
    return t;
}

core::Result<core::Bytes> build_script_index(core::ByteView shard_file,
                                             const core::Sha256Digest& shard_sha256) {
    if (shard_file.size() > UINT32_MAX) return fail(Errc::too_large, "the shard file is larger than 4 GiB");
    if (shard_file.size() < core::ShardHeader::kSize)
        return fail(Errc::truncated, "the shard file is too short");
    UTXO_TRY_ASSIGN(auto header, core::decode_shard_header(shard_file.first(core::ShardHeader::kSize)));
    std::vector<ScriptIndexEntry> entries;
    entries.reserve(header.coin_count);
    core::Bytes script;
    std::size_t at = core::ShardHeader::kSize;
    for (std::uint64_t i = 0; i < header.coin_count; ++i) {
        auto r = take_record(shard_file, at);
        if (!r) return fail(r.error().code, fmt::format("coin {}: {}", i, r.error().message));
        core::Reader in(r->compressed);
        UTXO_TRY(core::read_compressed_script(in, script));
        entries.push_back(ScriptIndexEntry{script_key(core::sha256(script)), static_cast<std::uint32_t>(at)});
        at = r->end;
    }
    std::sort(entries.begin(), entries.end());
    return encode_script_index(shard_sha256, entries);
}

core::Result<std::optional<ScriptIndexTable>> load_script_index(const fs::path& path,
                                                                const core::Sha256Digest& shard_sha256,
                                                                std::uint64_t coins) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return std::optional<ScriptIndexTable>{};
    auto file = core::read_small_file(path, std::size_t{1} << 32);  // a shard under 4 GiB has < 2^29 coins
    if (!file) return fail(file.error().code, fmt::format("{}: {}", path.string(), file.error().message));
    auto t = check_script_index(core::as_bytes(*file));
    if (!t) return fail(t.error().code, fmt::format("{}: {}", path.string(), t.error().message));
    if (t->shard_sha256 != shard_sha256 || t->coins != coins)
        return fail(Errc::mismatch, fmt::format("{}: it indexes another shard file", path.string()));
    return std::optional<ScriptIndexTable>{*t};
}

core::Result<std::vector<std::uint32_t>> find_in_script_index(const fs::path& path,
                                                              const ScriptIndexTable& table,
                                                              const ScriptKey& key) {
    const std::uint32_t first = table.fanout[key[0]], last = table.fanout[key[0] + 1];
    std::vector<std::uint32_t> out;
    if (first == last) return out;
    core::ScopedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.fd < 0)
        return fail(Errc::io, fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
    core::Bytes bucket((last - first) * kScriptIndexEntrySize);
    const auto at = static_cast<off_t>(kScriptIndexHeaderSize + std::size_t{first} * kScriptIndexEntrySize);
    if (::pread(fd.fd, bucket.data(), bucket.size(), at) != static_cast<ssize_t>(bucket.size()))
        return fail(Errc::io, fmt::format("{}: cannot read its entries", path.string()));
    const auto entries = decode_script_index_entries(bucket);
    auto [lo, hi] = std::equal_range(entries.begin(), entries.end(), ScriptIndexEntry{key, 0},
                                     [](const auto& a, const auto& b) { return a.key < b.key; });
    for (auto it = lo; it != hi; ++it) out.push_back(it->offset);
    return out;
}

core::Status write_script_index(const fs::path& path, core::ByteView bytes) {
    static std::atomic<unsigned> counter{0};
    std::error_code ec;
    fs::create_directory(path.parent_path(), ec);  // not create_directories: never revive a removed release
    if (ec)
        return fail(Errc::io,
                    fmt::format("{}: cannot create: {}", path.parent_path().string(), ec.message()));
    const fs::path tmp = path.string() + fmt::format(".tmp-{}-{}", ::getpid(), counter++);
    core::ScopedFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (fd.fd < 0)
        return fail(Errc::io, fmt::format("{}: cannot create: {}", tmp.string(), std::strerror(errno)));
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd.fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = errno;
            fs::remove(tmp, ec);
            return fail(Errc::io, fmt::format("{}: cannot write: {}", tmp.string(), std::strerror(err)));
        }
        done += static_cast<std::size_t>(n);
    }
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        return fail(Errc::io, fmt::format("{}: cannot rename into place", path.string()));
    }
    return {};
}

}  // namespace utxo::verifier

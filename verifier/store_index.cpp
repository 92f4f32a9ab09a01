// Store: the per-shard script indexes (building them, finding a script's records with them).
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/file_io.h"
#include "verifier/shard_records.h"
#include "verifier/store_impl.h"

namespace utxo::verifier {

namespace fs = std::filesystem;
using core::Errc;
using core::fail;

core::Result<std::optional<ScriptIndexTable>> script_index_of(Store::Impl& impl,
                                                              const std::shared_ptr<const Installed>& cur,
                                                              std::uint32_t shard) {
    std::lock_guard guard(impl.index_mutex);
    if (impl.indexed != cur) {
        impl.indexes.clear();
        impl.indexed = cur;
    }
    if (auto it = impl.indexes.find(shard); it != impl.indexes.end())
        return std::optional<ScriptIndexTable>{it->second};
    const auto& entry = cur->manifest.shards[shard];
    UTXO_TRY_ASSIGN(auto table,
                    load_script_index(script_index_path(cur->dir, shard), entry.sha256, entry.coins));
    if (table) impl.indexes.emplace(shard, *table);
    return table;
}

core::Result<std::vector<OwnedCoin>> read_records(const fs::path& shard_file,
                                                  const std::vector<std::uint32_t>& offsets,
                                                  const ScriptMatch& match) {
    std::vector<OwnedCoin> out;
    if (offsets.empty()) return out;
    core::ScopedFd fd(::open(shard_file.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (fd.fd < 0 || ::fstat(fd.fd, &st) != 0)
        return fail(Errc::io, fmt::format("{}: cannot open: {}", shard_file.string(), std::strerror(errno)));
    const auto size = static_cast<std::size_t>(st.st_size);
    core::Bytes buf;
    const auto read_at = [&](std::size_t at, std::size_t n) -> core::Status {
        buf.resize(n);
        if (::pread(fd.fd, buf.data(), n, static_cast<off_t>(at)) != static_cast<ssize_t>(n))
            return fail(Errc::io, fmt::format("{}: cannot read {} bytes at {}", shard_file.string(), n, at));
        return {};
    };
    for (const std::uint32_t at : offsets) {
        if (at >= size)
            return fail(Errc::invalid,
                        fmt::format("{}: the script index points past the end", shard_file.string()));
        // Most records are under 100 bytes; read the largest possible one only when needed.
        const std::size_t most = std::min(kMaxRecordSize, size - at);
        UTXO_TRY(read_at(at, std::min<std::size_t>(512, most)));
        auto r = take_record(buf, 0);
        if (!r && buf.size() < most) {
            UTXO_TRY(read_at(at, most));
            r = take_record(buf, 0);
        }
        if (!r)
            return fail(r.error().code,
                        fmt::format("{}: at {}: {}", shard_file.string(), at, r.error().message));
        if (!match(r->compressed)) continue;
        auto coin = decode_record(buf, *r);
        if (!coin)
            return fail(coin.error().code,
                        fmt::format("{}: at {}: {}", shard_file.string(), at, coin.error().message));
        out.push_back(std::move(*coin));
    }
    return out;
}

namespace {

// Writes the script index of one shard of `cur` and returns it checked.
[[nodiscard]] core::Result<ScriptIndexTable> write_index(const Installed& cur, std::uint32_t shard) {
    const fs::path path = shard_path(cur.dir, shard);
    auto file = core::read_small_file(path, std::size_t{1} << 34);
    if (!file) return fail(file.error().code, fmt::format("{}: {}", path.string(), file.error().message));
    auto bytes = build_script_index(core::as_bytes(*file), cur.manifest.shards[shard].sha256);
    if (!bytes) return fail(bytes.error().code, fmt::format("{}: {}", path.string(), bytes.error().message));
    UTXO_TRY(write_script_index(script_index_path(cur.dir, shard), *bytes));
    return check_script_index(*bytes);
}

}  // namespace

core::Result<std::size_t> Store::build_script_indexes(const std::stop_token& stop) {
    UTXO_TRY_ASSIGN(auto cur, current());
    std::size_t built = 0;
    if (!cur) return built;
    for (const std::uint32_t shard : cur->shards) {
        if (stop.stop_requested()) break;
        auto have = script_index_of(*impl_, cur, shard);
        if (have && *have) continue;
        if (!have) log().info("{}; rebuilding it", have.error().message);
        auto table = write_index(*cur, shard);
        if (!table) {
            // A release installed meanwhile removes this one's files: the next call indexes it.
            UTXO_TRY_ASSIGN(auto now, current());
            if (now != cur) break;
            log().warn("script index of shard {}: {}; its queries scan the shard", shard,
                       table.error().message);
            continue;
        }
        ++built;
        // Kept checked (on this thread), so the first query of the shard does not hash it again.
        std::lock_guard guard(impl_->index_mutex);
        if (impl_->indexed == cur) impl_->indexes.emplace(shard, *table);
    }
    return built;
}

}  // namespace utxo::verifier

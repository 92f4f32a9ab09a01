// Store: opening, the "installed" record, staging, crash recovery.
#include "verifier/store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/file_io.h"
#include "core/serialize.h"
#include "core/sha256.h"
#include "core/shard.h"
#include "verifier/store_impl.h"

namespace utxo::verifier {

namespace fs = std::filesystem;
using core::Errc;
using core::fail;

fs::path shard_path(const fs::path& release_dir, std::uint32_t index) {
    return release_dir / "shards" / core::shard_file_name(index);
}

core::Bytes encode_installed(const InstalledRecord& r) {
    core::Bytes out;
    core::Writer w(out);
    w.u8(2);  // record version
    w.i64(r.accepted_at);
    w.u8(r.signed_at ? 1 : 0);
    w.i64(r.signed_at.value_or(0));
    w.u8(r.full ? 1 : 0);
    w.var_bytes(core::as_bytes(r.dir));
    w.compact_size(r.shards.size());
    for (auto s : r.shards) w.u32(s);
    w.compact_size(r.authorities.size());
    for (const auto& a : r.authorities) w.var_bytes(core::as_bytes(a));
    w.var_bytes(core::as_bytes(r.manifest_bytes));
    return out;
}

namespace {

[[nodiscard]] core::Result<std::string> read_string(core::Reader& in, std::uint64_t max) {
    UTXO_TRY_ASSIGN(auto b, in.var_bytes(max));
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

}  // namespace

core::Result<InstalledRecord> decode_installed(core::ByteView bytes) {
    core::Reader in(bytes);
    InstalledRecord r;
    auto version = in.u8();
    if (!version || (*version != 1 && *version != 2))
        return fail(Errc::invalid, "the installed record has an unknown version");
    auto at = in.i64();
    if (*version == 2) {  // version 1 (before signing times) has no signed_at
        auto has = in.u8();
        auto signed_at = in.i64();
        if (!has || !signed_at) return fail(Errc::invalid, "the installed record is truncated");
        if (*has) r.signed_at = *signed_at;
    }
    auto full = in.u8();
    auto dir = read_string(in, 4096);
    if (!at || !full || !dir) return fail(Errc::invalid, "the installed record is truncated");
    r.accepted_at = *at, r.full = *full != 0, r.dir = *dir;
    auto n = in.compact_size(core::kMaxShardCount);
    if (!n) return fail(Errc::invalid, "the installed record is truncated");
    for (std::uint64_t i = 0; i < *n; ++i) {
        auto s = in.u32();
        if (!s) return fail(Errc::invalid, "the installed record is truncated");
        r.shards.push_back(*s);
    }
    auto a = in.compact_size(10000);
    if (!a) return fail(Errc::invalid, "the installed record is truncated");
    for (std::uint64_t i = 0; i < *a; ++i) {
        auto name = read_string(in, 4096);
        if (!name) return fail(Errc::invalid, "the installed record is truncated");
        r.authorities.push_back(*name);
    }
    auto manifest = read_string(in, std::uint64_t{1} << 30);
    if (!manifest || !in.empty()) return fail(Errc::invalid, "the installed record is malformed");
    r.manifest_bytes = *manifest;
    return r;
}

core::Result<std::optional<InstalledRecord>> read_installed_record(Store::Impl& impl) {
    UTXO_TRY_ASSIGN(auto txn, core::lmdb::Txn::begin(impl.env, false));
    auto v = core::lmdb::get(txn, impl.meta, core::as_bytes(kInstalledKey));
    UTXO_TRY(v);
    if (!*v) return std::optional<InstalledRecord>{};
    auto r = decode_installed(**v);
    if (!r)
        return fail(r.error().code, fmt::format("{}: {}", (impl.dir / "index").string(), r.error().message));
    return std::optional<InstalledRecord>{std::move(*r)};
}

core::Result<StoreLock> StoreLock::take(const fs::path& dir, bool wait) {
    UTXO_TRY_ASSIGN(auto lock,
                    core::DirLock::take(dir, wait ? core::DirLock::Wait::yes : core::DirLock::Wait::no));
    return StoreLock(std::move(lock));
}

core::Status fsync_path(const fs::path& p) {
    int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(Errc::io, fmt::format("{}: cannot open: {}", p.string(), std::strerror(errno)));
    core::ScopedFd guard(fd);
    if (::fsync(fd) != 0)
        return fail(Errc::io, fmt::format("{}: fsync failed: {}", p.string(), std::strerror(errno)));
    return {};
}

void recover_releases(Store::Impl& impl) {
    auto rec = read_installed_record(impl);
    if (!rec) return;
    const fs::path installed = *rec ? impl.dir / (*rec)->dir : fs::path();
    const unsigned long installed_height =
        *rec ? std::strtoul(installed.filename().string().c_str(), nullptr, 10) : 0;
    std::error_code ec;
    for (const auto& net : fs::directory_iterator(impl.dir / "releases", ec)) {
        for (const auto& rel : fs::directory_iterator(net.path(), ec)) {
            if (rel.path() == installed) continue;
            // "<name>~1" is the second slot used when re-installing the installed release.
            std::string name = rel.path().filename().string();
            if (auto tilde = name.find('~'); tilde != std::string::npos) name.resize(tilde);
            const fs::path back = impl.dir / "staging" / name;
            // A release older than the installed one is the previous installation whose removal
            // was interrupted; a newer one (or the installed one in its other slot) was about to be
            // switched to, so its verified files go back to staging for the next attempt.
            const bool older = *rec && std::strtoul(name.c_str(), nullptr, 10) < installed_height;
            if (!older && !fs::exists(back, ec)) {
                fs::rename(rel.path(), back, ec);
                log().info("moved {} back to staging", name);
            }
            if (fs::exists(rel.path(), ec)) fs::remove_all(rel.path(), ec);
        }
    }
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;

core::Result<Store> Store::open(const fs::path& dir) {
    std::error_code ec;
    for (const char* sub : {"index", "releases", "staging"}) {
        fs::create_directories(dir / sub, ec);
        if (ec)
            return fail(Errc::io, fmt::format("{}: cannot create: {}", (dir / sub).string(), ec.message()));
    }
    auto impl = std::make_unique<Impl>();
    impl->dir = dir;
    core::lmdb::EnvOptions options;
    options.map_size = std::size_t{1} << 34;
    UTXO_TRY_ASSIGN(auto env, core::lmdb::Env::open(dir / "index", options));
    impl->env = std::move(env);
    UTXO_TRY_ASSIGN(auto txn, core::lmdb::Txn::begin(impl->env, true));
    UTXO_TRY_ASSIGN(auto meta, core::lmdb::open_db(txn, "meta", true));
    impl->meta = meta;
    UTXO_TRY(txn.commit());
    // Only one process clears crash leftovers, and never while another one installs.
    if (auto lock = StoreLock::take(dir, false)) recover_releases(*impl);
    return Store(std::move(impl));
}

const fs::path& Store::directory() const { return impl_->dir; }

namespace {

[[nodiscard]] core::Result<std::shared_ptr<const Installed>> decode_release(const fs::path& store_dir,
                                                                            core::ByteView bytes) {
    auto rec = decode_installed(bytes);
    if (!rec)
        return fail(rec.error().code,
                    fmt::format("{}: {}", (store_dir / "index").string(), rec.error().message));
    auto m = core::decode_manifest(rec->manifest_bytes);
    if (!m)
        return fail(Errc::invalid, fmt::format("{}: the installed manifest: {}",
                                               (store_dir / "index").string(), m.error().message));
    auto out = std::make_shared<Installed>();
    out->manifest = std::move(*m);
    out->manifest_sha256 = core::sha256(core::as_bytes(rec->manifest_bytes));
    out->shards = std::move(rec->shards);
    out->full = rec->full;
    out->authorities = std::move(rec->authorities);
    out->accepted_at = rec->accepted_at;
    out->signed_at = rec->signed_at;
    out->dir = store_dir / rec->dir;
    return std::shared_ptr<const Installed>(std::move(out));
}

}  // namespace

core::Result<std::shared_ptr<const Installed>> Store::current() {
    Impl& impl = *impl_;
    std::lock_guard guard(impl.cache_mutex);
    UTXO_TRY_ASSIGN(auto txn, core::lmdb::Txn::begin(impl.env, false));
    // A read transaction's id is the last committed write's: unchanged means nothing was written.
    const std::uint64_t id = mdb_txn_id(txn.get());
    if (impl.cached && id == impl.txn_id) return impl.release;
    UTXO_TRY_ASSIGN(auto v, core::lmdb::get(txn, impl.meta, core::as_bytes(kInstalledKey)));
    const core::ByteView bytes = v ? *v : core::ByteView{};
    const std::string_view now(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (!impl.cached || now != impl.record) {
        std::shared_ptr<const Installed> release;
        if (v) {
            UTXO_TRY_ASSIGN(release, decode_release(impl.dir, bytes));
        }
        impl.release = std::move(release);
        impl.record.assign(now);
    }
    impl.cached = true;
    impl.txn_id = id;
    return impl.release;
}

core::Result<std::optional<Installed>> Store::installed() {
    UTXO_TRY_ASSIGN(auto cur, current());
    if (!cur) return std::optional<Installed>{};
    return std::optional<Installed>{*cur};
}

core::Result<fs::path> Store::staging_dir(const core::Manifest& m) {
    const fs::path p = impl_->dir / "staging" / core::release_dir_name(m.height, m.block);
    std::error_code ec;
    fs::create_directories(p / "shards", ec);
    if (ec) return fail(Errc::io, fmt::format("{}: cannot create: {}", p.string(), ec.message()));
    return p;
}

core::Result<fs::path> Store::scratch_dir(std::string_view name) {
    const fs::path p = impl_->dir / "staging" / name;
    std::error_code ec;
    fs::create_directories(p, ec);
    if (ec) return fail(Errc::io, fmt::format("{}: cannot create: {}", p.string(), ec.message()));
    return p;
}

}  // namespace utxo::verifier

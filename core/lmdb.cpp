#include "core/lmdb.h"

#include <fmt/format.h>

namespace utxo::core::lmdb {

std::string error_text(int rc) { return mdb_strerror(rc); }

static std::unexpected<Error> lmdb_fail(const char* what, int rc) {
    return fail(Errc::io, fmt::format("LMDB {} failed: {}", what, error_text(rc)));
}

Result<Env> Env::open(const std::filesystem::path& dir, const EnvOptions& options) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return fail(Errc::io, fmt::format("cannot create directory {}: {}", dir.string(), ec.message()));
    MDB_env* env = nullptr;
    if (int rc = mdb_env_create(&env)) return lmdb_fail("env_create", rc);
    Env holder(env);
    if (int rc = mdb_env_set_mapsize(env, options.map_size)) return lmdb_fail("set_mapsize", rc);
    if (int rc = mdb_env_set_maxdbs(env, options.max_dbs)) return lmdb_fail("set_maxdbs", rc);
    unsigned flags = MDB_NOTLS;
    if (options.no_sync) flags |= MDB_NOSYNC;
    if (int rc = mdb_env_open(env, dir.c_str(), flags, 0644))
        return fail(Errc::io, fmt::format("cannot open database {}: {}", dir.string(), error_text(rc)));
    return holder;
}

Env::~Env() {
    if (env_) mdb_env_close(env_);
}

Env& Env::operator=(Env&& o) noexcept {
    if (this != &o) {
        if (env_) mdb_env_close(env_);
        env_ = std::exchange(o.env_, nullptr);
    }
    return *this;
}

Result<Txn> Txn::begin(Env& env, bool write) {
    MDB_txn* txn = nullptr;
    if (int rc = mdb_txn_begin(env.get(), nullptr, write ? 0 : MDB_RDONLY, &txn))
        return lmdb_fail("txn_begin", rc);
    return Txn(txn);
}

Txn& Txn::operator=(Txn&& o) noexcept {
    if (this != &o) {
        abort();
        txn_ = std::exchange(o.txn_, nullptr);
    }
    return *this;
}

Status Txn::commit() {
    MDB_txn* txn = std::exchange(txn_, nullptr);
    if (!txn) return fail(Errc::usage, "commit of a finished transaction");
    if (int rc = mdb_txn_commit(txn)) return lmdb_fail("commit", rc);
    return {};
}

void Txn::abort() {
    if (txn_) mdb_txn_abort(std::exchange(txn_, nullptr));
}

Result<Dbi> open_db(Txn& txn, const char* name, bool create) {
    MDB_dbi dbi = 0;
    int rc = mdb_dbi_open(txn.get(), name, create ? MDB_CREATE : 0, &dbi);
    if (rc == MDB_NOTFOUND) return fail(Errc::not_found, fmt::format("database table '{}' is missing", name));
    if (rc) return lmdb_fail("dbi_open", rc);
    return dbi;
}

Result<std::optional<ByteView>> get(Txn& txn, Dbi db, ByteView key) {
    MDB_val k = to_val(key), v{};
    int rc = mdb_get(txn.get(), db, &k, &v);
    if (rc == MDB_NOTFOUND) return std::optional<ByteView>{};
    if (rc) return lmdb_fail("get", rc);
    return std::optional<ByteView>{from_val(v)};
}

[[nodiscard]] Status put(Txn& txn, Dbi db, ByteView key, ByteView value, unsigned flags) {
    MDB_val k = to_val(key), v = to_val(value);
    if (int rc = mdb_put(txn.get(), db, &k, &v, flags)) return lmdb_fail("put", rc);
    return {};
}

Result<bool> del(Txn& txn, Dbi db, ByteView key) {
    MDB_val k = to_val(key);
    int rc = mdb_del(txn.get(), db, &k, nullptr);
    if (rc == MDB_NOTFOUND) return false;
    if (rc) return lmdb_fail("del", rc);
    return true;
}

Status clear(Txn& txn, Dbi db) {
    if (int rc = mdb_drop(txn.get(), db, 0)) return lmdb_fail("drop", rc);
    return {};
}

[[nodiscard]] Result<std::size_t> count(Txn& txn, Dbi db) {
    MDB_stat st;
    if (int rc = mdb_stat(txn.get(), db, &st)) return lmdb_fail("stat", rc);
    return st.ms_entries;
}

Result<Cursor> Cursor::open(Txn& txn, Dbi db) {
    MDB_cursor* c = nullptr;
    if (int rc = mdb_cursor_open(txn.get(), db, &c)) return lmdb_fail("cursor_open", rc);
    return Cursor(c);
}

Cursor::~Cursor() {
    if (cur_) mdb_cursor_close(cur_);
}

Cursor& Cursor::operator=(Cursor&& o) noexcept {
    if (this != &o) {
        if (cur_) mdb_cursor_close(cur_);
        cur_ = std::exchange(o.cur_, nullptr);
    }
    return *this;
}

Result<std::optional<Cursor::Entry>> Cursor::move(MDB_cursor_op op, MDB_val* seek_key) {
    MDB_val k{}, v{};
    if (seek_key) k = *seek_key;
    int rc = mdb_cursor_get(cur_, &k, &v, op);
    if (rc == MDB_NOTFOUND) return std::optional<Entry>{};
    if (rc) return lmdb_fail("cursor_get", rc);
    return std::optional<Entry>{Entry{from_val(k), from_val(v)}};
}

Result<std::optional<Cursor::Entry>> Cursor::first() { return move(MDB_FIRST); }
Result<std::optional<Cursor::Entry>> Cursor::next() { return move(MDB_NEXT); }
Result<std::optional<Cursor::Entry>> Cursor::last() { return move(MDB_LAST); }
Result<std::optional<Cursor::Entry>> Cursor::prev() { return move(MDB_PREV); }
Result<std::optional<Cursor::Entry>> Cursor::seek(ByteView key) {
    MDB_val k = to_val(key);
    return move(MDB_SET_RANGE, &k);
}

Status Cursor::put(ByteView key, ByteView value, unsigned flags) {
    MDB_val k = to_val(key), v = to_val(value);
    if (int rc = mdb_cursor_put(cur_, &k, &v, flags)) return lmdb_fail("cursor_put", rc);
    return {};
}

Result<bool> Cursor::insert(ByteView key, ByteView value, bool append) {
    MDB_val k = to_val(key), v = to_val(value);
    int rc = mdb_cursor_put(cur_, &k, &v, append ? MDB_APPEND : MDB_NOOVERWRITE);
    if (rc == MDB_KEYEXIST) return false;
    if (rc) return lmdb_fail("cursor_put", rc);
    return true;
}

Result<std::optional<ByteView>> Cursor::find(ByteView key) {
    MDB_val k = to_val(key), v{};
    int rc = mdb_cursor_get(cur_, &k, &v, MDB_SET_KEY);
    if (rc == MDB_NOTFOUND) return std::optional<ByteView>{};
    if (rc) return lmdb_fail("cursor_get", rc);
    return std::optional<ByteView>{from_val(v)};
}

Status Cursor::del() {
    if (int rc = mdb_cursor_del(cur_, 0)) return lmdb_fail("cursor_del", rc);
    return {};
}

}  // namespace utxo::core::lmdb

// A thin RAII skin over LMDB: move-only environment, transactions and cursors.
// Destroying an uncommitted transaction aborts it; commit() consumes it.
// "Not found" is an ordinary result (std::nullopt), never an error.
#pragma once
#include <lmdb.h>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>

#include "core/bytes.h"
#include "core/error.h"

namespace utxo::core::lmdb {

struct EnvOptions {
    std::size_t map_size = std::size_t{1} << 40;  // address space only; the file grows as used
    unsigned max_dbs = 8;
    bool no_sync = false;  // skip fsync at commit (benchmarks and throw-away stores only)
};

class Env {
public:
    // Opens (creating if needed) an environment in directory `dir`.
    [[nodiscard]] static Result<Env> open(const std::filesystem::path& dir, const EnvOptions& options);
    Env() = default;
    ~Env();
    Env(Env&& o) noexcept : env_(std::exchange(o.env_, nullptr)) {}
    Env& operator=(Env&& o) noexcept;
    MDB_env* get() const { return env_; }

private:
    explicit Env(MDB_env* env) : env_(env) {}
    MDB_env* env_ = nullptr;
};

class Txn {
public:
    [[nodiscard]] static Result<Txn> begin(Env& env, bool write);
    Txn() = default;
    ~Txn() { abort(); }
    Txn(Txn&& o) noexcept : txn_(std::exchange(o.txn_, nullptr)) {}
    Txn& operator=(Txn&& o) noexcept;
    [[nodiscard]] Status commit();  // the transaction is gone afterwards, whatever the result
    void abort();
    MDB_txn* get() const { return txn_; }

private:
    explicit Txn(MDB_txn* txn) : txn_(txn) {}
    MDB_txn* txn_ = nullptr;
};

using Dbi = MDB_dbi;

// Opens a named database inside a transaction (create = MDB_CREATE).
[[nodiscard]] Result<Dbi> open_db(Txn& txn, const char* name, bool create);

inline MDB_val to_val(ByteView b) { return MDB_val{b.size(), const_cast<std::uint8_t*>(b.data())}; }
inline ByteView from_val(const MDB_val& v) {
    return {static_cast<const std::uint8_t*>(v.mv_data), v.mv_size};
}

// The value stays valid until the transaction ends or the next write.
[[nodiscard]] Result<std::optional<ByteView>> get(Txn& txn, Dbi db, ByteView key);
Status put(Txn& txn, Dbi db, ByteView key, ByteView value, unsigned flags = 0);
// True if the key existed and was deleted.
[[nodiscard]] Result<bool> del(Txn& txn, Dbi db, ByteView key);
// Drops every record of a database, keeping the database itself.
[[nodiscard]] Status clear(Txn& txn, Dbi db);
Result<std::size_t> count(Txn& txn, Dbi db);

std::string error_text(int rc);

class Cursor {
public:
    using Entry = std::pair<ByteView, ByteView>;
    [[nodiscard]] static Result<Cursor> open(Txn& txn, Dbi db);
    Cursor() = default;
    ~Cursor();
    Cursor(Cursor&& o) noexcept : cur_(std::exchange(o.cur_, nullptr)) {}
    Cursor& operator=(Cursor&& o) noexcept;

    [[nodiscard]] Result<std::optional<Entry>> first();
    Result<std::optional<Entry>> next();
    [[nodiscard]] Result<std::optional<Entry>> last();
    Result<std::optional<Entry>> prev();
    [[nodiscard]] Result<std::optional<Entry>> seek(ByteView key);  // first entry with key >= `key`
    Status put(ByteView key, ByteView value, unsigned flags = 0);   // MDB_APPEND for sorted loads
    // Adds a new key (appended when `append`: the key is above every stored one); false if the key
    // is already there.
    [[nodiscard]] Result<bool> insert(ByteView key, ByteView value, bool append);
    // Positions on exactly `key` and returns its value; nullopt if absent.
    [[nodiscard]] Result<std::optional<ByteView>> find(ByteView key);
    explicit operator bool() const { return cur_ != nullptr; }
    [[nodiscard]] Status del();  // deletes the current entry

private:
    [[nodiscard]] Result<std::optional<Entry>> move(MDB_cursor_op op, MDB_val* key = nullptr);
    explicit Cursor(MDB_cursor* c) : cur_(c) {}
    MDB_cursor* cur_ = nullptr;
};

}  // namespace utxo::core::lmdb

#include "indexer/utxo_store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/hash_serialized.h"
#include "core/script.h"
#include "indexer/store_records.h"
#include "indexer/utxo_store_impl.h"

namespace utxo::indexer {

using core::Errc;
using core::fail;
using core::Result;
using core::Status;

namespace lmdb = core::lmdb;

namespace {

constexpr std::uint32_t kStoreFormat = 2;  // 2: per-shard totals

[[nodiscard]] Result<std::optional<core::ByteView>> meta_get(lmdb::Txn& txn, lmdb::Dbi meta,
                                                             std::string_view key) {
    return lmdb::get(txn, meta, core::as_bytes(key));
}

[[nodiscard]] Result<StoreState> read_state(lmdb::Txn& txn, lmdb::Dbi meta,
                                            const std::filesystem::path& dir) {
    auto bad = [&](std::string_view what) {
        return fail(Errc::invalid, fmt::format("{}: store metadata is corrupt ({})", dir.string(), what));
    };
    StoreState s;
    UTXO_TRY_ASSIGN(auto net, meta_get(txn, meta, kMetaNetwork));
    if (!net) return bad("no network");
    auto parsed =
        core::parse_network(std::string_view(reinterpret_cast<const char*>((net)->data()), (net)->size()));
    if (!parsed) return bad("unknown network");
    s.network = *parsed;

    auto tip = meta_get(txn, meta, kMetaTip);
    UTXO_TRY(tip);
    if (*tip) {
        s.tip = decode_tip(**tip);
        if (!s.tip) return bad("tip");
    }
    auto coins = meta_get(txn, meta, kMetaCoins);
    auto total = meta_get(txn, meta, kMetaTotal);
    auto mh = meta_get(txn, meta, kMetaMuhash);
    if (!coins || !total || !mh)
        return fail(Errc::io, fmt::format("{}: cannot read store metadata", dir.string()));
    if (*coins) {
        if ((*coins)->size() != 8 || !*total || (*total)->size() != 8 || !*mh) return bad("counters");
        core::Reader rc(**coins), rt(**total);
        s.coins = *rc.u64();
        s.total = core::Amount{*rt.i64()};
        auto m = core::MuHash3072::deserialize(**mh);
        if (!m) return bad("muhash");
        s.muhash = std::move(*m);
    }
    return s;
}

}  // namespace

UtxoStore::UtxoStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
UtxoStore::~UtxoStore() = default;
UtxoStore::UtxoStore(UtxoStore&&) noexcept = default;
UtxoStore& UtxoStore::operator=(UtxoStore&&) noexcept = default;
const std::filesystem::path& UtxoStore::directory() const { return impl_->dir; }

[[nodiscard]] static Result<UtxoStore> open_store(const std::filesystem::path& dir,
                                                  std::optional<core::Network> create_for,
                                                  const StoreOptions& options) {
    if (!create_for && !std::filesystem::exists(dir / "data.mdb"))
        return fail(Errc::not_found, fmt::format("{}: no UTXO store here", dir.string()));
    auto impl = std::make_unique<UtxoStore::Impl>();
    impl->dir = dir;
    impl->options = options;
    UTXO_TRY_ASSIGN(auto env, lmdb::Env::open(dir, {.no_sync = options.no_sync}));
    impl->env = std::move(env);
    UTXO_TRY_ASSIGN(auto txn, lmdb::Txn::begin(impl->env, true));
    for (auto [dbi, name] : {std::pair{&impl->coins, "coins"},
                             {&impl->undo, "undo"},
                             {&impl->meta, "meta"},
                             {&impl->shards, "shards"}}) {
        UTXO_TRY_ASSIGN(auto d, lmdb::open_db(txn, name, true));
        *dbi = d;
    }
    UTXO_TRY_ASSIGN(auto net, meta_get(txn, impl->meta, kMetaNetwork));
    if (!net) {
        if (!create_for) return fail(Errc::invalid, fmt::format("{}: not a UTXO store", dir.string()));
        core::Bytes fmt_bytes;
        core::Writer(fmt_bytes).u32(kStoreFormat);
        UTXO_TRY(lmdb::put(txn, impl->meta, core::as_bytes(kMetaFormat), fmt_bytes));
        UTXO_TRY(lmdb::put(txn, impl->meta, core::as_bytes(kMetaNetwork),
                           core::as_bytes(core::network_name(*create_for))));
    } else {
        auto format = meta_get(txn, impl->meta, kMetaFormat);
        UTXO_TRY(format);
        std::uint32_t have_format = 0;
        if (*format && (*format)->size() == 4) {
            core::Reader r(**format);
            have_format = *r.u32();
        }
        if (have_format != kStoreFormat)  // the open transaction is dropped: nothing changes
            return fail(Errc::invalid,
                        fmt::format("{}: the store has format {}, this version reads format {}; "
                                    "build it again",
                                    dir.string(), have_format, kStoreFormat));
        std::string_view have(reinterpret_cast<const char*>((net)->data()), (net)->size());
        if (create_for && core::parse_network(have) != create_for)
            return fail(Errc::mismatch, fmt::format("{}: the store is for network '{}', not '{}'",
                                                    dir.string(), have, core::network_name(*create_for)));
    }
    UTXO_TRY(txn.commit());
    return UtxoStore(std::move(impl));
}

Result<UtxoStore> UtxoStore::open(const std::filesystem::path& dir, core::Network network,
                                  const StoreOptions& options) {
    return open_store(dir, network, options);
}

Result<UtxoStore> UtxoStore::open_existing(const std::filesystem::path& dir, const StoreOptions& options) {
    return open_store(dir, std::nullopt, options);
}

Result<StoreState> UtxoStore::state() {
    UTXO_TRY_ASSIGN(auto txn, lmdb::Txn::begin(impl_->env, false));
    return read_state(txn, impl_->meta, impl_->dir);
}

Result<WriteBatch> UtxoStore::begin_write() {
    UTXO_TRY_ASSIGN(auto txn, lmdb::Txn::begin(impl_->env, true));
    UTXO_TRY_ASSIGN(auto st, read_state(txn, impl_->meta, impl_->dir));
    return WriteBatch(*this, std::move(txn), std::move(st));
}

Result<std::optional<core::Coin>> UtxoStore::find(const core::OutPoint& outpoint) {
    UTXO_TRY_ASSIGN(auto txn, lmdb::Txn::begin(impl_->env, false));
    auto key = coin_key(outpoint);
    auto v = lmdb::get(txn, impl_->coins, key);
    UTXO_TRY(v);
    if (!*v) return std::optional<core::Coin>{};
    core::Coin coin;
    UTXO_TRY(decode_stored_coin(**v, outpoint, coin));
    return std::optional<core::Coin>{std::move(coin)};
}

Status UtxoStore::for_each_coin(const CoinVisitor& visit) {
    return for_each_coin_record(
        [&](const core::OutPoint& op, const core::Coin& coin, core::ByteView) { return visit(op, coin); });
}

Status UtxoStore::for_each_coin_record(const CoinRecordVisitor& visit) {
    UTXO_TRY_ASSIGN(auto txn, lmdb::Txn::begin(impl_->env, false));
    UTXO_TRY_ASSIGN(auto cur, lmdb::Cursor::open(txn, impl_->coins));
    core::Coin coin;  // reused: no allocation per coin
    for (auto e = cur.first();; e = cur.next()) {
        UTXO_TRY(e);
        if (!*e) return {};
        if ((*e)->first.size() != 36)
            return fail(Errc::invalid, fmt::format("{}: the store holds a coin key of {} bytes",
                                                   impl_->dir.string(), (*e)->first.size()));
        const core::OutPoint op = outpoint_from_key((*e)->first);
        UTXO_TRY(decode_stored_coin((*e)->second, op, coin));
        UTXO_TRY_ASSIGN(auto go_on, visit(op, coin, (*e)->second));
        if (!go_on) return {};
    }
}

Result<std::vector<ShardTotals>> UtxoStore::shard_totals() {
    UTXO_TRY_ASSIGN(auto txn, lmdb::Txn::begin(impl_->env, false));
    std::vector<ShardTotals> out(kStoreShardCount);
    for (std::uint32_t i = 0; i < kStoreShardCount; ++i) {
        auto v = lmdb::get(txn, impl_->shards, shard_key(i));
        UTXO_TRY(v);
        if (!*v) continue;
        auto t = decode_shard_totals(**v);
        if (!t)
            return fail(Errc::invalid,
                        fmt::format("{}: the totals of shard {} are corrupt", impl_->dir.string(), i));
        out[i] = std::move(*t);
    }
    return out;
}

Result<core::AssumeutxoHash> UtxoStore::hash_serialized_3() {
    core::HashSerialized3 hasher;
    auto s = for_each_coin([&](const core::OutPoint& op, const core::Coin& coin) -> Result<bool> {
        UTXO_TRY(hasher.add(op, coin));
        return true;
    });
    UTXO_TRY(s);
    return hasher.finalize();
}

}  // namespace utxo::indexer

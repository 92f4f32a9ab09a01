// Store: the highest DHT pointer sequence number seen per authority key and network (meta key
// "dht-seq/<network>/<KEYID>", value: the seq as 8 bytes little-endian; docs/formats.md). A
// pointer below it is an older item replayed, refused by fetch --dht.
#include <fmt/format.h>

#include "verifier/store_impl.h"

namespace utxo::verifier {

namespace {

std::string seq_key(core::Network network, const core::KeyId& id) {
    return fmt::format("dht-seq/{}/{}", core::network_name(network), id.to_hex());
}

}  // namespace

core::Result<std::optional<std::int64_t>> Store::dht_seq(core::Network network, const core::KeyId& id) {
    UTXO_TRY_ASSIGN(auto txn, core::lmdb::Txn::begin(impl_->env, false));
    const std::string key = seq_key(network, id);
    UTXO_TRY_ASSIGN(auto v, core::lmdb::get(txn, impl_->meta, core::as_bytes(key)));
    if (!v) return std::optional<std::int64_t>{};
    if (v->size() != 8)
        return fail(core::Errc::invalid, fmt::format("the store's {} record is damaged", key));
    std::uint64_t u = 0;
    for (std::size_t i = 0; i < 8; ++i) u |= static_cast<std::uint64_t>((*v)[i]) << (8 * i);
    return std::optional<std::int64_t>{static_cast<std::int64_t>(u)};
}

core::Status Store::record_dht_seq(core::Network network, const core::KeyId& id, std::int64_t seq) {
    UTXO_TRY_ASSIGN(auto before, dht_seq(network, id));
    if (before && *before >= seq) return {};
    UTXO_TRY_ASSIGN(auto txn, core::lmdb::Txn::begin(impl_->env, true));
    const std::string key = seq_key(network, id);
    core::Bytes value(8);
    for (std::size_t i = 0; i < 8; ++i)
        value[i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(seq) >> (8 * i));
    UTXO_TRY(core::lmdb::put(txn, impl_->meta, core::as_bytes(key), value));
    return txn.commit();
}

}  // namespace utxo::verifier

// The BEP 44 side of the DHT pointer: the salt, what a mutable item's signature covers, and its
// verification (libsodium's Ed25519, the same curve and encoding as minisign's keys).
#include <fmt/format.h>
#include <sodium.h>

#include "core/dht_pointer.h"

namespace utxo::core {

std::string dht_salt(Network network) { return fmt::format("utxo-torrent/1/{}", network_name(network)); }

Bytes dht_signing_buffer(std::string_view salt, std::int64_t seq, std::string_view value) {
    std::string head;
    if (!salt.empty()) head = fmt::format("4:salt{}:{}", salt.size(), salt);
    head += fmt::format("3:seqi{}e1:v", seq);
    Bytes out(head.begin(), head.end());
    out.insert(out.end(), value.begin(), value.end());
    return out;
}

bool verify_dht_item(const DhtItem& item) {
    if (sodium_init() < 0) return false;
    Bytes message = dht_signing_buffer(item.salt, item.seq, item.value);
    return crypto_sign_verify_detached(item.signature.data(), message.data(), message.size(),
                                       item.public_key.data()) == 0;
}

std::string dht_item_file_name(const std::string& key_id_hex) {
    return fmt::format("manifest.json.{}.dht", key_id_hex);
}

}  // namespace utxo::core

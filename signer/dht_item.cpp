// The BEP 44 item's seq and signature (signer/dht_item.h).
#include "signer/dht_item.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <system_error>

#include "core/file_io.h"
#include "core/manifest.h"
#include "core/manifest_torrent.h"
#include "core/printable.h"
#include "signer/log.h"

namespace utxo::signer {

namespace fs = std::filesystem;

namespace {
constexpr std::size_t kMaxItemFile = 4096;  // an item file is at most about 1100 bytes

// The seq of the item in `file` if it is one of this key and salt that verifies.
std::optional<std::int64_t> seq_of(const fs::path& file, const std::array<std::uint8_t, 32>& public_key,
                                   std::string_view salt) {
    auto text = core::read_small_file(file, kMaxItemFile);
    if (!text) {
        log().warn("{}: skipped for the DHT seq: {}", file.string(), text.error().message);
        return std::nullopt;
    }
    auto item = core::decode_item_file(*text);
    if (!item) {
        log().warn("{}: skipped for the DHT seq: {}", file.string(), item.error().message);
        return std::nullopt;
    }
    if (item->public_key != public_key || item->salt != salt || !core::verify_dht_item(*item)) {
        log().warn("{}: skipped for the DHT seq: not an item of this key for \"{}\" that verifies",
                   file.string(), core::printable(salt));
        return std::nullopt;
    }
    return item->seq;
}
}  // namespace

core::Result<std::int64_t> next_dht_seq(const fs::path& release_dir, const SecretKey& key,
                                        std::string_view salt, std::int64_t now) {
    auto dir = release_dir.lexically_normal();
    if (!dir.has_filename()) dir = dir.parent_path();  // "rel/100-ab/" is "rel/100-ab"
    auto network_dir = dir.parent_path();
    if (network_dir.empty()) network_dir = ".";
    const auto name = core::dht_item_file_name(key.id().to_hex());
    const auto public_key = key.public_key().key;
    std::int64_t seq = now;
    std::error_code ec;
    for (fs::directory_iterator it(network_dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code entry_ec;
        if (!it->is_directory(entry_ec)) continue;
        auto file = it->path() / name;
        if (!fs::exists(file, entry_ec)) continue;
        auto previous = seq_of(file, public_key, salt);
        if (!previous) continue;
        if (*previous == std::numeric_limits<std::int64_t>::max())
            return core::fail(core::Errc::too_large,
                              fmt::format("{}: seq is already the largest there is; no later item can follow",
                                          file.string()));
        seq = std::max(seq, *previous + 1);
    }
    if (ec)
        return core::fail(core::Errc::io, fmt::format("{}: cannot list the release directories: {}",
                                                      network_dir.string(), ec.message()));
    return seq;
}

core::Result<std::int64_t> check_dht_item(std::string_view item_file, const core::MinisignPublicKey& key,
                                          std::string_view manifest_bytes, std::string_view signature_text) {
    auto refuse = [](std::string why) { return core::fail(core::Errc::rejected, std::move(why)); };
    auto item = core::decode_item_file(item_file);
    if (!item) return refuse(item.error().message);
    if (item->public_key != key.key) return refuse("the DHT item is signed for another public key");
    if (!core::verify_dht_item(*item))
        return refuse(fmt::format("the DHT item's signature does not verify with key {}", key.id.to_hex()));
    auto pointer = core::decode_pointer_value(item->value);
    if (!pointer) return refuse(pointer.error().message);
    if (item->salt != core::dht_salt(pointer->network))
        return refuse(fmt::format("the DHT item's salt \"{}\" is not {}'s", core::printable(item->salt),
                                  core::network_name(pointer->network)));
    if (pointer->signature != signature_text)
        return refuse("the DHT pointer carries another signature file than the one beside it");
    auto manifest = core::decode_manifest(manifest_bytes);
    if (!manifest)
        return refuse("a DHT item beside a manifest that is not a release: " + manifest.error().message);
    if (pointer->shards != manifest->shards_infohash || pointer->patches != manifest->patches_infohash)
        return refuse("the DHT pointer names other shard or patch torrents than manifest.json");
    if (pointer->manifest_torrent != core::manifest_torrent_infohash(manifest_bytes))
        return refuse("the DHT pointer names another manifest torrent than manifest.json's");
    return item->seq;
}

core::DhtItem sign_dht_item(const SecretKey& key, std::string salt, std::int64_t seq, std::string value) {
    core::DhtItem item;
    item.public_key = key.public_key().key;
    item.salt = std::move(salt);
    item.seq = seq;
    item.value = std::move(value);
    auto message = core::dht_signing_buffer(item.salt, item.seq, item.value);
    crypto_sign_detached(item.signature.data(), nullptr, message.data(), message.size(), key.secret().data());
    return item;
}

}  // namespace utxo::signer

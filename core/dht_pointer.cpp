// The DHT pointer's value and item file: encode, and decode with every check (docs/formats.md,
// "DHT release pointer (BEP 44 item)" and "DHT item file").
//
// The value v, a dictionary with one-letter keys (bencoding sorts them):
//   b  block hash, 32 raw bytes in internal order (as in shard and patch headers)
//   g  the authority's manifest.json.<KEYID>.minisig, byte for byte
//   h  height, integer
//   m  SHA-256 of manifest.json, 32 bytes
//   n  network, Core's chain name ("main", "test", "testnet4", "signet", "regtest")
//   p  patches torrent infohash, 20 bytes; absent for a release without patches
//   s  shards torrent infohash, 20 bytes
//   t  manifest torrent infohash, 20 bytes (core/manifest_torrent.h)
//   u  list of seeder base URLs (http:// or https://); absent when there are none
#include "core/dht_pointer.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/bencode.h"
#include "core/minisign.h"
#include "core/printable.h"

namespace utxo::core {

namespace {

using bencode::Dict;
using bencode::List;
using bencode::Value;

// A BEP 44 salt is at most 64 bytes.
constexpr std::size_t kMaxSaltBytes = 64;
// The item file: the value plus k, salt, seq and sig with their keys (about 200 bytes).
constexpr std::size_t kMaxItemFileBytes = kMaxDhtValueBytes + 400;
// A value holds 9 keys and 9 values, the URL list and its URLs; an item file 5 more of each.
constexpr bencode::Limits kValueLimits{.max_bytes = kMaxDhtValueBytes, .max_depth = 2, .max_values = 32};
constexpr bencode::Limits kItemLimits{.max_bytes = kMaxItemFileBytes, .max_depth = 3, .max_values = 40};
// An item's v on its own: whatever fits in an item file fits here, so what decodes encodes.
constexpr bencode::Limits kItemValueLimits{.max_bytes = kMaxDhtValueBytes, .max_depth = 2, .max_values = 40};

std::string bytes_string(ByteView bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// A seeder URL as a pointer may carry it: http:// or https://, something after the scheme, and
// printable ASCII without spaces (nothing a terminal or a log line would interpret).
bool valid_seeder_url(std::string_view url) {
    std::size_t scheme = url.starts_with("http://") ? 7 : url.starts_with("https://") ? 8 : 0;
    if (scheme == 0 || url.size() == scheme) return false;
    for (char c : url)
        if (c <= 0x20 || c >= 0x7f) return false;
    return true;
}

Status check_seeders(const std::vector<std::string>& seeders) {
    if (seeders.size() > kMaxDhtSeederUrls)
        return fail(Errc::too_large, fmt::format("{} seeder URLs, more than the {} a pointer carries",
                                                 seeders.size(), kMaxDhtSeederUrls));
    for (const auto& url : seeders)
        if (!valid_seeder_url(url))
            return fail(Errc::invalid, fmt::format("seeder URL \"{}\" is not an http:// or https:// URL of "
                                                   "printable characters",
                                                   printable(url)));
    return {};
}

// The signature file must parse and its trusted comment must state exactly the pointer's release.
Status check_signature(const DhtPointer& p) {
    auto sig = parse_signature_file(p.signature);
    if (!sig) return fail(Errc::invalid, "pointer signature file: " + sig.error().message);
    auto claimed = parse_trusted_comment(sig->trusted_comment);
    if (!claimed) return fail(Errc::invalid, "pointer signature file: " + claimed.error().message);
    auto differs = [](std::string_view what, const auto& comment, const auto& pointer) {
        return fail(Errc::mismatch, fmt::format("its signature's trusted comment says {} {}, the pointer {}",
                                                what, comment, pointer));
    };
    if (claimed->network != p.network)
        return differs("network", network_name(claimed->network), network_name(p.network));
    if (claimed->height != p.height) return differs("height", claimed->height.value, p.height.value);
    if (claimed->block_hash != p.block_hash)
        return differs("block_hash", claimed->block_hash.to_display_hex(), p.block_hash.to_display_hex());
    if (claimed->manifest_sha256 != p.manifest_sha256)
        return differs("manifest_sha256", claimed->manifest_sha256.to_hex(), p.manifest_sha256.to_hex());
    return {};
}

Value pointer_dict(const DhtPointer& p) {
    Dict d{{"b", Value(bytes_string(p.block_hash.raw()))},
           {"g", Value(p.signature)},
           {"h", Value(static_cast<std::int64_t>(p.height.value))},
           {"m", Value(bytes_string(p.manifest_sha256.bytes()))},
           {"n", Value(network_name(p.network))},
           {"s", Value(bytes_string(p.shards.bytes()))},
           {"t", Value(bytes_string(p.manifest_torrent.bytes()))}};
    if (p.patches) d.emplace_back("p", Value(bytes_string(p.patches->bytes())));
    if (!p.seeders.empty()) {
        List urls;
        for (const auto& url : p.seeders) urls.emplace_back(url);
        d.emplace_back("u", Value(std::move(urls)));
    }
    return Value(std::move(d));
}

// The byte string under `key`, of exactly `size` bytes when size is not 0.
Result<std::string_view> field(const Value& dict, std::string_view key, std::size_t size = 0) {
    const auto* v = dict.find(key);
    if (v == nullptr) return fail(Errc::invalid, fmt::format("no \"{}\"", key));
    const auto* s = v->string();
    if (s == nullptr) return fail(Errc::invalid, fmt::format("\"{}\" is not a byte string", key));
    if (size != 0 && s->size() != size)
        return fail(Errc::invalid, fmt::format("\"{}\" is {} bytes, not {}", key, s->size(), size));
    return std::string_view(*s);
}

Result<std::int64_t> integer_field(const Value& dict, std::string_view key) {
    const auto* v = dict.find(key);
    if (v == nullptr) return fail(Errc::invalid, fmt::format("no \"{}\"", key));
    const auto* i = v->integer();
    if (i == nullptr) return fail(Errc::invalid, fmt::format("\"{}\" is not an integer", key));
    return *i;
}

template <class D>
Result<D> digest_field(const Value& dict, std::string_view key) {
    UTXO_TRY_ASSIGN(auto s, field(dict, key, D::size));
    return D::from_bytes(as_bytes(s));
}

Status only_keys(const Value& dict, std::initializer_list<std::string_view> keys) {
    for (const auto& [key, value] : *dict.dict())
        if (std::find(keys.begin(), keys.end(), key) == keys.end())
            return fail(Errc::invalid, fmt::format("unknown key \"{}\"", printable(key)));
    return {};
}

Result<DhtPointer> pointer_from(const Value& v) {
    if (v.dict() == nullptr) return fail(Errc::invalid, "not a dictionary");
    UTXO_TRY(only_keys(v, {"b", "g", "h", "m", "n", "p", "s", "t", "u"}));
    DhtPointer p;
    UTXO_TRY_ASSIGN(auto block, field(v, "b", BlockHash::size));
    p.block_hash = BlockHash::from_raw(as_bytes(block));
    UTXO_TRY_ASSIGN(auto signature, field(v, "g"));
    p.signature = std::string(signature);
    UTXO_TRY_ASSIGN(auto height, integer_field(v, "h"));
    if (height < 0 || height > std::int64_t{UINT32_MAX})
        return fail(Errc::invalid, fmt::format("height {} is not a block height", height));
    p.height = Height{static_cast<std::uint32_t>(height)};
    UTXO_TRY_ASSIGN(p.manifest_sha256, digest_field<Sha256Digest>(v, "m"));
    UTXO_TRY_ASSIGN(auto net, field(v, "n"));
    auto network = parse_network(net);
    if (!network || network_name(*network) != net)
        return fail(Errc::invalid, fmt::format("unknown network \"{}\"", printable(net)));
    p.network = *network;
    if (v.find("p") != nullptr) {
        UTXO_TRY_ASSIGN(auto patches, digest_field<InfoHash>(v, "p"));
        p.patches = patches;
    }
    UTXO_TRY_ASSIGN(p.shards, digest_field<InfoHash>(v, "s"));
    UTXO_TRY_ASSIGN(p.manifest_torrent, digest_field<InfoHash>(v, "t"));
    if (const auto* u = v.find("u")) {
        const auto* list = u->list();
        if (list == nullptr) return fail(Errc::invalid, "\"u\" is not a list");
        if (list->empty())
            return fail(Errc::non_canonical, "an empty \"u\" (absent when there are no seeders)");
        for (const auto& url : *list) {
            const auto* s = url.string();
            if (s == nullptr) return fail(Errc::invalid, "a seeder URL that is not a byte string");
            p.seeders.push_back(*s);
        }
    }
    return p;
}

}  // namespace

Result<std::string> encode_pointer_value(const DhtPointer& pointer) {
    UTXO_TRY(check_seeders(pointer.seeders));
    UTXO_TRY(check_signature(pointer));  // what is encoded must decode
    auto value = bencode::encode(pointer_dict(pointer));
    if (value.size() > kMaxDhtValueBytes)
        return fail(Errc::too_large, fmt::format("the DHT pointer is {} bytes, more than BEP 44's {}",
                                                 value.size(), kMaxDhtValueBytes));
    return value;
}

Result<DhtPointer> decode_pointer_value(std::string_view value) {
    auto decoded = bencode::decode(value, kValueLimits);
    if (!decoded) return fail(decoded.error().code, "DHT pointer: " + decoded.error().message);
    auto pointer = pointer_from(*decoded);
    if (!pointer) return fail(pointer.error().code, "DHT pointer: " + pointer.error().message);
    if (auto ok = check_seeders(pointer->seeders); !ok)
        return fail(ok.error().code, "DHT pointer: " + ok.error().message);
    if (auto ok = check_signature(*pointer); !ok)
        return fail(ok.error().code, "DHT pointer: " + ok.error().message);
    // The decoder and the checks above leave one spelling; this keeps it so if either changes.
    if (bencode::encode(pointer_dict(*pointer)) != value)
        return fail(Errc::non_canonical, "DHT pointer: not as encode_pointer_value writes it");
    return pointer;
}

Result<std::string> encode_item_file(const DhtItem& item) {
    if (item.salt.size() > kMaxSaltBytes)
        return fail(Errc::too_large, fmt::format("a salt of {} bytes, more than BEP 44's {}",
                                                 item.salt.size(), kMaxSaltBytes));
    if (item.seq < 0) return fail(Errc::invalid, fmt::format("a negative seq {}", item.seq));
    if (item.value.size() > kMaxDhtValueBytes)
        return fail(Errc::too_large, fmt::format("a value of {} bytes, more than BEP 44's {}",
                                                 item.value.size(), kMaxDhtValueBytes));
    // v goes in as a value, not as a string: the value must itself be one bencoded value.
    auto v = bencode::decode(item.value, kItemValueLimits);
    if (!v) return fail(v.error().code, "the item's value: " + v.error().message);
    return bencode::encode(Value(Dict{{"k", Value(bytes_string(item.public_key))},
                                      {"salt", Value(item.salt)},
                                      {"seq", Value(item.seq)},
                                      {"sig", Value(bytes_string(item.signature))},
                                      {"v", std::move(*v)}}));
}

Result<DhtItem> decode_item_file(std::string_view bytes) {
    auto fail_item = [](const Error& e) { return fail(e.code, "DHT item file: " + e.message); };
    auto decoded = bencode::decode(bytes, kItemLimits);
    if (!decoded) return fail_item(decoded.error());
    const Value& d = *decoded;
    if (d.dict() == nullptr) return fail_item({Errc::invalid, "not a dictionary"});
    if (auto ok = only_keys(d, {"k", "salt", "seq", "sig", "v"}); !ok) return fail_item(ok.error());
    DhtItem item;
    auto k = field(d, "k", item.public_key.size());
    if (!k) return fail_item(k.error());
    std::copy(k->begin(), k->end(), item.public_key.begin());
    auto salt = field(d, "salt");
    if (!salt) return fail_item(salt.error());
    if (salt->size() > kMaxSaltBytes)
        return fail_item({Errc::too_large, fmt::format("a salt of {} bytes, more than BEP 44's {}",
                                                       salt->size(), kMaxSaltBytes)});
    item.salt = std::string(*salt);
    auto seq = integer_field(d, "seq");
    if (!seq) return fail_item(seq.error());
    if (*seq < 0) return fail_item({Errc::invalid, fmt::format("a negative seq {}", *seq)});
    item.seq = *seq;
    auto sig = field(d, "sig", item.signature.size());
    if (!sig) return fail_item(sig.error());
    std::copy(sig->begin(), sig->end(), item.signature.begin());
    const auto* v = d.find("v");
    if (v == nullptr) return fail_item({Errc::invalid, "no \"v\""});
    item.value = bencode::encode(*v);
    if (item.value.size() > kMaxDhtValueBytes)
        return fail_item({Errc::too_large, fmt::format("a value of {} bytes, more than BEP 44's {}",
                                                       item.value.size(), kMaxDhtValueBytes)});
    return item;
}

}  // namespace utxo::core

// core/dht_pointer: the pointer value (layout, round trip, byte budget, refusals), the item file,
// and the BEP 44 signing buffer and verification against BEP 44's own test vectors.
#include <sodium.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <functional>
#include <optional>
#include <vector>

#include "core/bencode.h"
#include "core/dht_pointer.h"
#include "core/minisign.h"

using namespace utxo::core;
namespace bc = utxo::core::bencode;

namespace {

template <class D>
D filled(std::uint8_t first) {
    typename D::Array a{};
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<std::uint8_t>(first + i * 7);
    return D(a);
}

struct Key {
    std::array<std::uint8_t, 32> pk{};
    std::array<std::uint8_t, 64> sk{};
    KeyId id{KeyId::Array{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}};
    Key() {
        if (sodium_init() < 0) std::abort();
        crypto_sign_keypair(pk.data(), sk.data());
    }
    // The signature file utxo-signer writes for a manifest with this statement.
    std::string minisig(const ReleaseStatement& s) const {
        MinisignSignature sig;
        sig.id = id;
        sig.untrusted_comment = "signature from utxo-torrent authority key " + id.to_hex();
        sig.trusted_comment = format_trusted_comment(s);
        auto msg = data_signature_message(sig.algorithm, as_bytes("manifest bytes"));
        crypto_sign_detached(sig.signature.data(), nullptr, msg.data(), msg.size(), sk.data());
        auto global = global_signature_message(sig);
        crypto_sign_detached(sig.global_signature.data(), nullptr, global.data(), global.size(), sk.data());
        return signature_file(sig);
    }
    DhtItem item(std::string salt, std::int64_t seq, std::string value) const {
        DhtItem item{pk, std::move(salt), seq, std::move(value), {}};
        auto message = dht_signing_buffer(item.salt, item.seq, item.value);
        crypto_sign_detached(item.signature.data(), nullptr, message.data(), message.size(), sk.data());
        return item;
    }
};

// A mainnet release at a realistic height, with patches and two seeders.
DhtPointer mainnet_pointer(const Key& key) {
    DhtPointer p;
    p.network = Network::mainnet;
    p.height = Height{912345};
    p.block_hash =
        *BlockHash::from_display_hex("00000000000000000001a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7");
    p.manifest_sha256 = filled<Sha256Digest>(3);
    p.shards = filled<InfoHash>(5);
    p.patches = filled<InfoHash>(9);
    p.manifest_torrent = filled<InfoHash>(11);
    // Signed at a ten-digit unix time, as utxo-signer sign states it (signed_at=).
    p.signature = key.minisig({p.network, p.height, p.block_hash, p.manifest_sha256, 1714564800});
    p.seeders = {"https://seed.alice.example/utxo/", "http://203.0.113.7:8080/"};
    return p;
}

// The pointer's bencoded dictionary, edited, and encoded again: values encode_pointer_value would
// not write.
std::string edited(const DhtPointer& p, const std::function<void(bc::Dict&)>& edit) {
    auto v = bc::decode(encode_pointer_value(p).value(), {}).value();
    auto d = *v.dict();
    edit(d);
    return bc::encode(bc::Value(std::move(d)));
}

void set(bc::Dict& d, const std::string& key, bc::Value value) {
    for (auto& [k, v] : d)
        if (k == key) {
            v = std::move(value);
            return;
        }
    d.emplace_back(key, std::move(value));
}

std::string raw(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

Error refusal(std::string_view value) {
    auto r = decode_pointer_value(value);
    REQUIRE_FALSE(r);
    return r.error();
}

}  // namespace

TEST_CASE("dht pointer: salt and item file name", "[dht]") {
    CHECK(dht_salt(Network::mainnet) == "utxo-torrent/1/main");
    CHECK(dht_salt(Network::testnet4) == "utxo-torrent/1/testnet4");
    CHECK(dht_salt(Network::regtest).size() <= 64);
    CHECK(dht_item_file_name("8577CC89AAA5A7C6") == "manifest.json.8577CC89AAA5A7C6.dht");
}

TEST_CASE("dht pointer: a mainnet pointer with two seeders round trips and fits BEP 44's 1000 bytes",
          "[dht]") {
    Key key;
    auto p = mainnet_pointer(key);
    auto v = encode_pointer_value(p);
    REQUIRE(v);
    // The byte budget of docs/formats.md: the signature file is most of it.
    INFO("signature " << p.signature.size() << " bytes, value " << v->size() << " bytes");
    CHECK(p.signature.size() == 503);
    CHECK(v->size() == 753);
    CHECK(v->size() <= kMaxDhtValueBytes);
    auto back = decode_pointer_value(*v);
    REQUIRE(back);
    CHECK(*back == p);

    // The layout: one-letter keys, raw bytes, the block hash in internal order.
    auto d = bc::decode(*v, {}).value();
    std::vector<std::string> keys;
    for (const auto& [k, value] : *d.dict()) keys.push_back(k);
    CHECK(keys == std::vector<std::string>{"b", "g", "h", "m", "n", "p", "s", "t", "u"});
    CHECK(*d.find("b")->string() == raw(p.block_hash.raw()));
    CHECK(*d.find("g")->string() == p.signature);
    CHECK(*d.find("h")->integer() == 912345);
    CHECK(*d.find("m")->string() == raw(p.manifest_sha256.bytes()));
    CHECK(*d.find("n")->string() == "main");
    CHECK(*d.find("p")->string() == raw(p.patches->bytes()));
    CHECK(*d.find("s")->string() == raw(p.shards.bytes()));
    CHECK(*d.find("t")->string() == raw(p.manifest_torrent.bytes()));
    CHECK(d.find("u")->list()->size() == 2);
}

TEST_CASE("dht pointer: without patches and seeders, p and u are absent", "[dht]") {
    Key key;
    auto p = mainnet_pointer(key);
    p.patches.reset();
    p.seeders.clear();
    auto v = encode_pointer_value(p);
    REQUIRE(v);
    auto d = bc::decode(*v, {}).value();
    CHECK(d.find("p") == nullptr);
    CHECK(d.find("u") == nullptr);
    CHECK(decode_pointer_value(*v).value() == p);
}

TEST_CASE("dht pointer: encode refuses too many, bad or too long seeder URLs", "[dht]") {
    Key key;
    auto p = mainnet_pointer(key);
    // Eight URLs are allowed but these do not fit: too_large, and nothing to send.
    p.seeders.assign(kMaxDhtSeederUrls, "https://a-rather-long-seeder-host-name.example.org/utxo-torrent/");
    auto big = encode_pointer_value(p);
    REQUIRE_FALSE(big);
    CHECK(big.error().code == Errc::too_large);
    CHECK(big.error().message.find("more than BEP 44's 1000") != std::string::npos);
    p.seeders.assign(kMaxDhtSeederUrls + 1, "http://a/");
    CHECK(encode_pointer_value(p).error().code == Errc::too_large);
    for (const char* bad :
         {"ftp://a/", "http://", "https://a b/", "http://a/\x1b[31m", "seed.example/", ""}) {
        p.seeders = {bad};
        CHECK(encode_pointer_value(p).error().code == Errc::invalid);
    }
}

TEST_CASE("dht pointer: decode refuses values over the size bound and non-canonical values", "[dht]") {
    Key key;
    auto p = mainnet_pointer(key);
    auto v = encode_pointer_value(p).value();
    CHECK(refusal(v + std::string(kMaxDhtValueBytes, 'x')).code == Errc::too_large);
    CHECK(refusal(v + "e").code == Errc::non_canonical);  // trailing bytes
    // Keys out of order: the same content, "b" moved to the end.
    auto pos = v.find("1:b32:");
    auto unsorted = "d" + v.substr(pos + 6 + 32, v.size() - pos - 6 - 32 - 1) + v.substr(pos, 6 + 32) + "e";
    CHECK(refusal(unsorted).code == Errc::non_canonical);
    CHECK(refusal(edited(p, [](bc::Dict& d) { set(d, "u", bc::Value(bc::List{})); })).code ==
          Errc::non_canonical);
}

TEST_CASE("dht pointer: decode refuses missing, unknown and malformed fields", "[dht]") {
    Key key;
    auto p = mainnet_pointer(key);
    auto drop = [&](const std::string& key) {
        return edited(p,
                      [&](bc::Dict& d) { std::erase_if(d, [&](const auto& e) { return e.first == key; }); });
    };
    for (const char* k : {"b", "g", "h", "m", "n", "s", "t"}) CHECK(refusal(drop(k)).code == Errc::invalid);
    CHECK(decode_pointer_value(drop("p")).has_value() == true);  // a release without patches
    auto with = [&](const std::string& k, bc::Value v) {
        return edited(p, [&](bc::Dict& d) { set(d, k, std::move(v)); });
    };
    CHECK(refusal(with("x", bc::Value(std::int64_t{1}))).message.find("unknown key \"x\"") !=
          std::string::npos);
    CHECK(refusal(with("b", bc::Value(std::string(31, 'a')))).code == Errc::invalid);
    CHECK(refusal(with("s", bc::Value(std::string(32, 'a')))).code == Errc::invalid);
    CHECK(refusal(with("p", bc::Value(std::int64_t{1}))).code == Errc::invalid);
    CHECK(refusal(with("h", bc::Value("912345"))).code == Errc::invalid);
    CHECK(refusal(with("h", bc::Value(std::int64_t{-1}))).code == Errc::invalid);
    CHECK(refusal(with("h", bc::Value(std::int64_t{1} << 32))).code == Errc::invalid);
    CHECK(refusal(with("n", bc::Value("mainnet"))).code == Errc::invalid);  // an alias is not the name
    CHECK(refusal(with("u", bc::Value("http://a/"))).code == Errc::invalid);
    CHECK(refusal(with("u", bc::Value(bc::List{bc::Value("ftp://a/")}))).code == Errc::invalid);
    CHECK(refusal(with("u", bc::Value(bc::List{bc::Value("http://a/\x9b")}))).code == Errc::invalid);
    CHECK(refusal(with("u", bc::Value(bc::List(kMaxDhtSeederUrls + 1, bc::Value("http://a/"))))).code ==
          Errc::too_large);
    CHECK(refusal(with("u", bc::Value(bc::List{bc::Value(bc::List{})}))).code == Errc::too_large);  // depth 3
    CHECK(refusal(with("g", bc::Value("not a signature file"))).code == Errc::invalid);
}

TEST_CASE("dht pointer: a signature whose trusted comment states another release is refused", "[dht]") {
    Key key;
    auto p = mainnet_pointer(key);
    // The pointer's own fields stay; only its signature states something else.
    auto other = [&](auto change) {
        auto q = p;
        change(q);
        auto sig = key.minisig({q.network, q.height, q.block_hash, q.manifest_sha256, 1714564800});
        return edited(p, [&](bc::Dict& d) { set(d, "g", bc::Value(sig)); });
    };
    auto height = refusal(other([](DhtPointer& q) { q.height = Height{912344}; }));
    CHECK(height.code == Errc::mismatch);
    CHECK(height.message ==
          "DHT pointer: its signature's trusted comment says height 912344, the pointer 912345");
    CHECK(refusal(other([](DhtPointer& q) { q.network = Network::testnet4; })).code == Errc::mismatch);
    CHECK(refusal(other([](DhtPointer& q) { q.block_hash.raw()[0] ^= 1; })).code == Errc::mismatch);
    CHECK(refusal(other([](DhtPointer& q) { q.manifest_sha256.bytes()[31] ^= 1; })).code == Errc::mismatch);
    // Only the release is compared: another signing time, or none (a signature from before
    // signed_at), is the same release.
    CHECK(decode_pointer_value(other([](DhtPointer&) {})));
    auto old_form = edited(p, [&](bc::Dict& d) {
        set(d, "g",
            bc::Value(key.minisig({p.network, p.height, p.block_hash, p.manifest_sha256, std::nullopt})));
    });
    auto decoded = decode_pointer_value(old_form);
    REQUIRE(decoded);
    CHECK(decoded->signature.find("signed_at") == std::string::npos);
    auto later = edited(p, [&](bc::Dict& d) {
        set(d, "g",
            bc::Value(key.minisig({p.network, p.height, p.block_hash, p.manifest_sha256, 1800000000})));
    });
    CHECK(decode_pointer_value(later));
    // encode refuses to write such a pointer in the first place.
    auto lying = p;
    lying.height = Height{1};
    CHECK(encode_pointer_value(lying).error().code == Errc::mismatch);
}

TEST_CASE("dht pointer: BEP 44's test vectors for the signing buffer and the signature", "[dht]") {
    // bittorrent.org BEP 44, "Test vectors": value 12:Hello World!, seq 1, the same key twice.
    const std::string value = "12:Hello World!";
    CHECK(dht_signing_buffer("", 1, value) == Bytes(as_bytes("3:seqi1e1:v12:Hello World!").begin(),
                                                    as_bytes("3:seqi1e1:v12:Hello World!").end()));
    const std::string_view salted = "4:salt6:foobar3:seqi1e1:v12:Hello World!";
    CHECK(dht_signing_buffer("foobar", 1, value) == Bytes(as_bytes(salted).begin(), as_bytes(salted).end()));

    DhtItem item;
    REQUIRE(
        hex_to_bytes("77ff84905a91936367c01360803104f92432fcd904a43511876df5cdf3e7e548", item.public_key));
    item.seq = 1;
    item.value = value;
    REQUIRE(
        hex_to_bytes("305ac8aeb6c9c151fa120f120ea2cfb923564e11552d06a5d856091e5e853cff"
                     "1260d3f39e4999684aa92eb73ffd136e6f4f3ecbfda0ce53a1608ecd7ae21f01",
                     item.signature));
    CHECK(verify_dht_item(item));
    item.salt = "foobar";
    CHECK_FALSE(verify_dht_item(item));
    REQUIRE(
        hex_to_bytes("6834284b6b24c3204eb2fea824d82f88883a3d95e8b4a21b8c0ded553d17d17d"
                     "df9a8a7104b1258f30bed3787e6cb896fca78c58f8e03b5f18f14951a87d9a08",
                     item.signature));
    CHECK(verify_dht_item(item));
    // The item file carries them; the vectors' value is a bencoded string, which the file holds as one.
    auto file = encode_item_file(item);
    REQUIRE(file);
    CHECK(*file == "d1:k32:" + raw(item.public_key) + "4:salt6:foobar3:seqi1e3:sig64:" + raw(item.signature) +
                       "1:v12:Hello World!e");
    CHECK(decode_item_file(*file).value() == item);
}

TEST_CASE("dht item: a libsodium-signed item verifies, and not after any byte changes", "[dht]") {
    Key key;
    auto value = encode_pointer_value(mainnet_pointer(key)).value();
    auto item = key.item(dht_salt(Network::mainnet), 1'700'000'000, value);
    CHECK(verify_dht_item(item));
    auto flipped = [&](auto change) {
        auto copy = item;
        change(copy);
        return verify_dht_item(copy);
    };
    CHECK_FALSE(flipped([](DhtItem& i) { i.value[i.value.size() / 2] ^= 1; }));
    CHECK_FALSE(flipped([](DhtItem& i) { ++i.seq; }));
    CHECK_FALSE(flipped([](DhtItem& i) { i.salt.back() ^= 1; }));
    CHECK_FALSE(flipped([](DhtItem& i) { i.salt.clear(); }));
    CHECK_FALSE(flipped([](DhtItem& i) { i.signature[5] ^= 1; }));
    CHECK_FALSE(flipped([](DhtItem& i) { i.public_key[0] ^= 1; }));

    auto file = encode_item_file(item);
    REQUIRE(file);
    auto back = decode_item_file(*file);
    REQUIRE(back);
    CHECK(*back == item);
    CHECK(verify_dht_item(*back));
    CHECK(decode_pointer_value(back->value).value() == mainnet_pointer(key));
}

TEST_CASE("dht item: the item file refuses bad shapes and values beyond BEP 44's bounds", "[dht]") {
    Key key;
    auto item = key.item("salt", 7, "i1e");
    auto file = encode_item_file(item).value();
    CHECK(file == "d1:k32:" + raw(item.public_key) + "4:salt4:salt3:seqi7e3:sig64:" + raw(item.signature) +
                      "1:vi1ee");
    auto refused = [](const std::string& bytes) {
        auto r = decode_item_file(bytes);
        REQUIRE_FALSE(r);
        return r.error().code;
    };
    auto d = bc::decode(file, {}).value();
    auto with = [&](const std::string& k, std::optional<bc::Value> v) {
        auto copy = *d.dict();
        std::erase_if(copy, [&](const auto& e) { return e.first == k; });
        if (v) copy.emplace_back(k, std::move(*v));
        return bc::encode(bc::Value(std::move(copy)));
    };
    CHECK(refused(file + "x") == Errc::non_canonical);
    CHECK(refused(with("k", bc::Value(std::string(31, 'k')))) == Errc::invalid);
    CHECK(refused(with("sig", bc::Value(std::string(63, 's')))) == Errc::invalid);
    CHECK(refused(with("salt", bc::Value(std::string(65, 's')))) == Errc::too_large);
    CHECK(refused(with("seq", bc::Value(std::int64_t{-1}))) == Errc::invalid);
    CHECK(refused(with("seq", bc::Value("7"))) == Errc::invalid);
    CHECK(refused(with("v", std::nullopt)) == Errc::invalid);
    CHECK(refused(with("cas", bc::Value(std::int64_t{1}))) == Errc::invalid);
    CHECK(refused(with("v", bc::Value(std::string(kMaxDhtValueBytes, 'v')))) == Errc::too_large);
    CHECK(decode_item_file(with("v", bc::Value(std::string(kMaxDhtValueBytes - 5, 'v')))));
    CHECK(refused("le") == Errc::invalid);

    auto too_big = item;
    too_big.value = bc::encode(bc::Value(std::string(kMaxDhtValueBytes, 'v')));
    CHECK(encode_item_file(too_big).error().code == Errc::too_large);
    auto not_bencode = item;
    not_bencode.value = "hello";
    CHECK_FALSE(encode_item_file(not_bencode));
    auto negative = item;
    negative.seq = -1;
    CHECK(encode_item_file(negative).error().code == Errc::invalid);
}

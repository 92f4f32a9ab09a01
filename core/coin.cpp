// Core's coin record: amount compression, script compression and the TxOutSer form.
// Facts follow Bitcoin Core's compressor.{h,cpp} and coins.h.
#include "core/coin.h"

#include <secp256k1.h>

#include <array>
#include <cstring>

#include "core/opcodes.h"
#include "core/script.h"

namespace utxo::core {

namespace {

// nSize values 0..5 are special forms; raw scripts are stored as VARINT(len + 6).
constexpr std::uint64_t kSpecialScripts = 6;

// The static context is enough for parsing and serializing keys: neither needs precomputed
// tables nor randomization, and it needs no creation or locking.
const secp256k1_context* secp() { return secp256k1_context_static; }

// Core compresses 33-byte keys by prefix only, without a curve check.
bool is_p2pk_compressed(ByteView s) {
    return s.size() == 35 && s[0] == 33 && s[34] == OP_CHECKSIG && (s[1] == 0x02 || s[1] == 0x03);
}

// 65-byte keys are only compressed when fully valid: an off-curve key could not be restored
// from its x coordinate, so it must stay raw.
bool is_p2pk_uncompressed_valid(ByteView s) {
    if (s.size() != 67 || s[0] != 65 || s[66] != OP_CHECKSIG || s[1] != 0x04) return false;
    secp256k1_pubkey key;
    return secp256k1_ec_pubkey_parse(secp(), &key, s.data() + 1, 65) == 1;
}

std::size_t special_payload_size(std::uint64_t n_size) { return n_size < 2 ? 20 : 32; }

// Forms 4/5: restore 04||x||y from x and the parity of y. Core ignores a failure here and
// leaves the script empty, so an empty result (not an error) mirrors it exactly.
Bytes decompress_p2pk_uncompressed(std::uint64_t n_size, ByteView x) {
    std::array<std::uint8_t, 33> compressed;
    compressed[0] = static_cast<std::uint8_t>(n_size - 2);
    std::memcpy(compressed.data() + 1, x.data(), 32);
    secp256k1_pubkey key;
    if (!secp256k1_ec_pubkey_parse(secp(), &key, compressed.data(), compressed.size())) return {};
    Bytes script(67);
    std::size_t len = 65;
    secp256k1_ec_pubkey_serialize(secp(), script.data() + 1, &len, &key, SECP256K1_EC_UNCOMPRESSED);
    script[0] = 65;
    script[66] = OP_CHECKSIG;
    return script;
}

// Writes the script into `s`, reusing its capacity (no allocation when reading coins in a loop).
void decompress_special(std::uint64_t n_size, ByteView p, Bytes& s) {
    switch (n_size) {
        case 0:
            s.assign({OP_DUP, OP_HASH160, 20});
            s.insert(s.end(), p.begin(), p.end());
            s.push_back(OP_EQUALVERIFY);
            s.push_back(OP_CHECKSIG);
            return;
        case 1:
            s.assign({OP_HASH160, 20});
            s.insert(s.end(), p.begin(), p.end());
            s.push_back(OP_EQUAL);
            return;
        case 2:
        case 3:
            s.assign({33, static_cast<std::uint8_t>(n_size)});
            s.insert(s.end(), p.begin(), p.end());
            s.push_back(OP_CHECKSIG);
            return;
        default:
            s = decompress_p2pk_uncompressed(n_size, p);
    }
}

}  // namespace

std::uint64_t compress_amount(std::uint64_t n) {
    if (n == 0) return 0;
    int e = 0;
    while (n % 10 == 0 && e < 9) {
        n /= 10;
        ++e;
    }
    if (e < 9) {
        std::uint64_t d = n % 10;  // 1..9, since trailing zeros were removed
        n /= 10;
        return 1 + (n * 9 + d - 1) * 10 + e;
    }
    return 1 + (n - 1) * 10 + 9;
}

// Unsigned wrap-around on absurd inputs is deliberate: it is what Core computes, and the
// loader's MoneyRange check then rejects the value.
std::uint64_t decompress_amount(std::uint64_t x) {
    if (x == 0) return 0;
    --x;
    int e = static_cast<int>(x % 10);
    x /= 10;
    std::uint64_t n;
    if (e < 9) {
        std::uint64_t d = (x % 9) + 1;
        x /= 9;
        n = x * 10 + d;
    } else {
        n = x + 1;
    }
    while (e-- > 0) n *= 10;
    return n;
}

void write_compressed_script(Writer& out, ByteView s) {
    if (is_p2pkh(s)) {
        out.u8(0x00);
        out.bytes(s.subspan(3, 20));
    } else if (is_p2sh(s)) {
        out.u8(0x01);
        out.bytes(s.subspan(2, 20));
    } else if (is_p2pk_compressed(s)) {
        out.u8(s[1]);
        out.bytes(s.subspan(2, 32));
    } else if (is_p2pk_uncompressed_valid(s)) {
        out.u8(static_cast<std::uint8_t>(0x04 | (s[65] & 0x01)));  // parity of y
        out.bytes(s.subspan(2, 32));
    } else {
        out.varint(s.size() + kSpecialScripts);
        out.bytes(s);
    }
}

Status read_compressed_script(Reader& in, Bytes& script) {
    UTXO_TRY_ASSIGN(auto n_size, in.varint(UINT32_MAX));
    if (n_size < kSpecialScripts) {
        UTXO_TRY_ASSIGN(auto payload, in.bytes(special_payload_size(n_size)));
        decompress_special(n_size, payload, script);
        return {};
    }
    std::uint64_t len = n_size - kSpecialScripts;
    UTXO_TRY_ASSIGN(auto raw, in.bytes(static_cast<std::size_t>(len)));
    // Core skips an over-long script and stores a single OP_RETURN in its place.
    if (len > kMaxScriptSize)
        script.assign({OP_RETURN});
    else
        script.assign(raw.begin(), raw.end());
    return {};
}

Result<Bytes> read_compressed_script(Reader& in) {
    Bytes script;
    UTXO_TRY(read_compressed_script(in, script));
    return script;
}

void write_coin(Writer& out, const Coin& coin) {
    out.varint((std::uint64_t{coin.height.value} << 1) | (coin.coinbase ? 1 : 0));
    out.varint(compress_amount(static_cast<std::uint64_t>(coin.value.sat)));
    write_compressed_script(out, coin.script);
}

Status read_coin(Reader& in, Coin& coin) {
    UTXO_TRY_ASSIGN(auto code, in.varint(UINT32_MAX));
    UTXO_TRY_ASSIGN(auto amount, in.varint(UINT64_MAX));
    UTXO_TRY(read_compressed_script(in, coin.script));
    coin.height = Height{static_cast<std::uint32_t>(code >> 1)};
    coin.coinbase = (code & 1) != 0;
    coin.value = Amount{static_cast<std::int64_t>(decompress_amount(amount))};
    return {};
}

Result<ByteView> skip_coin(Reader& in) {
    const std::uint8_t* start = (*in.bytes(0)).data();
    const std::size_t at = in.position();
    UTXO_TRY(in.varint(UINT32_MAX));  // height and coinbase
    UTXO_TRY(in.varint(UINT64_MAX));  // compressed amount
    UTXO_TRY_ASSIGN(auto n_size, in.varint(UINT32_MAX));
    const std::uint64_t len =
        n_size < kSpecialScripts ? special_payload_size(n_size) : n_size - kSpecialScripts;
    UTXO_TRY(in.bytes(static_cast<std::size_t>(len)));
    return ByteView(start, in.position() - at);
}

Result<Coin> read_coin(Reader& in) {
    Coin coin;
    UTXO_TRY(read_coin(in, coin));
    return coin;
}

void write_txout_ser(Writer& out, const OutPoint& outpoint, const Coin& coin) {
    out.hash(outpoint.txid);
    out.u32(outpoint.vout);
    out.u32((coin.height.value << 1) | (coin.coinbase ? 1u : 0u));
    out.i64(coin.value.sat);
    out.var_bytes(coin.script);
}

namespace {
constexpr std::size_t kTxOutSerValueAt = 32 + 4 + 4;  // after txid, vout and code
constexpr std::size_t kTxOutSerScriptAt = kTxOutSerValueAt + 8;
}  // namespace

Amount txout_ser_value(ByteView element) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = v << 8 | element[kTxOutSerValueAt + i];
    return Amount{static_cast<std::int64_t>(v)};
}

ByteView txout_ser_script(ByteView element) {
    Reader r(element.subspan(kTxOutSerScriptAt));
    auto script = r.var_bytes(element.size());
    return script ? *script : ByteView{};
}

}  // namespace utxo::core

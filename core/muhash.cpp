// MuHash3072 on GMP's mpn layer. Numbers live in fixed 48-limb arrays; a product is reduced
// with the special form of p = 2^3072 - 1103717 (2^3072 ≡ 1103717), so the hot path never
// divides. Like Core, every multiplication leaves a fully reduced value, which keeps
// serialize() byte-identical to Core's.
#include "core/muhash.h"

// The low-level SHA256_CTX API is deprecated in OpenSSL 3 but is the fast one (see element_to_num).
#define OPENSSL_SUPPRESS_DEPRECATED

#include <gmp.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sodium.h>

#include <array>
#include <bit>
#include <cstring>

#include "core/coin.h"
#include "core/serialize.h"
#include "core/sha256.h"

static_assert(GMP_NUMB_BITS == 64 && GMP_NAIL_BITS == 0, "MuHash3072 expects 64-bit GMP limbs without nails");
static_assert(sizeof(mp_limb_t) == 8);

namespace utxo::core {

namespace {

constexpr int kLimbs = 48;
constexpr std::size_t kBytes = 384;
constexpr mp_limb_t kPrimeDiff = 1103717;  // 2^3072 - p

using Num = std::array<mp_limb_t, kLimbs>;

Num one() {
    Num n{};
    n[0] = 1;
    return n;
}

// Little-endian bytes <-> limbs, independent of host byte order.
void from_le_bytes(Num& n, const std::uint8_t* in) {
    if constexpr (std::endian::native == std::endian::little) {
        std::memcpy(n.data(), in, kBytes);
        return;
    }
    for (int i = 0; i < kLimbs; ++i) {
        mp_limb_t v = 0;
        for (int b = 7; b >= 0; --b) v = (v << 8) | in[i * 8 + b];
        n[i] = v;
    }
}

void to_le_bytes(const Num& n, std::uint8_t* out) {
    if constexpr (std::endian::native == std::endian::little) {
        std::memcpy(out, n.data(), kBytes);
        return;
    }
    for (int i = 0; i < kLimbs; ++i)
        for (int b = 0; b < 8; ++b) out[i * 8 + b] = static_cast<std::uint8_t>(n[i] >> (8 * b));
}

// n >= p exactly when n + kPrimeDiff carries out of 3072 bits; then that sum's low bits are n - p.
void full_reduce(Num& n) {
    if (n[0] < ~mp_limb_t{0} - kPrimeDiff + 1) {
        // Fast path: with limb 0 this small, n + kPrimeDiff cannot carry.
        return;
    }
    Num t;
    if (mpn_add_1(t.data(), n.data(), kLimbs, kPrimeDiff)) n = t;
}

// a = a * b mod p, fully reduced. Inputs must be < 2^3072 (they need not be < p).
void mul_mod(Num& a, const Num& b) {
    mp_limb_t wide[2 * kLimbs];
    mpn_mul_n(wide, a.data(), b.data(), kLimbs);
    // hi * 2^3072 + lo ≡ hi * kPrimeDiff + lo; the overflow is below 2^22 and folds once more.
    mp_limb_t folded[kLimbs];
    mp_limb_t carry = mpn_mul_1(folded, wide + kLimbs, kLimbs, kPrimeDiff);
    carry += mpn_add_n(a.data(), wide, folded, kLimbs);
    // carry * kPrimeDiff < 2^43; adding it can carry out at most once, and then a is tiny.
    if (mpn_add_1(a.data(), a.data(), kLimbs, carry * kPrimeDiff))
        mpn_add_1(a.data(), a.data(), kLimbs, kPrimeDiff);
    full_reduce(a);
}

// libsodium picks its SIMD ChaCha20 only after sodium_init(); do that once, thread-safely.
bool sodium_ready() {
    static const bool ready = sodium_init() >= 0;
    return ready;
}

// OpenSSL's ChaCha20 is about twice as fast as libsodium's for 384 bytes, so it is the main path;
// one context per thread avoids an allocation per element. Its 16-byte IV is the RFC 8439 block
// counter (LE u32) followed by the 96-bit nonce, all zero here.
struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

bool openssl_keystream(const Hash256& key, std::uint8_t* out) {
    thread_local std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx = [] {
        std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> c(EVP_CIPHER_CTX_new());
        if (c && EVP_EncryptInit_ex(c.get(), EVP_chacha20(), nullptr, nullptr, nullptr) != 1) c.reset();
        return c;
    }();
    static const std::uint8_t kZeros[kBytes] = {};
    static const std::uint8_t kIv[16] = {};
    int len = 0;
    return ctx && EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), kIv) == 1 &&
           EVP_EncryptUpdate(ctx.get(), out, &len, kZeros, static_cast<int>(kBytes)) == 1 &&
           len == static_cast<int>(kBytes);
}

// Element -> SHA256 -> ChaCha20 (RFC 8439, zero nonce, counter 0) keystream -> LE number.
void element_to_num(ByteView element, Num& out) {
    // SHA256_Init/Update/Final rather than the one-shot SHA256(), which in OpenSSL 3 looks the
    // digest up by name on every call (locks and string compares cost more than the hash).
    SHA256_CTX sha;
    SHA256_Init(&sha);
    SHA256_Update(&sha, element.data(), element.size());
    Hash256 key;
    SHA256_Final(key.raw().data(), &sha);
    alignas(64) std::uint8_t stream[kBytes];
    if (!openssl_keystream(key, stream)) {
        // Same keystream from libsodium, should OpenSSL ever refuse.
        static constexpr std::uint8_t kNonce[crypto_stream_chacha20_ietf_NONCEBYTES] = {};
        (void)sodium_ready();
        crypto_stream_chacha20_ietf(stream, sizeof stream, kNonce, key.data());
    }
    from_le_bytes(out, stream);
}

// The TxOutSer of a coin, built in a per-thread buffer so the hot path does not allocate.
template <class F>
void with_txout_ser(const OutPoint& outpoint, const Coin& coin, F&& use) {
    thread_local Bytes buffer;
    buffer.clear();
    Writer w(buffer);
    write_txout_ser(w, outpoint, coin);
    use(ByteView(buffer));
}

}  // namespace

struct MuHash3072::State {
    Num num = one();
    Num den = one();
};

MuHash3072::MuHash3072() : state_(std::make_unique<State>()) {}
MuHash3072::~MuHash3072() = default;
MuHash3072::MuHash3072(const MuHash3072& o) : state_(std::make_unique<State>(*o.state_)) {}
MuHash3072& MuHash3072::operator=(const MuHash3072& o) {
    if (this != &o) state_ = std::make_unique<State>(*o.state_);
    return *this;
}
// A moved-from accumulator is left as the empty set rather than null, so it stays usable.
MuHash3072::MuHash3072(MuHash3072&& o) noexcept : state_(std::move(o.state_)) {
    o.state_ = std::make_unique<State>();
}
MuHash3072& MuHash3072::operator=(MuHash3072&& o) noexcept {
    if (this != &o) {
        state_ = std::move(o.state_);
        o.state_ = std::make_unique<State>();
    }
    return *this;
}

void MuHash3072::insert(ByteView element) {
    Num x;
    element_to_num(element, x);
    mul_mod(state_->num, x);
}

void MuHash3072::remove(ByteView element) {
    Num x;
    element_to_num(element, x);
    mul_mod(state_->den, x);
}

void MuHash3072::insert_coin(const OutPoint& outpoint, const Coin& coin) {
    with_txout_ser(outpoint, coin, [this](ByteView e) { insert(e); });
}

void MuHash3072::remove_coin(const OutPoint& outpoint, const Coin& coin) {
    with_txout_ser(outpoint, coin, [this](ByteView e) { remove(e); });
}

MuHash3072& MuHash3072::operator*=(const MuHash3072& other) {
    mul_mod(state_->num, other.state_->num);
    mul_mod(state_->den, other.state_->den);
    return *this;
}

// Dividing by a set multiplies by its inverse: swap the other's numerator and denominator.
MuHash3072& MuHash3072::operator/=(const MuHash3072& other) {
    Num other_num = other.state_->num;  // copy first: other may be *this
    mul_mod(state_->num, other.state_->den);
    mul_mod(state_->den, other_num);
    return *this;
}

MuHashDigest MuHash3072::finalize() const {
    // The inverse is computed once here, with mpz: it is off the hot path.
    mpz_t p, den, inv;
    mpz_inits(p, den, inv, nullptr);
    mpz_ui_pow_ui(p, 2, 3072);
    mpz_sub_ui(p, p, kPrimeDiff);
    mpz_import(den, kLimbs, -1, sizeof(mp_limb_t), 0, 0, state_->den.data());
    Num value{};  // stays 0 if den ≡ 0, which no product of hashes reaches in practice
    if (mpz_invert(inv, den, p)) {
        std::size_t count = 0;
        mpz_export(value.data(), &count, -1, sizeof(mp_limb_t), 0, 0, inv);
        mul_mod(value, state_->num);
    }
    mpz_clears(p, den, inv, nullptr);
    std::uint8_t bytes[kBytes];
    to_le_bytes(value, bytes);
    return MuHashDigest(sha256(ByteView(bytes, kBytes)).bytes());
}

Bytes MuHash3072::serialize() const {
    Bytes out(kSerializedSize);
    to_le_bytes(state_->num, out.data());
    to_le_bytes(state_->den, out.data() + kBytes);
    return out;
}

Result<MuHash3072> MuHash3072::deserialize(ByteView bytes) {
    if (bytes.size() != kSerializedSize)
        return fail(Errc::invalid, "a serialized MuHash3072 state must be exactly 768 bytes");
    MuHash3072 m;
    // Kept as given (possibly >= p), as Core does; every later product is reduced anyway.
    from_le_bytes(m.state_->num, bytes.data());
    from_le_bytes(m.state_->den, bytes.data() + kBytes);
    return m;
}

}  // namespace utxo::core

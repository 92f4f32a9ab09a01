// Hashes as distinct types, and the one rule for their hex.
//
// Two kinds, and the type says which:
// - BasicHash<Tag>, Bitcoin's 32-byte hashes: txids, block hashes, merkle roots and the two
//   UTXO set commitments (MuHash, hash_serialized_3). The bytes are kept in internal order, the
//   order Bitcoin serializes them; as text they are reversed (display order), as Core prints
//   them (uint256::GetHex): to_display_hex / from_display_hex.
// - Digest<N, Tag>, digests that are never reversed: a file's SHA-256 (manifest entries, the
//   signed manifest digest), BitTorrent v1 infohashes and piece hashes (SHA-1, BEP 3). The
//   bytes are the hash function's output; the hex is in the same order: to_hex / from_hex.
//
// Hex exists only at the edges. A hash is parsed once where text enters (manifest decode, a
// trusted comment, a seeder's JSON, an RPC answer, a .torrent), compared and passed on as bytes,
// and turned into hex only where text leaves (encode, print, JSON, URLs, logs). No function in
// between takes or returns a hash as a hex std::string.
#pragma once
#include <algorithm>
#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"

namespace utxo::core {

template <class Tag>
class BasicHash {
public:
    static constexpr std::size_t size = 32;
    using Array = std::array<std::uint8_t, size>;

    constexpr BasicHash() : bytes_{} {}
    explicit constexpr BasicHash(const Array& raw) : bytes_(raw) {}

    static BasicHash from_raw(ByteView raw) {  // raw.size() must be 32
        BasicHash h;
        std::memcpy(h.bytes_.data(), raw.data(), size);
        return h;
    }
    // Parses 64 hex digits (either case) in display order (reversed); nullopt otherwise.
    static std::optional<BasicHash> from_display_hex(std::string_view hex) {
        BasicHash h;
        if (!hex_to_bytes(hex, h.bytes_)) return std::nullopt;
        std::reverse(h.bytes_.begin(), h.bytes_.end());
        return h;
    }
    std::string to_display_hex() const {  // lowercase
        Array rev = bytes_;
        std::reverse(rev.begin(), rev.end());
        return to_hex(rev);
    }

    const Array& raw() const { return bytes_; }
    Array& raw() { return bytes_; }
    const std::uint8_t* data() const { return bytes_.data(); }
    bool is_zero() const { return bytes_ == Array{}; }

    friend auto operator<=>(const BasicHash&, const BasicHash&) = default;  // raw byte order

private:
    Array bytes_;
};

struct Hash256Tag {};
struct TxidTag {};
struct WtxidTag {};
struct BlockHashTag {};
struct MuHashTag {};
struct AssumeutxoHashTag {};

using Hash256 = BasicHash<Hash256Tag>;  // an untyped SHA256d digest (merkle nodes, shard rule)
using Txid = BasicHash<TxidTag>;
using Wtxid = BasicHash<WtxidTag>;
using BlockHash = BasicHash<BlockHashTag>;
// The UTXO set commitments, as Core reports them (gettxoutsetinfo `muhash`, `hash_serialized_3`).
// AssumeutxoHash is Core's name for hash_serialized_3 (src/kernel/chainparams.h). Their own types
// so that a manifest's two commitments, or a shard's MuHash and its file's SHA-256, cannot be
// swapped without the compiler noticing.
using MuHashDigest = BasicHash<MuHashTag>;            // MuHash3072::finalize()
using AssumeutxoHash = BasicHash<AssumeutxoHashTag>;  // HashSerialized3::finalize()

template <class To, class From>
To hash_cast(const BasicHash<From>& h) {
    return To(h.raw());
}

// A digest in natural order: never reversed, in bytes or in hex.
template <std::size_t N, class Tag>
class Digest {
public:
    static constexpr std::size_t size = N;
    using Array = std::array<std::uint8_t, N>;

    constexpr Digest() : bytes_{} {}
    explicit constexpr Digest(const Array& bytes) : bytes_(bytes) {}

    static Digest from_bytes(ByteView bytes) {  // bytes.size() must be N
        Digest d;
        std::memcpy(d.bytes_.data(), bytes.data(), size);
        return d;
    }
    // Parses exactly 2N hex digits, either case; nullopt otherwise. Parsers that also require
    // lowercase (canonical forms) check that themselves.
    static std::optional<Digest> from_hex(std::string_view hex) {
        Digest d;
        if (!hex_to_bytes(hex, d.bytes_)) return std::nullopt;
        return d;
    }
    std::string to_hex() const { return core::to_hex(bytes_); }  // 2N lowercase digits

    const Array& bytes() const { return bytes_; }
    Array& bytes() { return bytes_; }
    const std::uint8_t* data() const { return bytes_.data(); }

    friend auto operator<=>(const Digest&, const Digest&) = default;

private:
    Array bytes_;
};

struct Sha256Tag {};
struct Sha1Tag {};
struct InfoHashTag {};

using Sha256Digest = Digest<32, Sha256Tag>;  // SHA-256 of a file or message, as sha256sum prints it
using Sha1Digest = Digest<20, Sha1Tag>;      // a BitTorrent v1 piece hash
using InfoHash = Digest<20, InfoHashTag>;    // BitTorrent v1 infohash: SHA-1 of the info dictionary

}  // namespace utxo::core

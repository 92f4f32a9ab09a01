// Sharding by script and the shard file: the coins of one shard of a release.
//
// shard_of(script) = LE-integer(SHA256d(scriptPubKey)) mod S, S a power of two, so it is the low
// bits of the digest's first bytes.
//
// Shard file (canonical; identical input gives identical bytes; anything else is refused on read):
//   magic "UTXOSHRD" (8) || version u16 = 1 || network magic (4) || block hash raw (32)
//   || height u32 || shard index u32 || shard count u32 || coin count u64        (= 66-byte header)
//   then coin count x ( txid raw (32) || CompactSize(vout) || Coin (Core encoding) ),
//   strictly ascending by (txid raw, vout numeric), each coin's script in this shard, nothing after.
#pragma once
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "core/coin.h"
#include "core/error.h"
#include "core/network.h"

namespace utxo::core {

inline constexpr std::uint32_t kDefaultShardCount = 1024;
inline constexpr std::uint32_t kMaxShardCount = 65536;
bool valid_shard_count(std::uint32_t count);  // a power of two in [1, kMaxShardCount]
std::uint32_t shard_of(ByteView script_pubkey, std::uint32_t shard_count);

struct ShardHeader {
    static constexpr std::size_t kSize = 66;
    std::uint16_t version = 1;
    Network network = Network::mainnet;
    BlockHash block;
    Height height;
    std::uint32_t shard_index = 0;
    std::uint32_t shard_count = kDefaultShardCount;
    std::uint64_t coin_count = 0;
    friend bool operator==(const ShardHeader&, const ShardHeader&) = default;
};

Bytes encode_shard_header(const ShardHeader& h);
[[nodiscard]] Result<ShardHeader> decode_shard_header(ByteView bytes);  // exactly kSize bytes

// Appends one coin record (txid || CompactSize(vout) || Coin) to a buffer, from the coin or from
// its Core encoding as it is (a store's record, copied without re-encoding).
void write_shard_coin(Writer& out, const OutPoint& outpoint, const Coin& coin);
void write_shard_coin(Writer& out, const OutPoint& outpoint, ByteView coin_encoding);
// Reads one coin record, refusing any encoding write_shard_coin would not produce (a script that
// could be compressed but is stored raw, an amount that only decodes by wrapping around, ...).
[[nodiscard]] Result<std::pair<OutPoint, Coin>> read_shard_coin(Reader& in);
// Reads one coin record into `outpoint` and `coin` (its script buffer reused) without that
// refusal: for bytes already checked against a signed manifest (RawShardReader, shard_merge.h).
[[nodiscard]] Status read_shard_coin_raw(Reader& in, OutPoint& outpoint, Coin& coin);

// The per-coin rules of a shard file apart from order: the script maps to header.shard_index, the
// value is in MoneyRange, the coin is no younger than the header's height, the script fits
// (kMaxScriptSize, core/script.h).
// The message names the outpoint.
[[nodiscard]] Status check_shard_coin(const ShardHeader& header, const OutPoint& outpoint, const Coin& coin);
// "txid display hex:vout", as errors print an outpoint.
std::string describe_outpoint(const OutPoint& outpoint);

// Streams a shard file with every canonical check; errors name the coin index.
class ShardReader {
public:
    // buffer_size bounds the read buffer (it grows only for a record larger than it). Readers
    // that merge all shards at once pass kMergeReadBuffer so memory stays ~S x 256 KiB.
    static constexpr std::size_t kDefaultReadBuffer = 4 << 20;
    static constexpr std::size_t kMergeReadBuffer = 256 << 10;
    [[nodiscard]] static Result<ShardReader> open(const std::filesystem::path& path,
                                                  std::size_t buffer_size = kDefaultReadBuffer);
    ~ShardReader();
    ShardReader(ShardReader&&) noexcept;
    ShardReader& operator=(ShardReader&&) noexcept;
    const ShardHeader& header() const;
    // Next coin in order; nullopt after the last (having checked that nothing follows).
    [[nodiscard]] Result<std::optional<std::pair<OutPoint, Coin>>> next();

private:
    struct Impl;
    explicit ShardReader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Writes a whole shard file from coins given in order (checked: strictly ascending and
// check_shard_coin). The header's coin_count is ignored and filled in at finish(). Writes to
// `<path>.tmp`, fsyncs, then renames; refuses to replace an existing `path` (a release file is
// never rewritten). Destroying an unfinished writer removes the tmp file.
//
// File descriptors: a release cut keeps up to 1024 writers alive at once, so a writer holds no
// descriptor between calls. Coins collect in an in-memory buffer; when it passes 256 KiB the
// tmp file is opened, the buffer written at its end and the file closed again. Memory is bounded
// by about 256 KiB per live writer (256 MiB for 1024).
class ShardWriter {
public:
    // sync_each_file: finish() fsyncs the file and its directory. caller_syncs: for a caller that
    // writes many files and makes them durable at once (the release cutter's one syncfs).
    enum class Durability { sync_each_file, caller_syncs };
    [[nodiscard]] static Result<ShardWriter> create(const std::filesystem::path& path,
                                                    const ShardHeader& header,
                                                    Durability durability = Durability::sync_each_file);
    ~ShardWriter();
    ShardWriter(ShardWriter&&) noexcept;
    ShardWriter& operator=(ShardWriter&&) noexcept;
    [[nodiscard]] Status add(const OutPoint& outpoint, const Coin& coin);
    // The fast path for a caller that already holds the coin's Core encoding and knows the coin
    // belongs here (the release cutter, copying the store's records): only the order is checked.
    [[nodiscard]] Status add_encoded(const OutPoint& outpoint, ByteView coin_encoding);
    Status finish();

private:
    struct Impl;
    explicit ShardWriter(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace utxo::core

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
Result<ShardHeader> decode_shard_header(ByteView bytes);  // exactly kSize bytes

// Appends one coin record (txid || CompactSize(vout) || Coin) to a buffer.
void write_shard_coin(Writer& out, const OutPoint& outpoint, const Coin& coin);
// Reads one coin record.
Result<std::pair<OutPoint, Coin>> read_shard_coin(Reader& in);

// Streams a shard file with every canonical check; errors name the coin index.
class ShardReader {
public:
    static Result<ShardReader> open(const std::filesystem::path& path);
    ~ShardReader();
    ShardReader(ShardReader&&) noexcept;
    ShardReader& operator=(ShardReader&&) noexcept;
    const ShardHeader& header() const;
    // Next coin in order; nullopt after the last (having checked that nothing follows).
    Result<std::optional<std::pair<OutPoint, Coin>>> next();

private:
    struct Impl;
    explicit ShardReader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Writes a whole shard file from coins given in order (checked). The header's coin_count is
// filled in at finish(); writes to `<path>.tmp` then renames.
class ShardWriter {
public:
    static Result<ShardWriter> create(const std::filesystem::path& path, const ShardHeader& header);
    ~ShardWriter();
    ShardWriter(ShardWriter&&) noexcept;
    ShardWriter& operator=(ShardWriter&&) noexcept;
    Status add(const OutPoint& outpoint, const Coin& coin);
    Status finish();

private:
    struct Impl;
    explicit ShardWriter(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace utxo::core

// Bitcoin Core UTXO snapshot files (`dumptxoutset`, format version 2).
// Header: "utxo\xff", u16 version, network magic, base block hash (raw), u64 coin count.
// Body: groups txid || CompactSize(n) || n x (CompactSize(vout) || Coin), in chainstate key order
// (txid raw ascending; within a txid, by the byte string of VARINT(vout)).
#pragma once
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/coin.h"
#include "core/error.h"
#include "core/network.h"
#include "core/types.h"

namespace utxo::core {

struct SnapshotHeader {
    static constexpr std::size_t kSize = 51;
    std::uint16_t version = 2;
    Network network = Network::mainnet;
    BlockHash base_block;
    std::uint64_t coin_count = 0;
};

struct SnapshotCoin {
    OutPoint outpoint;
    Coin coin;
};

// Streams a snapshot file coin by coin with Core's checks: magic, version, known network,
// canonical encodings, count matches (no missing coins, no trailing bytes), MoneyRange,
// vout != 0xffffffff. Messages follow Core's loader wording.
class SnapshotReader {
public:
    // With base_height, coins above it are rejected as Core's loader does (the file itself
    // does not carry the height).
    [[nodiscard]] static Result<SnapshotReader> open(const std::filesystem::path& path,
                                                     std::optional<Height> base_height = std::nullopt);
    ~SnapshotReader();
    SnapshotReader(SnapshotReader&&) noexcept;
    SnapshotReader& operator=(SnapshotReader&&) noexcept;

    const SnapshotHeader& header() const;
    // The next coin; nullopt after the last one (having checked nothing follows it).
    [[nodiscard]] Result<std::optional<SnapshotCoin>> next();
    std::uint64_t coins_read() const;

private:
    struct Impl;
    explicit SnapshotReader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Writes a snapshot file. Coins must come in chainstate key order; the writer groups
// consecutive coins of one txid. It writes to `<path>.incomplete` and renames on finish(),
// and refuses to overwrite an existing file, as Core does.
class SnapshotWriter {
public:
    [[nodiscard]] static Result<SnapshotWriter> create(const std::filesystem::path& path,
                                                       const SnapshotHeader& header);
    ~SnapshotWriter();  // without finish(), removes the .incomplete file
    SnapshotWriter(SnapshotWriter&&) noexcept;
    SnapshotWriter& operator=(SnapshotWriter&&) noexcept;

    [[nodiscard]] Status add(const OutPoint& outpoint, const Coin& coin);
    Status finish();  // checks the count against the header, flushes, fsyncs, renames

private:
    struct Impl;
    explicit SnapshotWriter(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Core's chainstate key order: txid raw, then the VARINT byte string of vout.
bool chainstate_key_less(const OutPoint& a, const OutPoint& b);

// The 51-byte header on its own, with the loader's magic/version/network checks on decode.
Bytes encode_snapshot_header(const SnapshotHeader& header);
[[nodiscard]] Result<SnapshotHeader> decode_snapshot_header(ByteView bytes);

}  // namespace utxo::core

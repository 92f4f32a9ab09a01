// A shard's script index: the first 4 bytes of SHA256(scriptPubKey) of every coin of one shard
// file with the offset of its record, sorted, so a query reads a few KiB of it and the matching
// records instead of the whole shard. It is derived data, never downloaded: built from an
// installed shard file (whose SHA-256 matched the signed manifest) and written without fsync; a
// trailing SHA-256 is checked when a process first uses it, and a missing or damaged index only
// means the shard is scanned. Layout: docs/formats.md, "Script index".
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "core/hash.h"

namespace utxo::verifier {

// The first 4 bytes of SHA256(scriptPubKey): with ~175,000 coins a shard, a query meets another
// script's coin under the same key once in ~25,000 queries, and every candidate is checked anyway.
using ScriptKey = std::array<std::uint8_t, 4>;

struct ScriptIndexEntry {
    ScriptKey key{};
    std::uint32_t offset = 0;  // of the coin's record from the start of the shard file
    friend auto operator<=>(const ScriptIndexEntry&, const ScriptIndexEntry&) = default;
};

inline constexpr std::size_t kScriptIndexHeaderSize = 8 + 1 + 32 + 8;
inline constexpr std::size_t kScriptIndexEntrySize = sizeof(ScriptKey) + 4;

ScriptKey script_key(const core::Sha256Digest& script_sha256);

// DIR/index/NNNNN.sidx inside a release directory.
std::filesystem::path script_index_path(const std::filesystem::path& release_dir, std::uint32_t shard);

// The file's bytes; `entries` must be sorted.
core::Bytes encode_script_index(const core::Sha256Digest& shard_sha256,
                                std::span<const ScriptIndexEntry> entries);

// What a reader keeps of a checked index: the entries whose key starts with byte b are
// [fanout[b], fanout[b + 1]).
struct ScriptIndexTable {
    core::Sha256Digest shard_sha256;
    std::uint64_t coins = 0;
    std::array<std::uint32_t, 257> fanout{};
};

// Checks a whole index file: magic, version, size, entry order and the trailing SHA-256.
[[nodiscard]] core::Result<ScriptIndexTable> check_script_index(core::ByteView file);
// The entries of a checked file (or of any run of whole entries).
std::vector<ScriptIndexEntry> decode_script_index_entries(core::ByteView entries);

// The index of an installed shard file's bytes (refused above 4 GiB: offsets are 32-bit).
[[nodiscard]] core::Result<core::Bytes> build_script_index(core::ByteView shard_file,
                                                           const core::Sha256Digest& shard_sha256);

// Reads and checks the index at `path`: nullopt when it is absent, an error naming the file when it
// is damaged or indexes another shard than the one with this SHA-256 and coin count.
[[nodiscard]] core::Result<std::optional<ScriptIndexTable>> load_script_index(
    const std::filesystem::path& path, const core::Sha256Digest& shard_sha256, std::uint64_t coins);

// The record offsets of `key`, ascending, read from the index file with one pread.
[[nodiscard]] core::Result<std::vector<std::uint32_t>> find_in_script_index(const std::filesystem::path& path,
                                                                            const ScriptIndexTable& table,
                                                                            const ScriptKey& key);

// Writes a temporary file beside `path` and renames it into place (no fsync: the trailing SHA-256
// finds a torn file). Fails without creating anything when the release directory is gone.
[[nodiscard]] core::Status write_script_index(const std::filesystem::path& path, core::ByteView bytes);

}  // namespace utxo::verifier

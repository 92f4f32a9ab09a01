// Export of a full store as a Bitcoin Core snapshot file (dumptxoutset format 2).
#pragma once
#include <filesystem>

#include "core/error.h"
#include "core/hash.h"
#include "verifier/store.h"

namespace utxo::verifier {

struct ExportSummary {
    std::uint64_t coins = 0;
    core::AssumeutxoHash hash_serialized_3;
    double seconds = 0;
};

// Merges all shard files (txid raw, vout) into `out` in Core's chainstate order, computing
// hash_serialized_3 on the way; the file appears only if count and hash equal the manifest's
// (Errc::mismatch otherwise). Refuses wallet stores (Errc::usage) and an existing `out`.
[[nodiscard]] core::Result<ExportSummary> export_core(Store& store, const std::filesystem::path& out);

}  // namespace utxo::verifier

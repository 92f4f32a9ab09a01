// Core snapshot files (utxo-indexer import-core) may come from anywhere: SnapshotReader must
// read every coin or stop at one error, whatever the header's count claims.
#include "core/snapshot.h"

#include "fuzz_input.h"

using namespace utxo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::bytes(data, size);
    if (size >= core::SnapshotHeader::kSize) {
        if (auto header = core::decode_snapshot_header(input.first(core::SnapshotHeader::kSize)))
            fuzz::require(core::encode_snapshot_header(*header) ==
                              core::Bytes(data, data + core::SnapshotHeader::kSize),
                          "a decoded snapshot header encodes back to its bytes");
    }
    auto reader = core::SnapshotReader::open(fuzz::scratch_file(fuzz::text(data, size)), core::Height{100});
    if (!reader) return 0;
    while (true) {
        auto next = reader->next();
        if (!next || !*next) break;
    }
    return 0;
}

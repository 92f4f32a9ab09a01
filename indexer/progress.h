// The progress line of `run` and `build` on a terminal (height, blocks/s, UTXO operations/s, ETA),
// drawn and erased by core::ProgressLine: silent when stderr is not a terminal or under -q.
#pragma once
#include <cstdint>
#include <optional>

#include "core/progress_line.h"
#include "core/types.h"

namespace utxo::indexer {

class Progress {
public:
    Progress(bool wanted, std::optional<std::size_t> total_blocks);
    void update(std::uint64_t blocks_done, core::Height height, std::uint64_t operations);
    void finish();

private:
    std::optional<core::ProgressLine> line_;
    std::optional<std::size_t> total_;
};

}  // namespace utxo::indexer

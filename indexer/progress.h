// A one-line progress display on a terminal (blocks/s, height, UTXO operations/s, ETA);
// silent when stderr is not a terminal, so logs stay quiet.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>

#include "core/types.h"

namespace utxo::indexer {

class Progress {
public:
    Progress(bool wanted, std::optional<std::size_t> total_blocks);
    void update(std::uint64_t blocks_done, core::Height height, std::uint64_t operations);
    void finish();

private:
    bool active_;
    std::optional<std::size_t> total_;
    std::chrono::steady_clock::time_point start_, last_draw_;
    bool drawn_ = false;
};

}  // namespace utxo::indexer

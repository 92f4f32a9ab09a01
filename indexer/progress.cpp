#include "indexer/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace utxo::indexer {

Progress::Progress(bool wanted, std::optional<std::size_t> total_blocks)
    : active_(wanted && isatty(STDERR_FILENO)),
      total_(total_blocks),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void Progress::update(std::uint64_t blocks_done, core::Height height, std::uint64_t operations) {
    if (!active_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ < std::chrono::milliseconds(250)) return;
    last_draw_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    double bps = blocks_done / secs;
    std::string eta;
    if (total_ && bps > 0 && *total_ >= blocks_done)
        eta = fmt::format("  ETA {:.0f}s", static_cast<double>(*total_ - blocks_done) / bps);
    fmt::print(stderr, "\r  height {}  {:.0f} blocks/s  {:.0f} utxo ops/s{}   ", height.value, bps,
               operations / secs, eta);
    std::fflush(stderr);
    drawn_ = true;
}

void Progress::finish() {
    if (drawn_) fmt::print(stderr, "\n");
}

}  // namespace utxo::indexer

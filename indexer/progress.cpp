#include "indexer/progress.h"

#include <fmt/format.h>

namespace utxo::indexer {

Progress::Progress(bool wanted, std::optional<std::size_t> total_blocks) : total_(total_blocks) {
    if (wanted) line_.emplace("", "");
}

void Progress::update(std::uint64_t blocks_done, core::Height height, std::uint64_t operations) {
    if (!line_ || !line_->due()) return;
    const double secs = line_->seconds();
    const double bps = blocks_done / secs;
    std::string eta;
    if (total_ && bps > 0 && *total_ >= blocks_done)
        eta = fmt::format("  ETA {:.0f}s", static_cast<double>(*total_ - blocks_done) / bps);
    line_->draw(fmt::format("height {}  {:.0f} blocks/s  {:.0f} utxo ops/s{}", height.value, bps,
                            operations / secs, eta));
}

void Progress::finish() {
    if (line_) line_->erase();
}

}  // namespace utxo::indexer

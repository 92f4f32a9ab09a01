// The progress line `fetch` draws on a terminal: bytes, rate, ETA, peers, redrawn in place at
// most 4 times a second by core::ProgressLine, erased when the step ends and before any log line,
// and only when stderr is a terminal (logs and pipes get none).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/progress_line.h"
#include "verifier/fetch_torrent.h"

namespace utxo::verifier {

// "1.5 MiB", "12 B": binary units, one decimal from KiB on.
std::string human_bytes(std::uint64_t bytes);
// One line without a line end, e.g.
// "shards  12.3 MiB / 40.0 MiB  31%  5.2 MiB/s  ETA 0:05  2 peers" ("checking" while libtorrent
// checks files already on disk; "ETA --" when the rate is 0).
std::string progress_line(std::string_view label, const TransferSample& s);

class ProgressBar {
public:
    // enabled: draw at all (fetch passes isatty(stderr)).
    ProgressBar(std::string label, bool enabled);
    ~ProgressBar() = default;  // the line erases itself
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;
    void update(const TransferSample& s);
    void finish();

private:
    std::string label_;
    std::optional<core::ProgressLine> line_;
};

}  // namespace utxo::verifier

// Progress line rendering: a pure function of the sample, so it is testable; core::ProgressLine
// draws it (throttled) and erases it.
#include "verifier/fetch_progress.h"

#include <fmt/format.h>

#include <cstdio>
#include <utility>

namespace utxo::verifier {

std::string human_bytes(std::uint64_t bytes) {
    static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) return fmt::format("{} B", bytes);
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024 && u < 4) v /= 1024, ++u;
    return fmt::format("{:.1f} {}", v, units[u]);
}

std::string progress_line(std::string_view label, const TransferSample& s) {
    if (s.checking)
        return fmt::format("{}  checking files on disk  {} peer{}", label, s.peers, s.peers == 1 ? "" : "s");
    unsigned percent = s.wanted == 0 ? 100 : static_cast<unsigned>(s.done * 100 / s.wanted);
    std::string eta = "--";
    if (s.rate > 0 && s.wanted >= s.done) {
        std::uint64_t secs = (s.wanted - s.done) / s.rate;
        eta = secs >= 3600 ? fmt::format("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
                           : fmt::format("{}:{:02}", secs / 60, secs % 60);
    }
    return fmt::format("{}  {} / {}  {}%  {}/s  ETA {}  {} peer{}", label, human_bytes(s.done),
                       human_bytes(s.wanted), percent, human_bytes(s.rate), eta, s.peers,
                       s.peers == 1 ? "" : "s");
}

ProgressBar::ProgressBar(std::string label, bool enabled) : label_(std::move(label)) {
    if (enabled) line_.emplace(label_, "", true, stderr);
}

void ProgressBar::update(const TransferSample& s) {
    if (line_ && line_->due()) line_->draw(progress_line(label_, s));
}

void ProgressBar::finish() {
    if (line_) line_->erase();
}

}  // namespace utxo::verifier

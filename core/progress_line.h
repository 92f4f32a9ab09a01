// A one-line progress display for a long step on a terminal, e.g.
//   import-core  41.2 %  74,102,331 of 180,000,000 coins  301 k/s  ETA 5m52s
// It is drawn on stderr only when stderr is a terminal and warnings are logged (not under -q),
// redrawn at most four times a second, and erased, never left behind: when the step ends, and
// before any log line is written (core/log.cpp's stderr sink calls erase_progress_line()), so a
// log line or the command's output never lands on top of it. One line is shown at a time.
#pragma once
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace utxo::core {

class ProgressLine {
public:
    // Shown when stderr is a terminal and the log level shows warnings.
    ProgressLine(std::string label, std::string unit);
    // For tests: shown on `out` when `enabled`.
    ProgressLine(std::string label, std::string unit, bool enabled, std::FILE* out);
    ~ProgressLine();  // erases the line if it is drawn
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    // `done` of `total` (unknown: nullopt) units so far; cheap when not shown or not due.
    void update(std::uint64_t done, std::optional<std::uint64_t> total = std::nullopt);
    // For a line of another form: true when shown and a redraw is due (then call draw).
    bool due();
    void draw(const std::string& text);
    void erase();            // the step is over: clear the line now
    double seconds() const;  // since the line was made

private:
    friend void erase_progress_line();

    std::string label_, unit_;
    bool enabled_;
    std::FILE* out_;
    std::chrono::steady_clock::time_point start_, next_draw_;
    bool drawn_ = false;
};

// The text of one progress line (no carriage return, no escape codes).
std::string render_progress(const std::string& label, const std::string& unit, std::uint64_t done,
                            std::optional<std::uint64_t> total, double seconds);

// Erases the progress line that is drawn, if any, before other output is written on stderr.
void erase_progress_line();

}  // namespace utxo::core

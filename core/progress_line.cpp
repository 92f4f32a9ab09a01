#include "core/progress_line.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>

namespace utxo::core {

namespace {

// The line drawn now, shared with the log sink; guarded by `g_mutex`.
std::mutex g_mutex;
ProgressLine* g_drawn = nullptr;

constexpr auto kRedrawEvery = std::chrono::milliseconds(250);
constexpr const char* kErase = "\r\x1b[K";  // back to column 0, clear to the end of the line

std::string grouped(std::uint64_t n) {  // 180000000 -> "180,000,000"
    std::string digits = std::to_string(n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string rate(double per_second) {
    if (per_second >= 1e6) return fmt::format("{:.2f} M/s", per_second / 1e6);
    if (per_second >= 1e3) return fmt::format("{:.0f} k/s", per_second / 1e3);
    return fmt::format("{:.0f}/s", per_second);
}

std::string duration(double seconds) {
    const auto s = static_cast<std::uint64_t>(seconds + 0.5);
    if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
    if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
    return fmt::format("{}s", s);
}

}  // namespace

std::string render_progress(const std::string& label, const std::string& unit, std::uint64_t done,
                            std::optional<std::uint64_t> total, double seconds) {
    const double per_second = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    std::string text = label + "  ";
    if (total && *total > 0) {
        const double share = std::min(1.0, static_cast<double>(done) / static_cast<double>(*total));
        text += fmt::format("{:.1f} %  {} of {} {}", share * 100, grouped(done), grouped(*total), unit);
    } else {
        text += fmt::format("{} {}", grouped(done), unit);
    }
    if (per_second > 0) text += "  " + rate(per_second);
    if (total && per_second > 0 && *total > done)
        text += "  ETA " + duration(static_cast<double>(*total - done) / per_second);
    return text;
}

ProgressLine::ProgressLine(std::string label, std::string unit)
    : ProgressLine(std::move(label), std::move(unit),
                   ::isatty(STDERR_FILENO) == 1 && spdlog::should_log(spdlog::level::warn), stderr) {}

ProgressLine::ProgressLine(std::string label, std::string unit, bool enabled, std::FILE* out)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      enabled_(enabled),
      out_(out),
      start_(std::chrono::steady_clock::now()),
      next_draw_(start_ + kRedrawEvery) {}

ProgressLine::~ProgressLine() { erase(); }

void ProgressLine::update(std::uint64_t done, std::optional<std::uint64_t> total) {
    if (due()) draw(render_progress(label_, unit_, done, total, seconds()));
}

bool ProgressLine::due() {
    if (!enabled_) return false;
    const auto now = std::chrono::steady_clock::now();
    if (now < next_draw_) return false;
    next_draw_ = now + kRedrawEvery;
    return true;
}

double ProgressLine::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressLine::draw(const std::string& text) {
    if (!enabled_) return;
    std::lock_guard lock(g_mutex);
    if (g_drawn && g_drawn != this) g_drawn->drawn_ = false;  // another step's line: replaced
    fmt::print(out_, "{}{}", kErase, text);
    std::fflush(out_);
    drawn_ = true;
    g_drawn = this;
}

void ProgressLine::erase() {
    std::lock_guard lock(g_mutex);
    if (!drawn_) return;
    fmt::print(out_, "{}", kErase);
    std::fflush(out_);
    drawn_ = false;
    if (g_drawn == this) g_drawn = nullptr;
}

void erase_progress_line() {
    std::lock_guard lock(g_mutex);
    if (!g_drawn) return;
    fmt::print(g_drawn->out_, "{}", kErase);
    std::fflush(g_drawn->out_);
    g_drawn->drawn_ = false;
    g_drawn = nullptr;
}

}  // namespace utxo::core

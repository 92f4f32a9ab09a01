#include "core/log.h"

#include <fmt/format.h>
#include <spdlog/details/file_helper.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <memory>
#include <mutex>

#include "core/progress_line.h"

namespace utxo::core {

namespace {

// spdlog's colour stderr sink that first erases a progress line drawn on the terminal, so a log
// line never lands on top of one (core/progress_line.h). Still an ansicolor_sink, which NO_COLOR
// handling looks for (cli/colour.h).
class ProgressAwareStderrSink final : public spdlog::sinks::ansicolor_stderr_sink_mt {
public:
    void log(const spdlog::details::log_msg& msg) override {
        erase_progress_line();
        spdlog::sinks::ansicolor_stderr_sink_mt::log(msg);
    }
};

// spdlog's basic file sink cannot reopen its file; this one can, under the sink's own lock so a
// line being written is never split between the old file and the new one.
class ReopenableFileSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    // Every line of the file carries its time, whatever the tool's stderr pattern leaves out.
    explicit ReopenableFileSink(std::filesystem::path path) : path_(std::move(path)) {
        set_pattern_("%Y-%m-%d %H:%M:%S %l: %v");
    }

    // spdlog reports a failed open as an exception; this turns it into a Status.
    [[nodiscard]] Status open() {
        std::lock_guard lock(mutex_);
        return open_locked();
    }

    [[nodiscard]] Status reopen() {
        std::lock_guard lock(mutex_);
        spdlog::details::file_helper fresh;
        try {
            fresh.open(path_.string(), false);
        } catch (const spdlog::spdlog_ex& e) {
            return fail(Errc::io, fmt::format("{}: cannot open: {}", path_.string(), e.what()));
        }
        file_.close();
        return open_locked();
    }

    const std::filesystem::path& path() const { return path_; }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t line;
        formatter_->format(msg, line);
        file_.write(line);
        file_.flush();  // a daemon's log is read while it runs (tail -f), and a crash loses nothing
    }
    void flush_() override { file_.flush(); }

private:
    Status open_locked() {
        try {
            file_.open(path_.string(), false);
        } catch (const spdlog::spdlog_ex& e) {
            return fail(Errc::io, fmt::format("{}: cannot open: {}", path_.string(), e.what()));
        }
        return {};
    }

    std::filesystem::path path_;
    spdlog::details::file_helper file_;
};

std::mutex g_making;
std::shared_ptr<ReopenableFileSink> g_file;  // set by log_to_file, under g_making

}  // namespace

spdlog::logger& named_logger(const std::string& name) {
    std::lock_guard lock(g_making);
    if (auto existing = spdlog::get(name)) return *existing;
    if (g_file) {  // the file keeps its own pattern (with the time): registered, not initialized
        auto logger = std::make_shared<spdlog::logger>(name, g_file);
        logger->set_level(spdlog::get_level());
        spdlog::register_logger(logger);
        return *logger;
    }
    auto logger = std::make_shared<spdlog::logger>(name, std::make_shared<ProgressAwareStderrSink>());
    spdlog::initialize_logger(logger);  // registered, with the global level and pattern
    return *logger;
}

Status log_to_file(const std::filesystem::path& path) {
    auto sink = std::make_shared<ReopenableFileSink>(path);
    UTXO_TRY(sink->open());
    std::lock_guard lock(g_making);
    g_file = sink;
    spdlog::apply_all([&sink](const std::shared_ptr<spdlog::logger>& logger) {
        logger->sinks().clear();
        logger->sinks().push_back(sink);
    });
    return {};
}

Status reopen_log_file() {
    std::shared_ptr<ReopenableFileSink> sink;
    {
        std::lock_guard lock(g_making);
        sink = g_file;
    }
    if (!sink) return {};
    return sink->reopen();
}

std::filesystem::path log_file() {
    std::lock_guard lock(g_making);
    return g_file ? g_file->path() : std::filesystem::path();
}

}  // namespace utxo::core

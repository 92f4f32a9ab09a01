#include "core/log.h"

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

}  // namespace

spdlog::logger& named_logger(const std::string& name) {
    static std::mutex making;
    std::lock_guard lock(making);
    if (auto existing = spdlog::get(name)) return *existing;
    auto logger = std::make_shared<spdlog::logger>(name, std::make_shared<ProgressAwareStderrSink>());
    spdlog::initialize_logger(logger);  // registered, with the global level and pattern
    return *logger;
}

}  // namespace utxo::core

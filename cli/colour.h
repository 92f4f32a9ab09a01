// https://no-color.org for every tool: NO_COLOR set and not empty means no ANSI colour in any
// output. The only colour the tools write is spdlog's colour sink (core/log.h), which colours only
// a terminal on its own (its automatic mode checks isatty and TERM).
#pragma once
#include <spdlog/sinks/ansicolor_sink.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>

namespace utxo::cli {

// https://no-color.org: NO_COLOR present and not empty.
inline bool no_color_requested() {
    const char* value = std::getenv("NO_COLOR");
    return value != nullptr && *value != '\0';
}

// Turns the colour of every registered logger's colour sinks off under NO_COLOR. Without it, the
// sinks colour only a terminal: spdlog's automatic mode checks isatty(stderr) and TERM.
inline void apply_no_color() {
    if (!no_color_requested()) return;
    using ColourSink = spdlog::sinks::ansicolor_sink<spdlog::details::console_mutex>;
    spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& logger) {
        for (auto& sink : logger->sinks())
            if (auto* colour = dynamic_cast<ColourSink*>(sink.get()))
                colour->set_color_mode(spdlog::color_mode::never);
    });
}

}  // namespace utxo::cli

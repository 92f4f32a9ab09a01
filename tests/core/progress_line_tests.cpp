// core::ProgressLine: what a line says, that it is redrawn at most four times a second, and that it
// is erased (never left behind) when the step ends or before a log line.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "core/log.h"
#include "core/progress_line.h"

using utxo::core::ProgressLine;
using utxo::core::render_progress;

namespace {

const std::string kErase = "\r\x1b[K";

// What was written to a temporary FILE so far.
std::string contents(std::FILE* f) {
    std::fflush(f);
    std::string out(static_cast<std::size_t>(std::ftell(f)), '\0');
    std::rewind(f);
    out.resize(std::fread(out.data(), 1, out.size(), f));
    std::fseek(f, 0, SEEK_END);
    return out;
}

void wait_for_redraw() { std::this_thread::sleep_for(std::chrono::milliseconds(260)); }

}  // namespace

TEST_CASE("A progress line says how far, how fast and how long is left") {
    CHECK(render_progress("import-core", "coins", 74'102'331, 180'000'000, 246.2) ==
          "import-core  41.2 %  74,102,331 of 180,000,000 coins  301 k/s  ETA 5m52s");
    CHECK(render_progress("export-core", "coins", 3'000'000, 6'000'000, 1.5) ==
          "export-core  50.0 %  3,000,000 of 6,000,000 coins  2.00 M/s  ETA 2s");
    CHECK(render_progress("cutting release 800", "coins", 10, 10, 2) ==
          "cutting release 800  100.0 %  10 of 10 coins  5/s");
    CHECK(render_progress("x", "blocks", 120, std::nullopt, 0) == "x  120 blocks");
    CHECK(render_progress("x", "coins", 5, 0, 1) == "x  5 coins  5/s");  // an unknown total of 0
    CHECK(render_progress("x", "coins", 1, 3'600'000, 1) ==
          "x  0.0 %  1 of 3,600,000 coins  1/s  ETA 999h59m");
}

TEST_CASE("A progress line is drawn at most four times a second and erased when the step ends") {
    std::FILE* f = std::tmpfile();
    REQUIRE(f);
    {
        ProgressLine line("step", "coins", true, f);
        line.update(1, 10);  // within the first quarter second: not drawn
        CHECK(contents(f).empty());
        wait_for_redraw();
        line.update(5, 10);
        const auto drawn = contents(f);
        CHECK(drawn.starts_with(kErase + "step  50.0 %  5 of 10 coins"));
        line.update(6, 10);  // too soon after the last draw
        CHECK(contents(f) == drawn);
    }
    const auto all = contents(f);
    CHECK(all.ends_with(kErase));  // the destructor erased it
    std::fclose(f);
}

TEST_CASE("A disabled progress line writes nothing, and an erased one is not erased twice") {
    std::FILE* f = std::tmpfile();
    REQUIRE(f);
    {
        ProgressLine off("quiet", "coins", false, f);
        wait_for_redraw();
        off.update(5, 10);
        CHECK(!off.due());
        off.erase();
    }
    CHECK(contents(f).empty());
    {
        ProgressLine line("step", "coins", true, f);
        wait_for_redraw();
        line.update(5, 10);
        line.erase();
        const auto once = contents(f);
        CHECK(once.ends_with(kErase));
        line.erase();
        CHECK(contents(f) == once);  // nothing more, and the destructor adds nothing either
    }
    CHECK(contents(f).ends_with(kErase));
    CHECK(contents(f).find(kErase + kErase) == std::string::npos);
    std::fclose(f);
}

TEST_CASE("A log line erases the progress line first, and the next update draws it again") {
    std::FILE* f = std::tmpfile();
    REQUIRE(f);
    ProgressLine line("step", "coins", true, f);
    wait_for_redraw();
    line.update(1, 4);
    CHECK(contents(f).find("25.0 %  1 of 4 coins") != std::string::npos);
    CHECK(!contents(f).ends_with(kErase));
    utxo::core::erase_progress_line();  // what the log sink does before each line
    const auto erased = contents(f);
    CHECK(erased.ends_with(kErase));
    utxo::core::erase_progress_line();  // nothing drawn now: nothing written
    CHECK(contents(f) == erased);
    wait_for_redraw();
    line.update(2, 4);
    CHECK(contents(f).substr(erased.size()).starts_with(kErase + "step  50.0 %"));
    line.erase();
    std::fclose(f);
}

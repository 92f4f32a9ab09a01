// Shared by the status page end-to-end tests: Chromium in headless mode (a screenshot, the DOM
// after parsing) and promtool's check of a /metrics body.
#pragma once
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/bytes.h"
#include "test_support.h"

namespace pagetest {

namespace fs = std::filesystem;

inline const char* kChromium = "/usr/bin/chromium";
inline const char* kPromtool = "/usr/bin/promtool";

inline bool have(const char* tool) { return fs::exists(tool); }

// Chromium's flags for a run with a profile of its own under `dir` (several tests may run at once).
inline std::string chromium(const fs::path& dir) {
    return fmt::format(
        "timeout 90 {} --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir={}", kChromium,
        test::q(dir / "chromium-profile"));
}

// The page's DOM as Chromium serialises it after parsing; stdout only.
inline std::string dump_dom(const fs::path& dir, const std::string& url) {
    auto r = test::run("{ " + chromium(dir) + " --dump-dom " + test::q(url) + " 2>/dev/null; }");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    return r.out;
}

// The screenshot command of docs/seeder.md and docs/verifier.md; checks a real PNG of some size came out.
inline void screenshot(const fs::path& dir, const std::string& url, const fs::path& png) {
    auto r = test::run(chromium(dir) + " --screenshot=" + test::q(png) + " --window-size=1200,900 " +
                       test::q(url));
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    REQUIRE(fs::exists(png));
    auto bytes = test::read_file(png);
    CHECK(bytes.size() > 20 * 1024);  // a blank 1200x900 page is ~5 KB; tables and text make more
    REQUIRE(bytes.size() > 8);
    const std::uint8_t magic[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    CHECK(std::equal(bytes.begin(), bytes.begin() + 8, magic));
    // UTXO_DOC_IMAGES=DIR: keep a copy for the docs (docs/images/).
    if (const char* keep = std::getenv("UTXO_DOC_IMAGES"))
        fs::copy_file(png, fs::path(keep) / png.filename(), fs::copy_options::overwrite_existing);
}

// `promtool check metrics` on a /metrics body: exit 0 and nothing said (no lint complaint).
inline void check_metrics(const fs::path& dir, const std::string& body) {
    if (!have(kPromtool)) {
        WARN("promtool is not installed: /metrics not linted");
        return;
    }
    const auto file = dir / "metrics.txt";
    test::write_file(file, utxo::core::as_bytes(body));
    auto r = test::run(std::string(kPromtool) + " check metrics < " + test::q(file));
    INFO(body);
    INFO(r.out);
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
}

}  // namespace pagetest

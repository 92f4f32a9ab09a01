// Progress lines on a real terminal: import-core, export-core and a release cut draw a progress
// line when stderr is a terminal (a pty made by util-linux's `script`), erase it before the next
// output line, and draw nothing into a pipe or under -q.
#include <catch2/catch.hpp>
#include <string>

#include "test_support.h"

using test::q;
using test::run;

namespace {

const std::string indexer = test::bin("utxo-indexer").string();
const std::string kErase = "\r\x1b[K";

// Runs `command` with stdin, stdout and stderr on a pseudo-terminal; returns what it wrote there.
test::CommandResult on_terminal(const std::string& command) {
    return run("script -qec " + q(command) + " /dev/null");
}

// Every drawn line of `label` is erased before the next line of output starts.
void check_drawn_and_erased(const std::string& out, const std::string& label) {
    const auto first = out.find(kErase + label + "  ");
    REQUIRE(first != std::string::npos);  // drawn at least once
    for (auto at = first; at != std::string::npos; at = out.find(kErase + label + "  ", at + 1)) {
        const auto erased = out.find(kErase, at + kErase.size());
        const auto newline = out.find('\n', at);
        INFO("line drawn at byte " << at);
        CHECK(erased != std::string::npos);
        CHECK(erased < newline);  // gone before any other line is written
    }
}

}  // namespace

TEST_CASE("import-core, export-core and a release cut show a progress line on a terminal, erased after",
          "[slow-e2e]") {
    test::TempDir dir;
    auto made = run(indexer + " synth --profile mainnet --snapshot-out " + q(dir / "snap.utxo") +
                    " --coins 600000 --base-height 5000 --out " + q(dir / "chain.dat") +
                    " --blocks 2 --txs-per-block 50 --seed 9");
    INFO(made.out);
    REQUIRE(made.exit_code == 0);

    auto imported = on_terminal(indexer + " import-core " + q(dir / "snap.utxo") + " --height 5000 --db " +
                                q(dir / "db"));
    INFO(imported.out);
    REQUIRE(imported.exit_code == 0);
    check_drawn_and_erased(imported.out, "import-core");
    CHECK(imported.out.find(" of 600,000 coins") != std::string::npos);

    auto exported =
        on_terminal(indexer + " export-core --db " + q(dir / "db") + " --out " + q(dir / "out.utxo"));
    INFO(exported.out);
    REQUIRE(exported.exit_code == 0);
    check_drawn_and_erased(exported.out, "export-core");

    auto cut = on_terminal(indexer + " release --db " + q(dir / "db") + " --releases " + q(dir / "rel") +
                           " --shards 16");
    INFO(cut.out);
    REQUIRE(cut.exit_code == 0);
    check_drawn_and_erased(cut.out, "cutting release 5000");

    // Not a terminal, or -q: no progress line at all.
    auto piped =
        run(indexer + " export-core --db " + q(dir / "db") + " --out " + q(dir / "out2.utxo") + " 2>&1");
    REQUIRE(piped.exit_code == 0);
    CHECK(piped.out.find("\x1b[K") == std::string::npos);
    auto quiet = on_terminal(indexer + " export-core --db " + q(dir / "db") + " --out " +
                             q(dir / "out3.utxo") + " -q");
    REQUIRE(quiet.exit_code == 0);
    CHECK(quiet.out.find("\x1b[K") == std::string::npos);
}

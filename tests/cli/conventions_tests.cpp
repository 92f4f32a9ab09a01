// The conventions every executable follows (cli/tool.h), on the five real binaries: --version,
// usage errors as one line named after the tool, -v/-q before or after the subcommand, NO_COLOR.
// The per-command conventions (--json, read-only stores) are tested in each part's CLI tests.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "cli/cli_test_support.h"

using clitest::bin;
using clitest::kTools;
using clitest::quote;
using clitest::run;
using clitest::TempDir;
namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool have(const std::string& program) { return run("command -v " + program).exit_code == 0; }

// A small regtest chain the indexer builds in well under a second.
std::string small_chain(const TempDir& dir) {
    auto chain = dir / "chain.hex";
    auto r =
        run(bin("utxo-indexer") + " synth --out " + quote(chain) + " --blocks 30 --txs-per-block 4 --seed 5");
    REQUIRE(r.exit_code == 0);
    return chain;
}

// cli/version.cmake run by hand on SOURCE_DIR; the header it wrote.
std::string generate_version(const std::string& source_dir, const std::string& out) {
    const auto script = fs::path(UTXO_SOURCE_DIR) / "cli" / "version.cmake";
    auto r = run("cmake -DSOURCE_DIR=" + quote(source_dir) + " -DVERSION=9.8.7 -DOUT=" + quote(out) + " -P " +
                 quote(script.string()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return read(out);
}

std::string commit_in(const std::string& header) {
    std::smatch m;
    REQUIRE(std::regex_search(header, m, std::regex("kCommit = \"([^\"]*)\"")));
    return m[1];
}

}  // namespace

TEST_CASE(
    "version: --version prints tool, project version and commit on stdout, exit 0, before or after a "
    "command") {
    const std::regex line(std::string("([a-z-]+) ") +
                          std::regex_replace(UTXO_PROJECT_VERSION, std::regex("\\."), "\\.") +
                          " \\((unknown|[0-9a-f]{7,40}(-dirty)?)\\)\n");
    std::string first_commit;
    for (const auto& tool : kTools) {
        auto r = run(bin(tool) + " --version");
        INFO(tool << ": " << r.out << r.err);
        CHECK(r.exit_code == 0);
        CHECK(r.err.empty());
        std::smatch m;
        REQUIRE(std::regex_match(r.out, m, line));
        CHECK(m[1] == tool);
        if (first_commit.empty()) first_commit = m[2];
        CHECK(m[2] == first_commit);  // one header for all five
    }
    for (const std::string after : {"utxo-indexer stats --version", "utxo-verifier status --version",
                                    "utxo-signer verify --version", "utxo-trustnet check --version"}) {
        const std::string tool = after.substr(0, after.find(' '));
        auto r = run(bin(tool) + after.substr(after.find(' ')));
        INFO(after << ": " << r.err);
        CHECK(r.exit_code == 0);
        CHECK(r.out == run(bin(tool) + " --version").out);
    }
}

TEST_CASE("version.cmake: the commit, -dirty with changes, unknown outside the top of a git work tree") {
    if (!have("git") || !have("cmake")) {
        WARN("SKIPPED: git or cmake not found");
        return;
    }
    TempDir d;
    const auto repo = d / "repo", out = d / "version.h";
    fs::create_directories(repo);
    auto git = [&](const std::string& args) {
        auto r = run("git -C " + quote(repo) + " -c user.name=t -c user.email=t@t " + args);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        return r.out;
    };
    git("init -q");
    std::ofstream(repo + "/file.txt") << "one\n";
    git("add file.txt");
    git("commit -q -m one");
    git("tag v1.0");  // tags are not used: the commit alone is printed
    std::string hash = git("rev-parse --short HEAD");
    hash.pop_back();

    auto header = generate_version(repo, out);
    CHECK(header.find("kVersion = \"9.8.7\"") != std::string::npos);
    CHECK(commit_in(header) == hash);
    // Unchanged text: the file is not rewritten, so nothing that includes it is recompiled.
    const auto written = fs::last_write_time(out);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    generate_version(repo, out);
    CHECK(fs::last_write_time(out) == written);

    std::ofstream(repo + "/file.txt") << "two\n";
    CHECK(commit_in(generate_version(repo, out)) == hash + "-dirty");

    // A tarball: no .git at all, or unpacked inside another repository's tree.
    fs::create_directories(d / "tarball");
    CHECK(commit_in(generate_version(d / "tarball", out)) == "unknown");
    fs::create_directories(repo + "/unpacked");
    CHECK(commit_in(generate_version(repo + "/unpacked", out)) == "unknown");
}

TEST_CASE("usage errors: one line on stderr starting with the tool's name, nothing on stdout, exit 2") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"utxo-indexer run --network regtest", "utxo-indexer: --source is required\n"},
        {"utxo-indexer stats --db", "utxo-indexer: --db: 1 required TEXT missing\n"},
        {"utxo-indexer build --blocks x --network moon --db y",
         "utxo-indexer: --network: unknown network 'moon' (main, test, testnet4, signet, regtest)\n"},
        {"utxo-indexer bogus",
         "utxo-indexer: unknown command \"bogus\" (commands: build, stats, import-core, export-core, synth, "
         "run, release, addresses, verify-release)\n"},
        {"utxo-verifier serve", "utxo-verifier: --http is required\n"},
        {"utxo-verifier status --db x --bogus",
         "utxo-verifier: The following argument was not expected: --bogus\n"},
        {"utxo-signer verify --pub k.pub", "utxo-signer: --release is required\n"},
        {"utxo-signer keygen --out a --pub b -v -q", "utxo-signer: --verbose excludes --quiet\n"},
        {"utxo-trustnet",
         "utxo-trustnet: a command is required: init, add, remove, max-age, list, check, verify\n"},
        {"utxo-trustnet check", "utxo-trustnet: FILE is required\n"},
        {"utxo-seeder --releases", "utxo-seeder: --releases: 1 required TEXT missing\n"},
        {"utxo-seeder --releases x --keep 0", "utxo-seeder: --keep: Value 0 not in range 1 to 1000000\n"},
    };
    for (const auto& [command, expected] : cases) {
        const std::string tool = command.substr(0, command.find(' '));
        auto r = run(bin(tool) + (command.size() > tool.size() ? command.substr(tool.size()) : ""));
        INFO(command);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err == expected);
    }
    for (const auto& tool : kTools) {  // --help is not an error: stdout, exit 0
        auto r = run(bin(tool) + " --help");
        INFO(tool);
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("--version") != std::string::npos);
        CHECK(r.out.find("-q,--quiet") != std::string::npos);
    }
}

TEST_CASE("verbosity: -v and -q work before and after the subcommand") {
    TempDir d;
    const auto chain = small_chain(d);
    const auto build = [&](const std::string& before, const std::string& db, const std::string& after) {
        return run(bin("utxo-indexer") + before + " build --blocks " + quote(chain) +
                   " --network regtest --db " + quote(d / db) + after);
    };
    int n = 0;
    for (const auto& [before, after] :
         {std::pair<std::string, std::string>{"", " -v"}, {" -v", ""}, {"", " --verbose"}}) {
        auto r = build(before, "db" + std::to_string(++n), after);
        INFO(r.err);
        CHECK(r.exit_code == 0);
        CHECK(r.err.find("info: applied 31 blocks") != std::string::npos);
    }
    auto plain = build("", "plain", "");
    CHECK(plain.exit_code == 0);
    CHECK(plain.err.find("info:") == std::string::npos);
    CHECK(build("", "quiet", " -q").exit_code == 0);
    CHECK(build(" -q", "quiet2", "").exit_code == 0);

    // The signer's milestones: only with -v, wherever it is.
    auto keygen = [&](const std::string& name, const std::string& flags) {
        return run(bin("utxo-signer") + " keygen --out " + quote(d / (name + ".key")) + " --pub " +
                   quote(d / (name + ".pub")) + " --unencrypted" + flags);
    };
    auto loud = keygen("a", " -v");
    CHECK(loud.exit_code == 0);
    CHECK(loud.err.find("new key") != std::string::npos);
    auto quiet = keygen("b", " -q");
    CHECK(quiet.exit_code == 0);
    CHECK(quiet.err.empty());

    // The others accept them after the command too: what remains is the command's own verdict.
    auto tn = run(bin("utxo-trustnet") + " init " + quote(d / "t.txt") + " --network regtest -q");
    CHECK(tn.exit_code == 0);
    auto check = run(bin("utxo-trustnet") + " check " + quote(d / "t.txt") + " -v");
    CHECK(check.exit_code == 1);  // no authorities yet
    CHECK(check.err.find("no authorities listed") != std::string::npos);
    auto status = run(bin("utxo-verifier") + " status --db " + quote(d / "none") + " -v");
    CHECK(status.exit_code == 2);
    CHECK(status.err ==
          "utxo-verifier: " + (d / "none") + ": no store here (run `utxo-verifier fetch` first)\n");
    auto seeder = run(bin("utxo-seeder") + " --releases " + quote(d / "none") + " -q");
    CHECK(seeder.exit_code == 2);
    CHECK(seeder.err.starts_with("utxo-seeder: "));
    CHECK(seeder.err.find("not expected") == std::string::npos);
}

TEST_CASE("NO_COLOR: no ANSI colour in the log on a terminal when it is set and not empty") {
    if (!have("script")) {
        WARN("SKIPPED: script (util-linux) not found, no terminal to test colour on");
        return;
    }
    TempDir d;
    const auto chain = small_chain(d);
    int n = 0;
    // The command on a pseudo-terminal (script), with a colour TERM and `env` (NO_COLOR=...): what
    // the terminal showed.
    auto on_terminal = [&](const std::string& env) {
        const std::string command = bin("utxo-indexer") + " build -v --blocks " + quote(chain) +
                                    " --network regtest --db " + quote(d / ("db" + std::to_string(++n)));
        auto r = run("env -u NO_COLOR TERM=xterm " + env + " script -qec " + quote(command) + " /dev/null");
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
        REQUIRE(r.out.find("applied 31 blocks") != std::string::npos);
        return r.out;
    };
    const std::string esc = "\x1b[";
    CHECK(on_terminal("").find(esc) != std::string::npos);           // the level is coloured
    CHECK(on_terminal("NO_COLOR=").find(esc) != std::string::npos);  // empty: no effect (no-color.org)
    CHECK(on_terminal("NO_COLOR=1").find(esc) == std::string::npos);
    CHECK(on_terminal("NO_COLOR=yes").find(esc) == std::string::npos);
    // Not a terminal: never colour, whatever TERM says.
    auto piped = run("env -u NO_COLOR TERM=xterm " + bin("utxo-indexer") + " build -v --blocks " +
                     quote(chain) + " --network regtest --db " + quote(d / "piped"));
    CHECK(piped.exit_code == 0);
    CHECK(piped.err.find("info: applied") != std::string::npos);
    CHECK(piped.err.find(esc) == std::string::npos);
}

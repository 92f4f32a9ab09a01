// --config on every tool (cli/config.h) and the default directories (cli/default_dirs.h), on the
// real binaries: a file's options with the command line overriding them, every kind of bad file
// as one usage line naming it, and --db / --releases under the state directory when not given.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/cli_test_support.h"
#include "cli/default_dirs.h"

using clitest::bin;
using clitest::kTools;
using clitest::quote;
using clitest::run;
using clitest::TempDir;
using utxo::cli::state_base;
using utxo::cli::StateEnvironment;
namespace fs = std::filesystem;

namespace {

void write(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

std::vector<std::string> heights(const fs::path& releases) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(releases / "regtest", ec)) {
        auto name = e.path().filename().string();
        out.push_back(name.substr(0, name.find('-')));
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return std::stoi(a) < std::stoi(b); });
    return out;
}

// A small regtest chain (heights 0 to 30).
std::string small_chain(const TempDir& dir) {
    auto chain = dir / "chain.dat";  // blk*.dat framing: what a blocks: source reads
    auto r =
        run(bin("utxo-indexer") + " synth --out " + quote(chain) + " --blocks 30 --txs-per-block 4 --seed 5");
    REQUIRE(r.exit_code == 0);
    return chain;
}

}  // namespace

TEST_CASE("state_base: STATE_DIRECTORY, then root's /var/lib, then XDG_DATA_HOME, then HOME") {
    StateEnvironment env;
    env.home = "/home/u";
    CHECK(state_base(env) == "/home/u/.local/share/utxo-torrent");
    env.xdg_data_home = "/data";
    CHECK(state_base(env) == "/data/utxo-torrent");
    env.xdg_data_home = "relative/data";  // the XDG spec: a relative path is ignored
    CHECK(state_base(env) == "/home/u/.local/share/utxo-torrent");
    env.root = true;
    CHECK(state_base(env) == "/var/lib/utxo-torrent");
    env.state_directory = "/var/lib/utxo-torrent-x:/var/lib/other";  // systemd: the first one is ours
    CHECK(state_base(env) == "/var/lib/utxo-torrent-x");
    env.root = false;
    CHECK(state_base(env) == "/var/lib/utxo-torrent-x");
    CHECK(state_base(StateEnvironment{}) == "utxo-torrent");  // nothing at all: the working directory
}

TEST_CASE("config file: one that cannot be read is one usage line naming it, exit 2, on every tool") {
    TempDir d;
    for (const auto& tool : kTools) {
        INFO(tool);
        auto missing = run(bin(tool) + " --config " + quote(d / "missing.conf"));
        CHECK(missing.exit_code == 2);
        CHECK(missing.out.empty());
        CHECK(missing.err ==
              tool + ": " + (d / "missing.conf") + ": cannot read: No such file or directory\n");
        auto directory = run(bin(tool) + " --config " + quote(d.path.string()));
        CHECK(directory.exit_code == 2);
        CHECK(directory.err == tool + ": " + d.path.string() + ": not a file\n");
    }
}

TEST_CASE("config file: an unknown key is a usage error naming the file and the key") {
    TempDir d;
    const auto conf = d / "x.conf";
    write(conf, "bogus = 1\n");
    auto top = run(bin("utxo-seeder") + " --config " + quote(conf));
    CHECK(top.exit_code == 2);
    CHECK(top.err == "utxo-seeder: " + conf + ": unknown key \"bogus\"\n");

    write(conf, "[serve]\nhttp = \"127.0.0.1:0\"\nhtp = \"127.0.0.1:0\"\n");
    auto in_section = run(bin("utxo-verifier") + " serve --config " + quote(conf));
    CHECK(in_section.exit_code == 2);
    CHECK(in_section.err == "utxo-verifier: " + conf + ": unknown key \"serve.htp\"\n");

    write(conf, "[nosuchcommand]\nx = 1\n");
    auto section = run(bin("utxo-indexer") + " stats --config " + quote(conf));
    CHECK(section.exit_code == 2);
    CHECK(section.err == "utxo-indexer: " + conf + ": unknown key \"nosuchcommand.x\"\n");

    // A command's option at the top of the file: where it belongs.
    write(conf, "http = \"127.0.0.1:0\"\n");
    auto misplaced = run(bin("utxo-verifier") + " serve --config " + quote(conf));
    CHECK(misplaced.exit_code == 2);
    CHECK(misplaced.err ==
          "utxo-verifier: " + conf +
              ": unknown key \"http\" (an option of follow, serve: put it under its [section])\n");

    // A line that is no key = value is a key of its own: unknown too.
    write(conf, "[run\n");
    auto broken = run(bin("utxo-indexer") + " stats --config " + quote(conf));
    CHECK(broken.exit_code == 2);
    CHECK(broken.err == "utxo-indexer: " + conf + ": unknown key \"[run\"\n");
}

TEST_CASE("config file: utxo-indexer run reads its section and the top-level keys, the command line wins") {
    TempDir d;
    const auto chain = small_chain(d);
    const auto conf = d / "indexer.conf";
    write(conf, "quiet = true\n[run]\nsource = \"blocks:" + chain +
                    "\"\nnetwork = \"regtest\"\nrelease-every = 10\nconfirmations = 1\nshards = 16\n"
                    "db = \"" +
                    (d / "db") + "\"\nreleases = \"" + (d / "rel") + "\"\n");
    auto r = run(bin("utxo-indexer") + " run --config " + quote(conf));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("done: 31 blocks applied, 3 releases cut; tip 30") != std::string::npos);
    CHECK(heights(d.path / "rel") == std::vector<std::string>{"10", "20", "30"});

    // The command line wins: another store, another cadence.
    auto o = run(bin("utxo-indexer") + " run --config " + quote(conf) + " --db " + quote(d / "db2") +
                 " --releases " + quote(d / "rel2") + " --release-every 15");
    INFO(o.err);
    REQUIRE(o.exit_code == 0);
    CHECK(heights(d.path / "rel2") == std::vector<std::string>{"15", "30"});
    CHECK(o.err.find("info:") == std::string::npos);  // quiet, from the file

    // -v on the command line wins over the file's quiet; both on the command line are an error.
    auto loud = run(bin("utxo-indexer") + " run -v --config " + quote(conf) + " --db " + quote(d / "db3") +
                    " --releases " + quote(d / "rel3"));
    INFO(loud.err);
    CHECK(loud.exit_code == 0);
    CHECK(loud.err.find("info:") != std::string::npos);
    auto both = run(bin("utxo-indexer") + " run -v -q --config " + quote(conf));
    CHECK(both.exit_code == 2);
    CHECK(both.err == "utxo-indexer: --verbose excludes --quiet\n");

    // The file's other sections are not the command's: they are checked, never applied.
    write(conf, "[stats]\ndb = \"" + (d / "db") + "\"\n[run]\nnetwork = \"regtest\"\n");
    auto stats = run(bin("utxo-indexer") + " stats --config " + quote(conf));
    INFO(stats.err);
    CHECK(stats.exit_code == 0);
    CHECK(stats.out.find("regtest") != std::string::npos);
}

TEST_CASE("default directories: --db and --releases under STATE_DIRECTORY when not given") {
    TempDir d;
    const auto chain = small_chain(d);
    const std::string state = d / "state";
    const std::string env = "STATE_DIRECTORY=" + quote(state) + " ";

    // The defaults are shown in --help.
    auto help = run(env + bin("utxo-indexer") + " run --help");
    CHECK(help.out.find("=" + state + "/indexer") != std::string::npos);
    CHECK(help.out.find("=" + state + "/releases") != std::string::npos);
    CHECK(run(env + bin("utxo-seeder") + " --help").out.find("=" + state + "/releases") != std::string::npos);
    CHECK(run(env + bin("utxo-verifier") + " serve --help").out.find("=" + state + "/verifier") !=
          std::string::npos);

    // Read-only commands given no --db fail as for any missing store, naming the default.
    auto status = run(env + bin("utxo-verifier") + " status");
    CHECK(status.exit_code == 2);
    CHECK(status.err ==
          "utxo-verifier: " + state + "/verifier: no store here (run `utxo-verifier fetch` first)\n");
    // The seeder makes its default releases directory (a fresh install seeds nothing until the
    // indexer publishes there), never one it was given. 192.0.2.1 (TEST-NET-1) is no address of
    // ours: it stops there, after the directory is made.
    auto given = run(env + bin("utxo-seeder") + " --releases " + quote(d / "typo"));
    CHECK(given.exit_code == 2);
    CHECK(given.err == "utxo-seeder: --releases " + (d / "typo") + ": not a directory\n");
    CHECK_FALSE(fs::exists(d / "typo"));
    auto seeder = run(env + bin("utxo-seeder") + " --listen 127.0.0.1:0 --http 192.0.2.1:8080");
    CHECK(seeder.exit_code == 2);
    CHECK(seeder.err.find("192.0.2.1") != std::string::npos);
    CHECK(fs::is_directory(fs::path(state) / "releases"));

    // The indexer keeps its store and publishes there; the seeder then finds its releases there.
    auto r = run(env + bin("utxo-indexer") + " run --source blocks:" + quote(chain) +
                 " --network regtest --release-every 10 --confirmations 1 --shards 16");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(fs::exists(fs::path(state) / "indexer"));
    CHECK(heights(fs::path(state) / "releases") == std::vector<std::string>{"10", "20", "30"});
    auto stats = run(env + bin("utxo-indexer") + " stats");
    CHECK(stats.exit_code == 0);

    // Without STATE_DIRECTORY: root's /var/lib, anyone else's XDG_DATA_HOME.
    const std::string plain =
        "env -u STATE_DIRECTORY XDG_DATA_HOME=" + quote(d / "xdg") + " HOME=" + quote(d / "home") + " ";
    auto seeder_help = run(plain + bin("utxo-seeder") + " --help").out;
    if (::geteuid() == 0)
        CHECK(seeder_help.find("=/var/lib/utxo-torrent/releases") != std::string::npos);
    else
        CHECK(seeder_help.find("=" + (d / "xdg") + "/utxo-torrent/releases") != std::string::npos);
}

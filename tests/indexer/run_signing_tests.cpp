// utxo-indexer run --sign-key end to end: the real indexer runs the real utxo-signer on each
// release it cuts; the signatures verify with the authority's public key.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/cli_test_support.h"
#include "test_support.h"

using test::q;

namespace {

namespace fs = std::filesystem;

const std::string indexer = test::bin("utxo-indexer").string();
const std::string signer = test::bin("utxo-signer").string();

// No credentials from the environment the tests run in, unless a test sets them.
clitest::Output run(const std::string& command) {
    return clitest::run("env -u CREDENTIALS_DIRECTORY " + command);
}

void write_text(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

// An authority with a passphrase-protected key (cheap scrypt for tests) and a synthetic chain.
struct Setup {
    test::TempDir dir;
    fs::path key = dir / "auth.key", pub = dir / "auth.pub", pw = dir / "pw", chain = dir / "chain.dat";

    Setup() {
        write_text(pw, "correct horse\n");
        REQUIRE(run(signer + " keygen --out " + q(key) + " --pub " + q(pub) + " --passphrase-file " + q(pw) +
                    " --scrypt-cost interactive")
                    .exit_code == 0);
        REQUIRE(
            run(indexer + " synth --out " + q(chain) + " --blocks 40 --txs-per-block 5 --seed 7").exit_code ==
            0);
    }
    std::string run_args(const fs::path& db, const fs::path& releases) const {
        return " run --source blocks:" + q(chain) + " --network regtest --db " + q(db) + " --releases " +
               q(releases) + " --release-every 10 --confirmations 1 --shards 4 --sign-key " + q(key);
    }
    std::vector<fs::path> releases(const fs::path& root) const {
        std::vector<fs::path> out;
        for (const auto& e : fs::directory_iterator(root / "regtest"))
            if (!e.path().filename().string().starts_with(".")) out.push_back(e.path());
        std::sort(out.begin(), out.end());
        return out;
    }
    bool verifies(const fs::path& release) const {
        return run(signer + " verify --pub " + q(pub) + " --release " + q(release)).exit_code == 0;
    }
    std::size_t signature_count(const fs::path& release) const {
        std::size_t n = 0;
        for (const auto& e : fs::directory_iterator(release)) n += e.path().extension() == ".minisig" ? 1 : 0;
        return n;
    }
};

}  // namespace

TEST_CASE("run --sign-key --passphrase-file signs every release it cuts") {
    Setup s;
    auto r = run(indexer + s.run_args(s.dir / "db", s.dir / "rel") + " --passphrase-file " + q(s.pw));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto releases = s.releases(s.dir / "rel");
    REQUIRE(releases.size() == 4);
    for (const auto& rel : releases) {
        INFO(rel);
        CHECK(s.verifies(rel));
        CHECK(s.signature_count(rel) == 1);
        // And stock minisign agrees.
        for (const auto& e : fs::directory_iterator(rel))
            if (e.path().extension() == ".minisig")
                CHECK(run("/usr/bin/minisign -V -p " + q(s.pub) + " -m " + q(rel / "manifest.json") + " -x " +
                          q(e.path()))
                          .exit_code == 0);
    }
    CHECK(r.out.find("done: 41 blocks applied, 4 releases cut; tip 40\n") != std::string::npos);
}

TEST_CASE("run --sign-key: a wrong passphrase stops the run at the first release, exit 2, one line") {
    Setup s;
    write_text(s.dir / "wrong", "battery staple\n");
    auto r =
        run(indexer + s.run_args(s.dir / "db", s.dir / "rel") + " --passphrase-file " + q(s.dir / "wrong"));
    CHECK(r.exit_code == 2);
    auto releases = s.releases(s.dir / "rel");
    REQUIRE(releases.size() == 1);  // cut, left in place, not signed, and nothing after it
    CHECK(s.signature_count(releases[0]) == 0);
    CHECK(r.out.find("release ") == std::string::npos);  // never announced as a finished release
    CHECK(r.err.find(releases[0].string() + ": not signed: ") != std::string::npos);
    CHECK(r.err.find("passphrase") != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);

    // Restarted with the passphrase as a systemd credential (the default name): the release left
    // unsigned is signed first, then the run goes on.
    fs::create_directories(s.dir / "creds");
    fs::copy_file(s.pw, s.dir / "creds" / "utxo-signer-passphrase");
    auto again = clitest::run("CREDENTIALS_DIRECTORY=" + q(s.dir / "creds") + " " + indexer +
                              s.run_args(s.dir / "db", s.dir / "rel"));
    INFO(again.err);
    REQUIRE(again.exit_code == 0);
    releases = s.releases(s.dir / "rel");
    REQUIRE(releases.size() == 4);
    for (const auto& rel : releases) CHECK(s.verifies(rel));
}

TEST_CASE("run --sign-key --passphrase-credential NAME reads $CREDENTIALS_DIRECTORY/NAME") {
    Setup s;
    fs::create_directories(s.dir / "creds");
    fs::copy_file(s.pw, s.dir / "creds" / "signing");
    auto r = clitest::run("CREDENTIALS_DIRECTORY=" + q(s.dir / "creds") + " " + indexer +
                          s.run_args(s.dir / "db", s.dir / "rel") + " --passphrase-credential signing");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    for (const auto& rel : s.releases(s.dir / "rel")) CHECK(s.verifies(rel));
}

TEST_CASE("run --sign-key: what cannot work is refused before anything is indexed") {
    Setup s;
    auto check_refused = [&](const std::string& extra, const std::string& err) {
        auto r = run(indexer + s.run_args(s.dir / "db", s.dir / "rel") + extra);
        CHECK(r.exit_code == 2);
        CHECK(r.err == "utxo-indexer: " + err + "\n");
        CHECK(!fs::exists(s.dir / "db"));
        CHECK(!fs::exists(s.dir / "rel"));
    };
    check_refused(
        " --passphrase-credential signing",
        "--passphrase-credential signing: $CREDENTIALS_DIRECTORY is not set (systemd LoadCredential= "
        "sets it)");
    check_refused(" --passphrase-file " + q(s.dir / "nope"),
                  (s.dir / "nope").string() + ": no such passphrase file");
    check_refused(" --signer " + q(s.dir / "nope"),
                  "--signer " + (s.dir / "nope").string() + ": not an executable file");
    auto no_key = run(indexer + " run --source blocks:" + q(s.chain) + " --network regtest --db " +
                      q(s.dir / "db") + " --releases " + q(s.dir / "rel") +
                      " --release-every 10 --confirmations 1 --sign-key " + q(s.dir / "absent.key"));
    CHECK(no_key.exit_code == 2);
    CHECK(no_key.err == "utxo-indexer: --sign-key " + (s.dir / "absent.key").string() + ": no such file\n");

    // An encrypted key with no passphrase source: the signer has no terminal to ask on.
    auto no_pass = run(indexer + s.run_args(s.dir / "db", s.dir / "rel"));
    CHECK(no_pass.exit_code == 2);
    CHECK(no_pass.err.find(": not signed: " + s.key.string() + ": no terminal to read the passphrase from") !=
          std::string::npos);
    CHECK(std::count(no_pass.err.begin(), no_pass.err.end(), '\n') == 1);
}

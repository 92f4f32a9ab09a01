// The freeze alarm end to end (docs/trustnet.md, max-age): a trustnet with `max-age 1h`, releases
// whose signatures state a signing time (`utxo-signer sign --signed-at`), and what fetch, status
// and follow say and exit with when the newest release the trustnet accepts is older than that.
// A release below the installed height is never accepted, whatever its signatures.
#include <signal.h>

#include <catch2/catch.hpp>
#include <ctime>
#include <fstream>
#include <thread>

#include "fetch_world.h"

using namespace fetch_world;

namespace {

std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

// The chain world's trustnet with a max-age line.
fs::path trustnet_with_max_age(const fs::path& dir, const std::string& age) {
    auto path = dir / "trustnet-max-age";
    fs::copy_file(chain_world().trustnet, path, fs::copy_options::overwrite_existing);
    auto r = run(trustnet_bin + " max-age " + q(path) + " " + age);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    return path;
}

test::CommandResult fetch_with(const fs::path& db, const Seeder& s, const fs::path& trustnet,
                               const std::vector<std::string>& extra = {}) {
    auto args = fetch_args(db, {&s}, extra, chain_world());
    args[3] = trustnet.string();  // fetch_args: verifier fetch --trustnet FILE ...
    return run("timeout -s KILL 120 " + sh_join(args));
}

std::string signed_at(std::int64_t t) { return "--signed-at " + std::to_string(t); }

}  // namespace

TEST_CASE("fetch installs the newest accepted release and exits 3 when it was signed longer ago than max-age",
          "[freeze]") {
    auto& w = chain_world();
    test::TempDir dir;
    const auto tn = trustnet_with_max_age(dir.path(), "1h");
    // Signed 3 hours ago, all three authorities: a freeze (nothing newer is published).
    Seeder old(serve_dir("freeze-old", {300}, w.names, {}, w, signed_at(now() - 3 * 3600)), {}, w);
    auto r = fetch_with(dir / "db", old, tn);
    INFO(r.out);
    CHECK(r.exit_code == 3);
    CHECK(r.out.find("installed regtest height 300") != std::string::npos);
    CHECK(r.out.find("utxo-verifier: stale: the newest accepted release was signed 3 h") !=
          std::string::npos);
    CHECK(r.out.find("more than the trustnet's max-age 1h") != std::string::npos);
    auto st = store_status(dir / "db");
    REQUIRE(st["height"] == 300);
    CHECK(st["age_seconds"].get<std::int64_t>() >= 3 * 3600);

    // status says the same with the trustnet (exit 3), and only the age without it (exit 0).
    auto s = run(verifier + " status --json --db " + q(dir / "db") + " --trustnet " + q(tn));
    CHECK(s.exit_code == 3);
    const auto open = s.out.find('{');
    REQUIRE(open != std::string::npos);
    auto j = nlohmann::json::parse(s.out.substr(open, s.out.find('\n', open) - open));
    CHECK(j["max_age_seconds"] == 3600);
    std::string stale;
    if (j["stale"].is_string()) stale = j["stale"];
    CHECK(stale.starts_with("the newest accepted release was signed 3 h"));
    CHECK(run(verifier + " status --db " + q(dir / "db")).exit_code == 0);
    auto text = run(verifier + " status --db " + q(dir / "db") + " --trustnet " + q(tn));
    CHECK(text.exit_code == 3);
    CHECK(text.out.find("max-age      1 h (exceeded)") != std::string::npos);

    // Again, up to date: still stale, still exit 3 (the store holds the newest accepted release).
    auto again = fetch_with(dir / "db", old, tn, {"--json"});
    INFO(again.out);
    CHECK(again.exit_code == 3);
    CHECK(again.out.find("\"stale\":\"the newest accepted release was signed 3 h") != std::string::npos);
    CHECK(again.out.find("\"event\":\"up_to_date\"") != std::string::npos);

    // A fresh release: installed, exit 0, and status is within max-age again.
    Seeder fresh(serve_dir("freeze-fresh", {310}, w.names, {}, w), {}, w);
    auto ok = fetch_with(dir / "db", fresh, tn);
    INFO(ok.out);
    CHECK(ok.exit_code == 0);
    CHECK(store_status(dir / "db")["height"] == 310);
    CHECK(run(verifier + " status --db " + q(dir / "db") + " --trustnet " + q(tn)).exit_code == 0);

    // A rollback is never accepted: the older release offered again (freshly signed) is not taken.
    Seeder back(serve_dir("freeze-back", {300}, w.names, {}, w), {}, w);
    auto rb = fetch_with(dir / "db", back, tn);
    INFO(rb.out);
    CHECK(rb.exit_code == 0);
    CHECK(rb.out.find("no release above the installed height 310 is offered") != std::string::npos);
    CHECK(store_status(dir / "db")["height"] == 310);
}

TEST_CASE(
    "The release's time is its earliest counted signature: one authority's fresh clock does not hide a "
    "freeze",
    "[freeze]") {
    auto& w = chain_world();
    test::TempDir dir;
    const auto tn = trustnet_with_max_age(dir.path(), "1h");
    const auto root = serve_dir("freeze-mixed", {320}, {"alice", "bob"}, {}, w, signed_at(now() - 2 * 3600));
    REQUIRE(run(signer + " sign --key " + q(w.dir / "carol.key") + " --release " + q(release_dir(root, 320)) +
                " --own " + q(release_dir(w.releases("carol"), 320)))
                .exit_code == 0);  // carol signs now
    Seeder s(root, {}, w);
    auto r = fetch_with(dir / "db", s, tn);
    INFO(r.out);
    CHECK(r.exit_code == 3);
    CHECK(r.out.find("stale: the newest accepted release was signed 2 h") != std::string::npos);
}

TEST_CASE(
    "follow raises the freeze alarm once when the held release gets too old, and clears it with a new one",
    "[freeze][follow][slow-e2e]") {
    auto& w = chain_world();
    test::TempDir dir;
    const auto tn = trustnet_with_max_age(dir.path(), "1h");
    const auto served = serve_dir("freeze-follow", {330}, w.names, {}, w, signed_at(now() - 2 * 3600));
    Seeder s(served, {}, w);
    Process f({verifier, "follow", "--trustnet", tn.string(), "--db", (dir / "db").string(), "--listen",
               "127.0.0.1:" + std::to_string(free_port()), "--seeder", s.url(), "--interval", "1",
               "--seed-ratio", "0"},
              dir / "f.log");
    auto said = [&](const std::string& what) { return slurp(dir / "f.log").find(what) != std::string::npos; };
    auto wait_said = [&](const std::string& what) {
        for (auto until = std::chrono::steady_clock::now() + 60s; std::chrono::steady_clock::now() < until;) {
            if (said(what)) return true;
            std::this_thread::sleep_for(100ms);
        }
        return false;
    };
    REQUIRE(wait_said("alarm: the newest accepted release was signed 2 h"));
    std::this_thread::sleep_for(3s);  // several rounds: said once
    auto log = slurp(dir / "f.log");
    CHECK(log.find("alarm: ") == log.rfind("alarm: "));
    serve_dir("freeze-follow", {340}, w.names, {}, w);  // signed now
    REQUIRE(wait_said("alarm cleared: "));
    CHECK(said("installed regtest height 340"));
    CHECK(f.stop(SIGTERM, 10s) == 0);
}

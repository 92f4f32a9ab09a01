// `utxo-verifier follow` end to end with the real binaries on 127.0.0.1: a wallet and a full store
// follow a dozen releases as a seeder publishes them, each moving forward with patches, with the
// Esplora API and /metrics served from the same process; a late signature is waited for and never
// accepted early; SIGHUP starts a round at once and reopens the log; SIGTERM stops cleanly and kill -9
// resumes.
#include <fmt/format.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <thread>

#include "chain_support.h"
#include "fetch_world.h"

using namespace fetch_world;

namespace {

// A round every second, unless `interval_on_command_line` is false (the --config's then counts).
std::vector<std::string> follow_args(const fs::path& db, const Seeder& s,
                                     const std::vector<std::string>& extra,
                                     bool interval_on_command_line = true) {
    auto& w = chain_world();
    std::vector<std::string> a{
        verifier,   "follow",    "--trustnet", w.trustnet.string(),
        "--db",     db.string(), "--listen",   "127.0.0.1:" + std::to_string(free_port()),
        "--seeder", s.url(),     "--json"};
    if (interval_on_command_line) a.insert(a.end(), {"--interval", "1"});
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

// The JSON lines a follower printed so far.
std::vector<nlohmann::json> events(const fs::path& log) {
    std::vector<nlohmann::json> out;
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);)
        if (line.starts_with("{")) out.push_back(nlohmann::json::parse(line, nullptr, false));
    return out;
}

// Waits until `done` holds for the follower's events (at most `timeout`).
template <typename Pred>
bool wait_events(const fs::path& log, Pred done, std::chrono::seconds timeout = 60s) {
    for (auto until = std::chrono::steady_clock::now() + timeout; std::chrono::steady_clock::now() < until;) {
        if (done(events(log))) return true;
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

bool installed(const std::vector<nlohmann::json>& ev, int height) {
    return std::any_of(ev.begin(), ev.end(), [&](const auto& e) {
        return e.value("event", "") == "installed" && e["height"] == height;
    });
}

// GET http://127.0.0.1:PORT/PATH, the body.
std::string http_get(int port, const std::string& path) {
    auto url = utxo::verifier::parse_http_url("http://127.0.0.1:" + std::to_string(port) + path);
    REQUIRE(url);
    auto body = utxo::verifier::seeder_get(*url);
    REQUIRE(body);
    REQUIRE(*body);
    return **body;
}

int listening_port(const fs::path& log) {
    int port = 0;
    wait_events(log, [&](const auto& ev) {
        for (const auto& e : ev)
            if (e.value("event", "") == "listening") port = e["port"];
        return port != 0;
    });
    REQUIRE(port != 0);
    return port;
}

std::uint64_t metric(const std::string& text, const std::string& series) {
    auto at = text.find("\n" + series + " ");
    REQUIRE(at != std::string::npos);
    return std::stoull(text.substr(at + series.size() + 2));
}

}  // namespace

TEST_CASE("follow keeps a wallet and a full store current for a dozen releases with patches only",
          "[follow][slow-e2e]") {
    auto& w = chain_world();
    test::TempDir dir;
    const auto served = serve_dir("follow12", {370}, w.names, {}, w);
    Seeder s(served, {}, w);
    const std::vector<std::uint32_t> mine{5, 12};
    const auto wallet_db = dir / "wallet", full_db = dir / "full";
    Process wallet(follow_args(wallet_db, s,
                               {"--seed-ratio", "0", "--script", script_in_shard(370, 5), "--script",
                                script_in_shard(370, 12), "--http", "127.0.0.1:0"}),
                   dir / "wallet.log");
    Process full(follow_args(full_db, s, {"--seed-forever"}), dir / "full.log");
    REQUIRE(wait_events(dir / "wallet.log", [](const auto& ev) { return installed(ev, 370); }));
    REQUIRE(wait_events(dir / "full.log", [](const auto& ev) { return installed(ev, 370); }));
    const int port = listening_port(dir / "wallet.log");

    // A release every few seconds, as the authorities publish them.
    for (int h = 380; h <= 490; h += 10) {
        serve_dir("follow12", {h}, w.names, {}, w);
        INFO("height " << h << "\n" << slurp(dir / "wallet.log"));
        REQUIRE(wait_events(dir / "wallet.log", [h](const auto& ev) { return installed(ev, h); }));
        REQUIRE(wait_events(dir / "full.log", [h](const auto& ev) { return installed(ev, h); }));
    }
    // Each release came as its patches: the wallet's pieces of them, the full store's whole set.
    std::uint64_t wallet_total = 0, full_total = 0, fresh_wallet = 0, fresh_full = 0;
    std::string table =
        "height | wallet (2 of 16 shards) | its fresh shards | full store | all fresh shards\n";
    for (int h = 380; h <= 490; h += 10) {
        std::uint64_t got_wallet = 0, got_full = 0;
        for (const auto& e : events(dir / "wallet.log"))
            if (e.value("event", "") == "installed" && e["height"] == h) got_wallet = e["downloaded_bytes"];
        for (const auto& e : events(dir / "full.log"))
            if (e.value("event", "") == "installed" && e["height"] == h) got_full = e["downloaded_bytes"];
        const auto pieces = wanted_patch_bytes(h, mine);
        CHECK(got_wallet >= pieces);
        CHECK(got_wallet <= pieces * 3 / 2);
        CHECK(got_full >= patches_total(h, w));
        CHECK(got_full <= patches_total(h, w) * 3 / 2);
        CHECK(got_full * 3 < shards_total(h, w));
        wallet_total += got_wallet, full_total += got_full;
        fresh_wallet += wanted_shard_bytes(h, mine), fresh_full += shards_total(h, w);
        table += fmt::format("{} | {} | {} | {} | {}\n", h, got_wallet, wanted_shard_bytes(h, mine), got_full,
                             shards_total(h, w));
    }
    WARN(table << "total | " << wallet_total << " | " << fresh_wallet << " | " << full_total << " | "
               << fresh_full);
    CHECK(wallet_total < fresh_wallet);
    CHECK(full_total * 3 < fresh_full);
    auto ev = events(dir / "wallet.log");
    CHECK(std::count_if(ev.begin(), ev.end(),
                        [](const auto& e) { return e.value("event", "") == "moved_forward"; }) == 12);

    // The same process answers the Esplora API and /metrics for the release it holds.
    CHECK(http_get(port, "/api/blocks/tip/height") == "490");
    const auto metrics = http_get(port, "/metrics");
    CHECK(metrics.find("utxo_follow_rounds_total{result=\"installed\"} 13") != std::string::npos);
    CHECK(metric(metrics, "utxo_serve_installed_height") == 490);
    CHECK(metric(metrics, "utxo_follow_downloaded_bytes_total") == wallet_total + [&] {
        for (const auto& e : events(dir / "wallet.log"))
            if (e.value("event", "") == "installed" && e["height"] == 370)
                return e["downloaded_bytes"].get<std::uint64_t>();
        return std::uint64_t{0};
    }());
    CHECK(metrics.find("utxo_follow_uploaded_bytes_total") != std::string::npos);

    // SIGTERM: a clean stop, while seeding forever too.
    CHECK(wallet.stop(SIGTERM, 10s) == 0);
    CHECK(full.stop(SIGTERM, 10s) == 0);
    CHECK(slurp(dir / "full.log").find("\"event\":\"stopped\"") != std::string::npos);
    CHECK(store_status(full_db)["height"] == 490);
    CHECK(run(verifier + " check --db " + q(full_db)).exit_code == 0);
}

TEST_CASE(
    "follow waits for the last authority's signature, never accepts before it, and says whom it waits for",
    "[follow][slow-e2e]") {
    auto& w = chain_world();
    test::TempDir dir;
    const auto served = serve_dir("follow-late", {470}, w.names, {}, w);
    Seeder s(served, {}, w);
    Process f(follow_args(dir / "db", s, {"--seed-ratio", "0"}), dir / "f.log");
    REQUIRE(wait_events(dir / "f.log", [](const auto& ev) { return installed(ev, 470); }));
    serve_dir("follow-late", {480}, {"alice", "bob"}, {}, w);  // carol signs minutes later
    REQUIRE(wait_events(dir / "f.log", [](const auto& ev) {
        return std::any_of(ev.begin(), ev.end(), [](const auto& e) {
            return e.value("event", "") == "waiting" && e["height"] == 480 &&
                   e["waiting_for"] == nlohmann::json::array({"carol"});
        });
    }));
    // Several rounds pass (interval 1 s): 480 stays out, and the waiting line is said once.
    std::this_thread::sleep_for(5s);
    auto ev = events(dir / "f.log");
    CHECK_FALSE(installed(ev, 480));
    CHECK(store_status(dir / "db")["height"] == 470);
    CHECK(std::count_if(ev.begin(), ev.end(),
                        [](const auto& e) { return e.value("event", "") == "waiting"; }) == 1);
    // carol's signature appears: the next round accepts 480.
    auto release = release_dir(served, 480);
    auto r = run(signer + " sign --key " + q(w.dir / "carol.key") + " --release " + q(release) + " --own " +
                 q(release_dir(w.releases("carol"), 480)));
    REQUIRE(r.exit_code == 0);
    REQUIRE(wait_events(dir / "f.log", [](const auto& ev) { return installed(ev, 480); }));
    ev = events(dir / "f.log");
    auto accepted = std::find_if(ev.begin(), ev.end(), [](const auto& e) {
        return e.value("event", "") == "accepted" && e["height"] == 480;
    });
    REQUIRE(accepted != ev.end());
    CHECK((*accepted)["signers"] == nlohmann::json::array({"alice", "bob", "carol"}));
    CHECK(f.stop(SIGTERM, 10s) == 0);
}

TEST_CASE("follow killed with -9 in the middle resumes from the release it had installed",
          "[follow][slow-e2e]") {
    auto& w = chain_world();
    test::TempDir dir;
    const auto served = serve_dir("follow-kill", {440}, w.names, {}, w);
    Seeder s(served, {}, w);
    const auto db = dir / "db";
    {
        Process f(follow_args(db, s, {"--seed-forever"}), dir / "f1.log");
        REQUIRE(wait_events(dir / "f1.log", [](const auto& ev) { return installed(ev, 440); }));
        serve_dir("follow-kill", {450}, w.names, {}, w);
        REQUIRE(wait_events(dir / "f1.log", [](const auto& ev) { return installed(ev, 450); }));
        f.kill9();
    }
    CHECK(store_status(db)["height"] == 450);
    serve_dir("follow-kill", {460}, w.names, {}, w);
    Process f(follow_args(db, s, {"--seed-ratio", "0"}), dir / "f2.log");
    REQUIRE(wait_events(dir / "f2.log", [](const auto& ev) { return installed(ev, 460); }));
    auto ev = events(dir / "f2.log");
    CHECK(std::any_of(ev.begin(), ev.end(),
                      [](const auto& e) { return e.value("event", "") == "moved_forward"; }));
    CHECK(f.stop(SIGTERM, 10s) == 0);
    CHECK(store_status(db)["height"] == 460);
    CHECK(run(verifier + " check --db " + q(db)).exit_code == 0);
}

TEST_CASE("follow on SIGHUP reopens its log file, reads --config again and starts a round at once",
          "[follow][slow-e2e]") {
    auto& w = chain_world();
    test::TempDir dir;
    const auto served = serve_dir("follow-hup", {440}, w.names, {}, w);
    Seeder s(served, {}, w);
    const auto conf = dir / "verifier.conf", log = dir / "follow.log";
    std::ofstream(conf) << "[follow]\ninterval = 3600\n";
    Process f(
        follow_args(dir / "db", s,
                    {"--seed-ratio", "0", "--config", conf.string(), "--log-file", log.string()}, false),
        dir / "f.out");
    REQUIRE(wait_events(dir / "f.out", [](const auto& ev) { return installed(ev, 440); }));

    // A rotated log, a changed config and a new release: the hour's interval is not waited for.
    fs::rename(log, dir / "follow.log.1");
    std::ofstream(conf) << "[follow]\ninterval = 60\n";
    serve_dir("follow-hup", {450}, w.names, {}, w);
    REQUIRE(s.lists(450));
    const auto hup = std::chrono::steady_clock::now();
    f.signal(SIGHUP);
    const bool moved = wait_events(
        dir / "f.out", [](const auto& ev) { return installed(ev, 450); }, 30s);
    INFO(slurp(dir / "f.out") << "\nlog:\n" << slurp(log) << "\nrotated:\n" << slurp(dir / "follow.log.1"));
    REQUIRE(moved);
    CHECK(std::chrono::steady_clock::now() - hup < 30s);
    const auto reopened = slurp(log);
    CHECK(reopened.find(conf.string() + ": follow.interval changed: needs a restart") != std::string::npos);
    CHECK(slurp(dir / "follow.log.1").find("needs a restart") == std::string::npos);
    CHECK(f.stop(SIGTERM, 10s) == 0);
    CHECK(store_status(dir / "db")["height"] == 450);
}

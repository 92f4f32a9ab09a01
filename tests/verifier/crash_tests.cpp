// Crash safety: a process killed (SIGKILL) at each step of install or forward leaves the store
// answering for the previous release, and the next attempt succeeds.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "verifier/forward.h"
#include "verifier_fixture.h"

using namespace utxo;
using verifier::Store;
namespace fs = std::filesystem;

namespace {

// Runs `work` in a child process with the crash hook armed at `step`; true if it died by SIGKILL.
template <class F>
bool killed_at(const char* step, F work) {
    pid_t pid = fork();
    if (pid == 0) {
        setenv(verifier::kCrashEnv, step, 1);
        work();
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

std::uint32_t status_height(const fs::path& db) {
    auto r = test::run(vt::verifier + " status --json --db " + test::q(db));
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out)["height"].get<std::uint32_t>();
}

}  // namespace

TEST_CASE("A crash at any step of install leaves the previous release answering", "[crash]") {
    test::TempDir dir;
    const fs::path db = dir / "store";
    {
        auto store = Store::open(db);
        REQUIRE(store);
        vt::install(*store, vt::releases().at(150));
    }
    const auto new_dir = vt::releases().at(200);
    for (const char* step : {"verified", "renamed", "switched"}) {
        DYNAMIC_SECTION(step) {
            CHECK(killed_at(step, [&] {
                auto store = Store::open(db);
                if (!store) _exit(3);
                auto rel = vt::load_release(new_dir);
                auto stage = store->staging_dir(rel.manifest);
                for (auto i : vt::all_shards(rel.manifest))
                    fs::copy_file(verifier::shard_path(new_dir, i), verifier::shard_path(*stage, i));
                (void)store->install(rel.manifest, rel.bytes, vt::all_shards(rel.manifest), true, {});
            }));
            // Past the LMDB switch the new release is the installed one; before it, the old one.
            const std::uint32_t want = std::string(step) == "switched" ? 200 : 150;
            CHECK(status_height(db) == want);
            auto store = Store::open(db);
            REQUIRE(store);
            CHECK(store->check_installed());
            CHECK(std::distance(fs::directory_iterator(db / "releases" / "regtest"),
                                fs::directory_iterator()) == 1);
            if (want == 150) vt::install(*store, new_dir);
            CHECK(store->installed().value()->manifest.height.value == 200);
            CHECK(store->check_installed());
        }
    }
}

TEST_CASE("A crash during forward leaves the previous release answering", "[crash]") {
    test::TempDir dir;
    const fs::path db = dir / "store";
    {
        auto store = Store::open(db);
        REQUIRE(store);
        vt::install(*store, vt::releases().at(150), {0, 6});
    }
    const auto new_dir = vt::releases().at(200);
    fs::copy(new_dir / "patches", dir / "patches");
    auto rel = vt::load_release(new_dir);
    CHECK(killed_at("renamed", [&] {
        auto store = Store::open(db);
        if (!store) _exit(3);
        (void)verifier::forward(*store, rel.manifest, rel.bytes, dir / "patches", {});
    }));
    CHECK(status_height(db) == 150);
    auto store = Store::open(db);
    REQUIRE(store);
    auto s = verifier::forward(*store, rel.manifest, rel.bytes, dir / "patches", {});
    INFO((s ? "" : s.error().message));
    REQUIRE(s);
    auto cur = store->installed().value();
    CHECK(cur->manifest.height.value == 200);
    for (auto i : {0u, 6u})
        CHECK(test::read_file(verifier::shard_path(cur->dir, i)) ==
              test::read_file(verifier::shard_path(new_dir, i)));
}

// Measurements, hidden from normal runs ([.bench]): UTXO_BENCH_RELEASE=DIR names a full release.
// Install time against `openssl dgst -sha256` over the same files, export-core coins/s.
#include <chrono>
#include <cstdlib>

#include "verifier/export_core.h"
#include "verifier_fixture.h"

using namespace utxo;
namespace fs = std::filesystem;

namespace {

double seconds(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

TEST_CASE("bench: install and export-core of a release", "[.bench]") {
    const char* env = std::getenv("UTXO_BENCH_RELEASE");
    if (!env) return;
    const fs::path rel_dir = env;
    const char* tmp = std::getenv("UTXO_BENCH_TMP");
    const fs::path dir = tmp ? fs::path(tmp) : fs::temp_directory_path() / "utxo-bench";
    fs::remove_all(dir);
    auto store = verifier::Store::open(dir / "store");
    REQUIRE(store);
    auto rel = vt::stage(*store, rel_dir, vt::all_shards(vt::load_release(rel_dir).manifest));
    const auto stage = *store->staging_dir(rel.manifest);
    // Same page-cache state for both: the staged files were just written; sync them first so
    // install's fsync costs what it costs on files already on disk.
    REQUIRE(test::run("sync").exit_code == 0);
    auto t = std::chrono::steady_clock::now();
    REQUIRE(test::run("cd " + test::q(stage / "shards") + " && cat *.shard | openssl dgst -sha256 >/dev/null")
                .exit_code == 0);
    const double openssl = seconds(t);
    t = std::chrono::steady_clock::now();
    REQUIRE(test::run("cd " + test::q(stage / "shards") + " && openssl dgst -sha256 *.shard >/dev/null")
                .exit_code == 0);
    const double openssl_files = seconds(t);
    t = std::chrono::steady_clock::now();
    auto s = store->install(rel.manifest, rel.bytes, vt::all_shards(rel.manifest), true, {});
    REQUIRE(s);
    const double install = seconds(t);
    t = std::chrono::steady_clock::now();
    auto e = verifier::export_core(*store, dir / "snapshot.dat");
    REQUIRE(e);
    const double exp = seconds(t);
    t = std::chrono::steady_clock::now();
    if (!std::getenv("UTXO_BENCH_NO_CHECK")) REQUIRE(store->check_installed());
    const double check = seconds(t);
    WARN("coins " << rel.manifest.coins << ": openssl (cat | dgst) " << openssl
                  << " s, openssl dgst per file " << openssl_files << " s, install " << install << " s ("
                  << install / openssl_files << "x per-file openssl), export-core " << exp
                  << " s = " << e->coins / exp << " coins/s, check (MuHash) " << check << " s");
    fs::remove_all(dir);
}

// Script indexes of the store's shards: the file format, the queries through them, and what
// happens when one is missing, damaged or of another shard.
#include <algorithm>

#include "core/sha256.h"
#include "verifier/script_index.h"
#include "verifier/shard_records.h"
#include "verifier/store.h"
#include "verifier_fixture.h"

using namespace utxo;
using verifier::Store;
namespace fs = std::filesystem;

namespace {

// Every script and coin answered by the store equals what the release's files say.
void check_queries(Store& store, const fs::path& rel_dir) {
    vt::check_every_script_answers(store, rel_dir);
    auto nobody = store.coins_for_script(core::Bytes{0x51, 0x51});
    REQUIRE(nobody);
    CHECK(nobody->empty());
}

void flip(const fs::path& p, std::size_t at) {
    auto bytes = test::read_file(p);
    bytes.at(at) ^= 0x01;
    test::write_file(p, bytes);
}

}  // namespace

TEST_CASE("store script index: built from a shard file, checked, and every byte of damage refused",
          "[store][query]") {
    const auto rel_dir = vt::releases().at(200);
    const auto rel = vt::load_release(rel_dir);
    const std::uint32_t shard = 5;
    const auto shard_file = test::read_file(verifier::shard_path(rel_dir, shard));
    const core::ByteView data(shard_file.data(), shard_file.size());
    const auto& entry = rel.manifest.shards[shard];
    auto bytes = verifier::build_script_index(data, entry.sha256);
    REQUIRE(bytes);
    REQUIRE(bytes->size() ==
            verifier::kScriptIndexHeaderSize + entry.coins * verifier::kScriptIndexEntrySize + 32);
    auto table = verifier::check_script_index(*bytes);
    REQUIRE(table);
    CHECK(table->coins == entry.coins);
    CHECK(table->shard_sha256 == entry.sha256);
    CHECK(table->fanout[0] == 0);
    CHECK(table->fanout[256] == entry.coins);

    // Each entry points at a record whose script hashes to its key, and every coin is there once.
    const auto entries = verifier::decode_script_index_entries(core::ByteView(*bytes).subspan(
        verifier::kScriptIndexHeaderSize, entry.coins * verifier::kScriptIndexEntrySize));
    CHECK(std::is_sorted(entries.begin(), entries.end()));
    CHECK(verifier::encode_script_index(entry.sha256, entries) == *bytes);
    std::set<std::uint32_t> offsets;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& e = entries[i];
        CHECK(table->fanout[e.key[0]] <= i);
        CHECK(i < table->fanout[e.key[0] + 1]);
        auto r = verifier::take_record(data, e.offset);
        REQUIRE(r);
        auto coin = verifier::decode_record(data, *r);
        REQUIRE(coin);
        CHECK(verifier::script_key(core::sha256(coin->coin.script)) == e.key);
        offsets.insert(e.offset);
    }
    CHECK(offsets.size() == entry.coins);

    for (std::size_t at = 0; at < bytes->size(); at += 7) {
        auto damaged = *bytes;
        damaged[at] ^= 0x10;
        CHECK_FALSE(verifier::check_script_index(damaged));
    }
    auto cut = *bytes;
    cut.pop_back();
    CHECK_FALSE(verifier::check_script_index(cut));
    // Unsorted entries under a valid trailing SHA-256 are refused too.
    auto unsorted = entries;
    std::reverse(unsorted.begin(), unsorted.end());
    auto u = verifier::check_script_index(verifier::encode_script_index(entry.sha256, unsorted));
    REQUIRE_FALSE(u);
    CHECK(u.error().message == "the script index is not sorted");
}

TEST_CASE(
    "store queries answer the same through script indexes, and scan beside a missing, damaged or unwritable "
    "one",
    "[store][query]") {
    test::TempDir dir;
    const auto rel_dir = vt::releases().at(200);
    fs::path installed;
    {
        auto store = Store::open(dir / "store");
        REQUIRE(store);
        vt::install(*store, vt::releases().at(150));
        auto built = store->build_script_indexes();
        REQUIRE(built);
        CHECK(*built == 16);
        vt::install(*store,
                    rel_dir);  // the same handle moves to the new release: its indexes are not the old ones
        check_queries(*store, rel_dir);  // no index yet: scans
        built = store->build_script_indexes();
        REQUIRE(built);
        CHECK(*built == 16);
        built = store->build_script_indexes();
        REQUIRE(built);
        CHECK(*built == 0);
        installed = store->current().value()->dir;
        for (std::uint32_t i = 0; i < 16; ++i) CHECK(fs::exists(verifier::script_index_path(installed, i)));
        check_queries(*store, rel_dir);
    }
    // A damaged index and another shard's index (each found by a new handle, as a restarted
    // serve would) are not used: those shards are scanned until the next build rewrites them.
    flip(verifier::script_index_path(installed, 3), verifier::kScriptIndexHeaderSize + 5);
    fs::copy_file(verifier::script_index_path(installed, 1), verifier::script_index_path(installed, 9),
                  fs::copy_options::overwrite_existing);
    // Shard 12's index cannot be read nor written (a directory in its place): its queries scan, and
    // the build writes the others and goes on.
    fs::remove(verifier::script_index_path(installed, 12));
    fs::create_directory(verifier::script_index_path(installed, 12));
    auto store = Store::open(dir / "store");
    REQUIRE(store);
    check_queries(*store, rel_dir);
    auto built = store->build_script_indexes();
    REQUIRE(built);
    CHECK(*built == 2);
    check_queries(*store, rel_dir);
    fs::remove(verifier::script_index_path(installed, 12));
    built = store->build_script_indexes();
    REQUIRE(built);
    CHECK(*built == 1);
    check_queries(*store, rel_dir);
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(installed / "index", ec))  // no temporary file stays
        CHECK(e.path().extension() == ".sidx");
}

TEST_CASE("store script indexes of a wallet store cover its held shards only", "[store][query]") {
    test::TempDir dir;
    const auto rel_dir = vt::releases().at(200);
    auto store = Store::open(dir / "store");
    REQUIRE(store);
    vt::install(*store, rel_dir, {3, 9});
    auto built = store->build_script_indexes();
    REQUIRE(built);
    CHECK(*built == 2);
    const auto installed = store->current().value()->dir;
    CHECK(fs::exists(verifier::script_index_path(installed, 3)));
    CHECK_FALSE(fs::exists(verifier::script_index_path(installed, 4)));
    for (const auto& [script, coins] : vt::expectations(rel_dir)) {
        const auto shard = core::shard_of(script, 16);
        auto got = store->coins_for_script_hash(core::sha256(script));
        if (shard == 3 || shard == 9) {
            REQUIRE(got);
            CHECK(vt::keys(*got) == coins);
        } else {
            REQUIRE_FALSE(got);
            CHECK(got.error().code == core::Errc::not_found);
        }
    }
}

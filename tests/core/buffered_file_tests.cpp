// The buffered file layer under the shard and snapshot formats: the chunked reader's refill on a
// split record, and the atomic writer's temporary file, overwrite of flushed bytes and no-replace.
#include <catch2/catch.hpp>

#include "core/buffered_file.h"
#include "test_support.h"

using namespace utxo::core;
namespace fs = std::filesystem;

namespace {

// Records of CompactSize(length) || length bytes, long enough to straddle any chunk boundary.
Bytes records(std::size_t count) {
    Bytes out;
    Writer w(out);
    for (std::size_t i = 0; i < count; ++i)
        w.var_bytes(Bytes(1000 + i * 7919 % 50000, static_cast<std::uint8_t>(i)));
    return out;
}

}  // namespace

TEST_CASE("chunked reader: records split by the buffer end are retried after a refill", "[buffered_file]") {
    test::TempDir dir;
    Bytes data = records(400);
    test::write_file(dir / "r.bin", data);
    auto r = ChunkedFileReader::open(dir / "r.bin", 0, IoWording::ours);  // the smallest buffer
    REQUIRE(r);
    std::size_t n = 0;
    while (true) {
        REQUIRE(r->top_up());
        auto end = r->at_end();
        REQUIRE(end);
        if (*end) break;
        auto rec = r->parse([](Reader& in) { return in.var_bytes(); });
        REQUIRE(rec);
        CHECK(rec->size() == 1000 + n * 7919 % 50000);
        CHECK((*rec)[0] == static_cast<std::uint8_t>(n));
        ++n;
    }
    CHECK(n == 400);
    CHECK(r->eof());

    // A record cut short by the end of the file stays truncated.
    data.resize(data.size() - 1);
    test::write_file(dir / "cut.bin", data);
    auto cut = ChunkedFileReader::open(dir / "cut.bin", 0, IoWording::ours);
    REQUIRE(cut);
    Result<ByteView> last = ByteView();
    for (std::size_t i = 0; i < 400 && last; ++i)
        last = cut->parse([](Reader& in) { return in.var_bytes(); });
    REQUIRE(!last);
    CHECK(last.error().code == Errc::truncated);
}

TEST_CASE("chunked reader: both wordings of a missing file", "[buffered_file]") {
    test::TempDir dir;
    auto ours = ChunkedFileReader::open(dir / "none", 1 << 20, IoWording::ours);
    REQUIRE(!ours);
    CHECK(ours.error().code == Errc::io);
    CHECK(ours.error().message.starts_with("couldn't open " + (dir / "none").string() + ": "));
    auto core = ChunkedFileReader::open(dir / "none", 1 << 20, IoWording::bitcoin_core);
    REQUIRE(!core);
    CHECK(
        core.error().message.starts_with("Couldn't open file " + (dir / "none").string() + " for reading: "));
}

TEST_CASE("atomic writer: temporary file, overwrite across a flush, commit", "[buffered_file]") {
    test::TempDir dir;
    for (bool keep_open : {true, false}) {
        auto path = dir / (keep_open ? "kept.bin" : "reopened.bin");
        auto temp = fs::path(path.string() + ".part");
        Bytes expect;
        {
            auto w = AtomicFileWriter::create(
                path, {.temp_suffix = ".part", .flush_at = 1000, .keep_open = keep_open});
            REQUIRE(w);
            CHECK(fs::exists(temp));
            for (std::size_t i = 0; i < 3000; ++i) {
                w->buffer().push_back(static_cast<std::uint8_t>(i));
                expect.push_back(static_cast<std::uint8_t>(i));
                REQUIRE(w->flush_if_full());
            }
            CHECK(test::read_file(temp).size() == 3000);  // three flushes so far
            w->buffer().push_back(0x55);
            expect.push_back(0x55);
            // Straddles the flushed bytes and the buffered one.
            Bytes patch{0xaa, 0xbb, 0xcc};
            w->overwrite(2998, patch);
            std::copy(patch.begin(), patch.end(), expect.begin() + 2998);
            w->overwrite(0, Bytes{0xee});
            expect[0] = 0xee;
            CHECK(!fs::exists(path));
            REQUIRE(w->commit());
            CHECK(w->committed());
        }
        CHECK(!fs::exists(temp));
        CHECK(test::read_file(path) == expect);
    }
}

TEST_CASE("atomic writer: never replaces, and cleans up on abandon", "[buffered_file]") {
    test::TempDir dir;
    auto path = dir / "x.bin";
    {
        auto w = AtomicFileWriter::create(path, {});
        REQUIRE(w);
        w->buffer().push_back(1);
        test::write_file(path, Bytes{9});  // appears while we write
        auto st = w->commit();
        REQUIRE(!st);
        CHECK(st.error().message.starts_with("couldn't rename " + (dir / "x.bin.tmp").string() + " to "));
        CHECK(w->failed());
        CHECK(!w->flush());
    }
    CHECK(test::read_file(path) == Bytes{9});
    CHECK(!fs::exists(dir / "x.bin.tmp"));

    {
        auto w = AtomicFileWriter::create(dir / "y.bin", {.temp_suffix = ".incomplete"});
        REQUIRE(w);
        AtomicFileWriter moved = std::move(*w);  // the moved-from writer removes nothing
        w = Result<AtomicFileWriter>();
        CHECK(fs::exists(dir / "y.bin.incomplete"));
    }
    CHECK(!fs::exists(dir / "y.bin.incomplete"));
    CHECK(!fs::exists(dir / "y.bin"));

    auto bad = AtomicFileWriter::create(dir / "no-such-dir" / "z.bin", {.wording = IoWording::bitcoin_core});
    REQUIRE(!bad);
    CHECK(bad.error().message.starts_with("Couldn't create "));
}

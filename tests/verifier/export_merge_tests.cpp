// export-core's loser-tree merge: any number of shards (not only powers of two) comes out in
// (txid raw, vout) order, every coin exactly once.
#include "verifier/export_merge.h"
#include "verifier_fixture.h"

using namespace utxo;

TEST_CASE("The shard merge yields every coin of any shard subset in outpoint order", "[export]") {
    const auto rel_dir = vt::releases().at(200);
    const auto rel = vt::load_release(rel_dir);
    for (std::vector<std::uint32_t> shards : {std::vector<std::uint32_t>{5}, {0, 1}, {2, 3, 7}, {0, 4, 6, 9, 11},
                                              vt::all_shards(rel.manifest)}) {
        DYNAMIC_SECTION(shards.size() << " shards") {
            verifier::Installed in;
            in.dir = rel_dir;
            in.shards = shards;
            verifier::ShardMerge merge;
            REQUIRE(merge.open(in));
            std::uint64_t want = 0;
            for (auto i : shards) want += rel.manifest.shards[i].coins;
            std::uint64_t got = 0;
            std::optional<core::OutPoint> last;
            verifier::ExportEntry e;
            while (!merge.empty()) {
                const core::Txid next = merge.next_txid();
                REQUIRE(merge.pop(e));
                CHECK(e.first.txid == next);
                if (last) REQUIRE(*last < e.first);
                last = e.first;
                ++got;
            }
            CHECK(got == want);
        }
    }
}

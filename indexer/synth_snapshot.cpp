// The mainnet-like snapshot writer. Txids are drawn already sorted: the first 8 bytes of each
// (raw order, big-endian) step up through the 64-bit space by random increments sized so that the
// expected number of txids spans it, the other 24 bytes are random. Nothing is held or sorted, so
// 180 million coins need no more memory than 1,000.
#include "indexer/synth_snapshot.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/snapshot.h"
#include "indexer/synth_profile.h"

namespace utxo::indexer {

namespace mp = mainnet_profile;

namespace {

constexpr std::uint64_t kSampleStream = 0x73616d706c650001ull;  // "sample": the reservoir's draws
constexpr std::uint64_t kBaseStream = 0x626173650000001ull;     // "base": the base block hash

// 2 x 10^6 x the mean coins per txid, from the tables (integers only).
constexpr std::uint64_t twice_mean_coins_ppm() {
    std::uint64_t sum = 0, ppm = 0;
    for (const auto& s : mp::kCoinsPerTxid)
        sum += std::uint64_t{s.ppm} * (s.what.min + s.what.max), ppm += s.ppm;
    return sum * (1'000'000 - mp::kCoinbaseTxidPpm) / ppm + 2 * mp::kCoinbaseTxidPpm;
}

// Walks the txid space in increasing order, leaving room for every coin still to come.
class TxidWalk {
public:
    TxidWalk(std::uint64_t coins) {
        // expected txids = coins x 2e6 / twice_mean; the mean step is 2^64 over that.
        unsigned __int128 step =
            (static_cast<unsigned __int128>(1) << 64) * twice_mean_coins_ppm() /
            (static_cast<unsigned __int128>(std::max<std::uint64_t>(coins, 1)) * 2'000'000);
        // Twice the mean step, less 1/64 so that the walk rarely has to be clamped at its end.
        max_step_ = std::max<std::uint64_t>(
            1, static_cast<std::uint64_t>(std::min<unsigned __int128>(2 * step - 2 * step / 64, UINT64_MAX)));
    }
    // The next txid, for a group with `coins_left` coins still to write (this one's included).
    core::Txid next(SynthRng& rng, std::uint64_t coins_left) {
        // At most coins_left txids remain (this one included), so keeping room for that many steps
        // of 1 means the walk never overflows; the clamp binds only if it ran ahead of its pace.
        const std::uint64_t room = UINT64_MAX - prefix_;
        prefix_ += std::min(rng.between(1, max_step_), room - coins_left + 1);
        core::Txid txid;
        auto& raw = txid.raw();
        for (int i = 0; i < 8; ++i) raw[i] = static_cast<std::uint8_t>(prefix_ >> (56 - 8 * i));
        for (int i = 8; i < 32; i += 8) {
            const std::uint64_t r = rng.next();
            for (int j = 0; j < 8; ++j) raw[i + j] = static_cast<std::uint8_t>(r >> (8 * j));
        }
        return txid;
    }

private:
    std::uint64_t prefix_ = 0;
    std::uint64_t max_step_ = 1;
};

// One txid's coins: shared height and coinbase flag, vouts increasing with gaps (spent outputs).
struct Group {
    std::uint32_t count;
    bool coinbase;
    core::Height height;
};

Group draw_group(SynthRng& rng, core::Height base, std::uint64_t coins_left) {
    if (rng.below(1'000'000) < mp::kCoinbaseTxidPpm)
        return {1, true, core::Height{static_cast<std::uint32_t>(rng.between(1, base.value))}};
    const std::uint32_t n = mp::draw_count(rng, mp::kCoinsPerTxid);
    return {static_cast<std::uint32_t>(std::min<std::uint64_t>(n, coins_left)), false,
            mp::draw_height(rng, base)};
}

void fill_coin(SynthRng& rng, const Group& g, core::Coin& coin) {
    coin.height = g.height;
    coin.coinbase = g.coinbase;
    if (g.coinbase) {
        coin.value = mp::mainnet_subsidy(g.height);
        mp::make_script(g.height.value < mp::kEarlyCoinbaseBelow ? mp::ScriptKind::p2pk_uncompressed
                                                                 : mp::draw_script_kind(rng),
                        rng, coin.script);
        return;
    }
    coin.value = mp::draw_value(rng);
    mp::make_script(mp::draw_script_kind(rng), rng, coin.script);
}

}  // namespace

SpendableSample::SpendableSample(std::uint64_t seed, std::size_t capacity, core::Height base)
    : rng_(seed ^ kSampleStream), capacity_(capacity), base_(base) {
    coins_.reserve(capacity);
}

void SpendableSample::offer(const core::OutPoint& outpoint, const core::Coin& coin) {
    if (coin.coinbase && coin.height.value + 100 > base_.value + 1) return;  // not mature in the next block
    ++seen_;
    if (coins_.size() < capacity_) {
        coins_.push_back({outpoint, coin.value});
        return;
    }
    if (capacity_ == 0) return;
    const std::uint64_t j = rng_.below(seen_);
    if (j < capacity_) coins_[j] = {outpoint, coin.value};
}

core::BlockHash synthetic_base_block(std::uint64_t seed, core::Height base_height) {
    SynthRng rng(seed ^ kBaseStream ^ (std::uint64_t{base_height.value} << 32));
    core::BlockHash h;
    auto bytes = rng.bytes(32);
    std::copy(bytes.begin(), bytes.end(), h.raw().begin());
    return h;
}

core::Result<SnapshotSynthSummary> write_mainnet_snapshot(const SnapshotSynthOptions& o,
                                                          const std::filesystem::path& out,
                                                          SpendableSample* sample) {
    if (o.base_height.value < 1)
        return core::fail(core::Errc::usage, "the base height of a synthetic snapshot must be at least 1");
    SnapshotSynthSummary sum;
    sum.base_height = o.base_height;
    sum.base_block = synthetic_base_block(o.seed, o.base_height);
    core::SnapshotHeader header{2, core::Network::regtest, sum.base_block, o.coins};
    auto writer = core::SnapshotWriter::create(out, header);
    if (!writer)
        return core::fail(writer.error().code, fmt::format("{}: {}", out.string(), writer.error().message));
    SynthRng rng(o.seed);
    TxidWalk walk(o.coins);
    core::Coin coin;
    coin.script.reserve(10'000);
    while (sum.coins < o.coins) {
        const std::uint64_t left = o.coins - sum.coins;
        const Group g = draw_group(rng, o.base_height, left);
        core::OutPoint op{walk.next(rng, left),
                          g.coinbase ? 0u : static_cast<std::uint32_t>(rng.below(3) == 0)};
        ++sum.txids;
        for (std::uint32_t i = 0; i < g.count; ++i) {
            if (i > 0) op.vout += 1 + (rng.below(4) == 0 ? static_cast<std::uint32_t>(rng.below(3)) : 0);
            fill_coin(rng, g, coin);
            if (auto s = writer->add(op, coin); !s)
                return core::fail(s.error().code, fmt::format("{}: {}", out.string(), s.error().message));
            if (sample) sample->offer(op, coin);
            sum.total.sat += coin.value.sat;
            sum.coinbase_coins += g.coinbase;
            ++sum.coins;
        }
    }
    if (auto s = writer->finish(); !s)
        return core::fail(s.error().code, fmt::format("{}: {}", out.string(), s.error().message));
    std::error_code ec;
    sum.bytes = std::filesystem::file_size(out, ec);
    return sum;
}

core::Result<SnapshotSynthSummary> sample_snapshot(const std::filesystem::path& snapshot,
                                                   core::Height base_height, SpendableSample& sample) {
    const std::string name = snapshot.string();
    auto reader = core::SnapshotReader::open(snapshot, base_height);
    if (!reader) return core::fail(reader.error().code, fmt::format("{}: {}", name, reader.error().message));
    SnapshotSynthSummary sum;
    sum.base_height = base_height;
    sum.base_block = reader->header().base_block;
    std::optional<core::Txid> last;
    while (true) {
        auto next = reader->next();
        if (!next) return core::fail(next.error().code, fmt::format("{}: {}", name, next.error().message));
        if (!*next) break;
        const auto& [op, coin] = **next;
        sample.offer(op, coin);
        sum.total.sat += coin.value.sat;
        sum.coinbase_coins += coin.coinbase;
        sum.txids += !last || *last != op.txid;
        last = op.txid;
        ++sum.coins;
    }
    std::error_code ec;
    sum.bytes = std::filesystem::file_size(snapshot, ec);
    return sum;
}

}  // namespace utxo::indexer

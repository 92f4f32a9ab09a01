// The continuing chain's generator. Coins to spend come from two places: the snapshot's sample
// (taken without replacement) and a pool of outputs of earlier synthetic transactions, the same
// block's included (coinbase outputs join it after 100 blocks). The pool is bounded: when full, a
// new output replaces a random one, which then simply stays unspent.
#include "indexer/synth_continue.h"

#include <fmt/format.h>

#include <deque>

#include "core/buffered_file.h"
#include "core/network.h"
#include "core/opcodes.h"
#include "core/script.h"
#include "core/serialize.h"
#include "core/transaction.h"
#include "indexer/synth_profile.h"

namespace utxo::indexer {

namespace mp = mainnet_profile;
using core::Bytes;
using namespace core::opcodes;

namespace {

constexpr std::uint64_t kChainStream = 0x636861696e000001ull;  // "chain": the blocks' draws
constexpr std::size_t kPoolCap = std::size_t{1} << 20;
constexpr std::uint32_t kRegtestGenesisTime = 1296688602;

struct Maturing {
    SpendableCoin coin;
    core::Height mature_at;
};

class ContinuingChain {
public:
    ContinuingChain(const ContinueOptions& o, std::vector<SpendableCoin> sample)
        : options_(o), rng_(o.seed ^ kChainStream), sample_(std::move(sample)) {}

    core::Block next_block(core::Height height, const core::BlockHash& prev, std::uint32_t time,
                           ContinueSummary& sum) {
        core::Block block;
        block.header = core::BlockHeader{0x20000000, prev, {}, time, 0x207fffff, std::uint32_t(rng_.next())};
        while (!maturing_.empty() && maturing_.front().mature_at <= height) {
            to_pool(maturing_.front().coin);
            maturing_.pop_front();
        }
        block.txs.emplace_back();  // the coinbase, once the fees are known
        std::int64_t fees = 0;
        for (std::uint32_t t = 1; t < options_.txs_per_block; ++t) {
            auto tx = spend_tx(fees, sum);
            if (!tx) break;
            block.txs.push_back(std::move(*tx));
        }
        block.txs.front() = coinbase(height, fees, sum);
        block.header.merkle_root = core::compute_merkle_root(block.txs);
        block.hash = block.header.hash();
        for (const auto& tx : block.txs) sum.outputs += tx.outputs.size();
        sum.txs += block.txs.size();
        return block;
    }

private:
    void to_pool(const SpendableCoin& c) {
        if (pool_.size() < kPoolCap) {
            pool_.push_back(c);
        } else {
            pool_[rng_.below(pool_.size())] = c;
        }
    }

    static SpendableCoin take(std::vector<SpendableCoin>& from, std::size_t i) {
        SpendableCoin c = from[i];
        from[i] = from.back();
        from.pop_back();
        return c;
    }

    std::optional<SpendableCoin> take_coin(ContinueSummary& sum) {
        const bool snapshot = rng_.below(1'000'000) < mp::kSpendSnapshotPpm;
        if ((snapshot || pool_.empty()) && !sample_.empty()) {
            ++sum.snapshot_spent;
            return take(sample_, rng_.below(sample_.size()));
        }
        if (!pool_.empty()) return take(pool_, rng_.below(pool_.size()));
        return std::nullopt;
    }

    // A third each: a legacy signature and key, a P2WPKH witness, a taproot key-path witness.
    void sign(core::TxIn& in) {
        switch (rng_.below(3)) {
            case 0:
                in.script_sig = {0x48};
                rng_.append_bytes(in.script_sig, 72);
                in.script_sig.push_back(0x21);
                rng_.append_bytes(in.script_sig, 33);
                break;
            case 1:
                in.witness = {rng_.bytes(72), rng_.bytes(33)};
                break;
            default:
                in.witness = {rng_.bytes(64)};
                break;
        }
    }

    Bytes output_script() {
        Bytes s;
        mp::make_script(mp::draw_script_kind(rng_), rng_, s);
        return s;
    }

    std::optional<core::Transaction> spend_tx(std::int64_t& fees, ContinueSummary& sum) {
        core::Transaction tx;
        std::int64_t in_value = 0;
        const std::uint32_t n_in = mp::draw_count(rng_, mp::kInputsPerTx);
        for (std::uint32_t i = 0; i < n_in; ++i) {
            auto c = take_coin(sum);
            if (!c) break;
            core::TxIn in;
            in.prevout = c->outpoint;
            in.sequence = 0xfffffffd;
            sign(in);
            tx.inputs.push_back(std::move(in));
            in_value += c->value.sat;
        }
        if (tx.inputs.empty()) return std::nullopt;
        const std::uint32_t n_out = mp::draw_count(rng_, mp::kOutputsPerTx);
        const std::int64_t vsize = 11 + 68 * std::int64_t{n_in} + 31 * std::int64_t{n_out};
        const std::int64_t fee = std::min<std::int64_t>(in_value, vsize * std::int64_t(rng_.between(1, 20)));
        std::int64_t left = in_value - fee;
        for (std::uint32_t i = 0; i + 1 < n_out; ++i) {  // payments; the last output is the change
            const std::int64_t v = std::min<std::int64_t>(mp::draw_value(rng_).sat, left / 2);
            left -= v;
            tx.outputs.push_back({core::Amount{v}, output_script()});
        }
        tx.outputs.push_back({core::Amount{left}, output_script()});
        if (rng_.below(1'000'000) < mp::kOpReturnTxPpm) {
            Bytes data{OP_RETURN, 0};
            data[1] = static_cast<std::uint8_t>(rng_.between(4, 75));
            rng_.append_bytes(data, data[1]);
            tx.outputs.push_back({core::Amount{0}, std::move(data)});
        }
        tx.compute_ids();
        fees += fee;
        sum.inputs += tx.inputs.size();
        sum.spent += tx.inputs.size();
        for (std::uint32_t i = 0; i < tx.outputs.size(); ++i) {
            if (core::is_unspendable(tx.outputs[i].script_pubkey)) continue;
            ++sum.created;
            to_pool({{tx.txid, i}, tx.outputs[i].value});
        }
        return tx;
    }

    core::Transaction coinbase(core::Height height, std::int64_t fees, ContinueSummary& sum) {
        core::Transaction cb;
        core::TxIn in;
        in.prevout = core::OutPoint{core::Txid{}, 0xffffffff};
        Bytes h;
        core::Writer(h).u32(height.value);  // BIP34-style height push: every coinbase txid differs
        in.script_sig = {0x04, h[0], h[1], h[2], h[3]};
        rng_.append_bytes(in.script_sig, 8);
        cb.inputs.push_back(std::move(in));
        const auto subsidy =
            core::block_subsidy(height, core::params(core::Network::regtest).subsidy_halving_interval);
        sum.subsidy.sat += subsidy.sat;
        std::int64_t reward = subsidy.sat + fees;
        const std::uint32_t n = 1 + std::uint32_t(rng_.below(2));
        for (std::uint32_t i = 0; i < n; ++i) {
            const std::int64_t v = i + 1 == n ? reward : reward / 2;
            reward -= v;
            cb.outputs.push_back({core::Amount{v}, output_script()});
        }
        Bytes commitment{OP_RETURN, 36, 0xaa, 0x21, 0xa9, 0xed};  // BIP141 witness commitment
        rng_.append_bytes(commitment, 32);
        cb.outputs.push_back({core::Amount{0}, std::move(commitment)});
        cb.compute_ids();
        for (std::uint32_t i = 0; i + 1 < cb.outputs.size(); ++i) {
            ++sum.created;
            maturing_.push_back({{{cb.txid, i}, cb.outputs[i].value}, core::Height{height.value + 100}});
        }
        return cb;
    }

    ContinueOptions options_;
    SynthRng rng_;
    std::vector<SpendableCoin> sample_;
    std::vector<SpendableCoin> pool_;
    std::deque<Maturing> maturing_;
};

}  // namespace

std::size_t sample_capacity(const ContinueOptions& o) {
    // About 1.1 snapshot coins are spent per transaction (kInputsPerTx x kSpendSnapshotPpm);
    // a quarter more leaves room for chance.
    return std::size_t{o.blocks} * o.txs_per_block * 5 / 4 + 1000;
}

core::Result<ContinueSummary> write_continuing_chain(const ContinueOptions& o, core::Height base_height,
                                                     const core::BlockHash& base_block,
                                                     std::vector<SpendableCoin> sample,
                                                     const std::filesystem::path& out) {
    std::error_code ec;
    if (std::filesystem::exists(out, ec))
        return core::fail(core::Errc::usage, fmt::format("{}: already exists", out.string()));
    UTXO_TRY_ASSIGN(auto file, core::AtomicFileWriter::create(out, {.temp_suffix = ".incomplete"}));
    ContinueSummary sum;
    ContinuingChain chain(o, std::move(sample));
    core::BlockHash prev = base_block;
    const auto& magic = core::params(core::Network::regtest).magic;
    for (std::uint32_t k = 1; k <= o.blocks; ++k) {
        const core::Height height{base_height.value + k};
        const auto time = static_cast<std::uint32_t>(kRegtestGenesisTime + std::uint64_t{height.value} * 600);
        core::Block b = chain.next_block(height, prev, time, sum);
        Bytes& buf = file.buffer();
        const std::size_t at = buf.size();
        core::Writer w(buf);
        w.bytes(magic);
        w.u32(0);  // the size, once known
        core::write_block_header(w, b.header);
        w.compact_size(b.txs.size());
        for (const auto& tx : b.txs) core::write_transaction(w, tx);
        const auto size = static_cast<std::uint32_t>(buf.size() - at - 8);
        for (int i = 0; i < 4; ++i) buf[at + 4 + i] = static_cast<std::uint8_t>(size >> (8 * i));
        sum.bytes += buf.size() - at;
        UTXO_TRY(file.flush_if_full());
        prev = b.hash;
        sum.tip_height = height;
        ++sum.blocks;
    }
    sum.tip = prev;
    UTXO_TRY(file.commit());
    return sum;
}

}  // namespace utxo::indexer

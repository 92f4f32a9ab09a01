#include "indexer/synth.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <deque>
#include <memory>

#include "core/network.h"
#include "core/opcodes.h"
#include "core/script.h"
#include "core/serialize.h"
#include "indexer/synth_rng.h"

namespace utxo::indexer {

using core::Bytes;
using namespace core::opcodes;

namespace {

using Rng = SynthRng;

Bytes concat(std::initializer_list<core::ByteView> parts) {
    Bytes out;
    for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

Bytes compressed_key(Rng& rng) {
    Bytes k = rng.bytes(33);
    k[0] = 0x02 | (k[1] & 1);
    return k;
}

// Share of each script type, in percent, roughly today's mainnet output mix.
Bytes random_script(Rng& rng) {
    auto r = rng.below(100);
    if (r < 38) return concat({Bytes{OP_0, 20}, rng.bytes(20)});  // P2WPKH
    if (r < 58) return concat({Bytes{OP_1, 32}, rng.bytes(32)});  // P2TR
    if (r < 78)                                                   // P2PKH
        return concat({Bytes{OP_DUP, OP_HASH160, 20}, rng.bytes(20), Bytes{OP_EQUALVERIFY, OP_CHECKSIG}});
    if (r < 86) return concat({Bytes{OP_HASH160, 20}, rng.bytes(20), Bytes{OP_EQUAL}});  // P2SH
    if (r < 92) return concat({Bytes{OP_0, 32}, rng.bytes(32)});                         // P2WSH
    if (r < 94)  // 1-of-2 bare multisig
        return concat({Bytes{OP_1, 33}, compressed_key(rng), Bytes{33}, compressed_key(rng),
                       Bytes{OP_2, OP_CHECKMULTISIG}});
    if (r < 96) return concat({Bytes{33}, compressed_key(rng), Bytes{OP_CHECKSIG}});  // P2PK
    if (r < 98) return concat({Bytes{OP_RETURN, 20}, rng.bytes(20)});  // OP_RETURN (never in the set)
    return concat({Bytes{OP_0, 20}, rng.bytes(20)});
}

struct Spendable {
    core::OutPoint outpoint;
    core::Amount value;
    core::Height mature_at;  // from this height on it may be spent
};

void add_witness_or_sig(core::TxIn& in, Rng& rng) {
    if (rng.below(3) == 0) {
        in.script_sig = concat({Bytes{0x48}, rng.bytes(72), Bytes{0x21}, compressed_key(rng)});
    } else {
        in.witness = {rng.bytes(72), compressed_key(rng)};
    }
}

class ChainGenerator {
public:
    explicit ChainGenerator(const SynthOptions& o) : options_(o), rng_(o.seed) {}

    core::Block next_block(core::Height height, const core::BlockHash& prev, std::uint32_t time) {
        core::Block block;
        block.header = core::BlockHeader{4, prev, {}, time, 0x207fffff, std::uint32_t(rng_.next())};
        std::int64_t fees = 0;
        while (!maturing_.empty() && maturing_.front().mature_at <= height) {
            pool_.push_back(maturing_.front());
            maturing_.pop_front();
        }
        for (std::uint32_t t = 1; t < options_.txs_per_block && !pool_.empty(); ++t) {
            auto tx = spend_tx(height, fees);
            if (!tx) break;
            block.txs.push_back(std::move(*tx));
        }
        block.txs.insert(block.txs.begin(), coinbase(height, fees));
        auto& cb = block.txs.front();
        for (std::uint32_t i = 0; i < cb.outputs.size(); ++i)
            if (!core::is_unspendable(cb.outputs[i].script_pubkey))
                maturing_.push_back({{cb.txid, i}, cb.outputs[i].value, core::Height{height.value + 100}});
        block.header.merkle_root = core::compute_merkle_root(block.txs);
        block.hash = block.header.hash();
        return block;
    }

private:
    core::Transaction coinbase(core::Height height, std::int64_t fees) {
        core::Transaction cb;
        core::TxIn in;
        in.prevout = core::OutPoint{core::Txid{}, 0xffffffff};
        Bytes h;
        core::Writer(h).u32(height.value);  // BIP34-style height push keeps every coinbase txid unique
        in.script_sig = concat({Bytes{0x04}, h, rng_.bytes(4)});
        cb.inputs.push_back(std::move(in));
        const std::uint32_t halving_interval = core::params(core::Network::regtest).subsidy_halving_interval;
        std::int64_t reward = core::block_subsidy(height, halving_interval).sat + fees;
        std::uint32_t n = 1 + std::uint32_t(rng_.below(3));
        for (std::uint32_t i = 0; i < n; ++i) {
            Bytes script = random_script(rng_);
            while (core::is_unspendable(script)) script = random_script(rng_);  // the reward is never burned
            std::int64_t v = i + 1 == n ? reward : reward / (n - i);
            reward -= v;
            cb.outputs.push_back({core::Amount{v}, std::move(script)});
        }
        // BIP141 witness commitment: OP_RETURN, a 36-byte push of aa21a9ed and a 32-byte hash.
        cb.outputs.push_back(
            {core::Amount{0}, concat({Bytes{OP_RETURN, 36, 0xaa, 0x21, 0xa9, 0xed}, rng_.bytes(32)})});
        cb.compute_ids();
        return cb;
    }

    // Outputs go straight back into the pool, so later transactions of the same block may spend
    // them, as real blocks often do.
    std::optional<core::Transaction> spend_tx(core::Height height, std::int64_t& fees) {
        core::Transaction tx;
        std::int64_t in_value = 0;
        std::uint32_t n_in = 1 + std::uint32_t(rng_.below(2));
        for (std::uint32_t i = 0; i < n_in && !pool_.empty(); ++i) {
            std::size_t pick = rng_.below(pool_.size());
            Spendable s = pool_[pick];
            pool_[pick] = pool_.back();
            pool_.pop_back();
            core::TxIn in;
            in.prevout = s.outpoint;
            in.sequence = 0xfffffffd;
            add_witness_or_sig(in, rng_);
            tx.inputs.push_back(std::move(in));
            in_value += s.value.sat;
        }
        if (tx.inputs.empty()) return std::nullopt;
        std::int64_t fee = std::min<std::int64_t>(in_value, 200 + std::int64_t(rng_.below(2000)));
        std::int64_t left = in_value - fee;
        std::uint32_t n_out = 1 + std::uint32_t(rng_.below(4));
        for (std::uint32_t i = 0; i < n_out; ++i) {
            Bytes script = random_script(rng_);
            const bool last = i + 1 == n_out;
            while (last && core::is_unspendable(script))
                script = random_script(rng_);  // change is never burned
            std::int64_t v = last ? left : std::int64_t(rng_.below(std::uint64_t(left / 2) + 1));
            if (core::is_unspendable(script)) v = 0;  // data carriers burn nothing
            left -= v;
            tx.outputs.push_back({core::Amount{v}, std::move(script)});
        }
        fees += fee;
        tx.compute_ids();
        for (std::uint32_t i = 0; i < tx.outputs.size(); ++i)
            if (!core::is_unspendable(tx.outputs[i].script_pubkey))
                pool_.push_back({{tx.txid, i}, tx.outputs[i].value, height});
        return tx;
    }

    SynthOptions options_;
    Rng rng_;
    std::vector<Spendable> pool_;     // spendable now
    std::deque<Spendable> maturing_;  // coinbase outputs, in order of maturity (100 blocks)
};

}  // namespace

core::Block regtest_genesis() {
    core::Transaction cb;
    core::TxIn in;
    in.prevout = core::OutPoint{core::Txid{}, 0xffffffff};
    in.script_sig = *core::from_hex(
        "04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b20"
        "6f"
        "66207365636f6e64206261696c6f757420666f722062616e6b73");
    cb.inputs.push_back(std::move(in));
    cb.outputs.push_back(
        {core::Amount{50 * core::kCoin},
         *core::from_hex("4104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4"
                         "cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac")});
    cb.version = 1;
    cb.compute_ids();
    core::Block b;
    b.header = core::BlockHeader{1, core::BlockHash{}, {}, 1296688602, 0x207fffff, 2};
    b.txs.push_back(std::move(cb));
    b.header.merkle_root = core::compute_merkle_root(b.txs);
    b.hash = b.header.hash();
    return b;
}

core::Status generate_chain(const SynthOptions& options,
                            const std::function<core::Status(const core::Block&)>& emit) {
    core::Block genesis = regtest_genesis();
    UTXO_TRY(emit(genesis));
    ChainGenerator gen(options);
    core::BlockHash prev = genesis.hash;
    std::uint32_t time = genesis.header.time;
    for (std::uint32_t h = 1; h <= options.blocks; ++h) {
        core::Block b = gen.next_block(core::Height{h}, prev, time += 600);
        UTXO_TRY(emit(b));
        prev = b.hash;
    }
    return {};
}

core::Result<SynthSummary> write_synthetic_chain(const SynthOptions& options,
                                                 const std::filesystem::path& out, SynthFormat format) {
    auto tmp = out;
    tmp += ".incomplete";
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(tmp.c_str(), "wb"), &std::fclose);
    if (!f) return core::fail(core::Errc::io, fmt::format("{}: cannot create", tmp.string()));
    SynthSummary sum;
    auto emit = [&](const core::Block& b) -> core::Status {
        Bytes raw = core::serialize_block(b);
        ++sum.blocks;
        sum.txs += b.txs.size();
        for (const auto& tx : b.txs) {
            sum.outputs += tx.outputs.size();
            if (!tx.is_coinbase()) sum.inputs += tx.inputs.size();
        }
        bool ok;
        if (format == SynthFormat::blk) {
            Bytes head;
            core::Writer w(head);
            w.bytes(core::params(core::Network::regtest).magic);
            w.u32(std::uint32_t(raw.size()));
            ok = std::fwrite(head.data(), 1, head.size(), f.get()) == head.size() &&
                 std::fwrite(raw.data(), 1, raw.size(), f.get()) == raw.size();
            sum.bytes += head.size() + raw.size();
        } else {
            std::string line = core::to_hex(raw) + "\n";
            ok = std::fwrite(line.data(), 1, line.size(), f.get()) == line.size();
            sum.bytes += line.size();
        }
        if (!ok) return core::fail(core::Errc::io, fmt::format("{}: write failed", tmp.string()));
        return {};
    };
    UTXO_TRY(generate_chain(options, emit));
    if (std::fflush(f.get()) != 0 || fsync(fileno(f.get())) != 0)
        return core::fail(core::Errc::io, fmt::format("{}: write failed", tmp.string()));
    f.reset();
    std::error_code ec;
    std::filesystem::rename(tmp, out, ec);
    if (ec)
        return core::fail(core::Errc::io, fmt::format("{}: cannot rename: {}", out.string(), ec.message()));
    return sum;
}

}  // namespace utxo::indexer

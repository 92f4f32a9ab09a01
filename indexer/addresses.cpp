// `utxo-indexer addresses`: some addresses that hold coins in the store, for trying a wallet
// fetch or a query against real data (deterministic: the first ones in key order).
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/address.h"
#include "core/manifest.h"
#include "core/shard.h"
#include "indexer/commands.h"

namespace utxo::indexer {

namespace {

// Collects the first `count` distinct addresses of the coins it is shown. An address is taken up
// by a coin with a value (a 0-sat coin, which the synthetic chains also make, counts only for an
// address already taken), so that a wallet tried with them has something to show.
class AddressSampler {
public:
    AddressSampler(core::Network net, std::size_t count) : net_(net), count_(count) {}
    // False once `count` addresses are known and a new one shows up.
    bool add(const core::Coin& coin) {
        auto address = core::script_to_address(coin.script, net_);
        if (!address) return true;
        if (coin.value.sat == 0 && !index_.contains(*address)) return true;
        auto [it, added] = index_.emplace(*address, out_.size());
        if (added) {
            if (out_.size() == count_) return false;
            out_.push_back({*address, 0, core::Amount{}});
        }
        ++out_[it->second].coins;
        out_[it->second].value.sat += coin.value.sat;
        return true;
    }
    std::vector<AddressHolding> take() { return std::move(out_); }

private:
    core::Network net_;
    std::size_t count_;
    std::vector<AddressHolding> out_;
    std::map<std::string, std::size_t> index_;
};

}  // namespace

core::Result<std::vector<AddressHolding>> sample_addresses(const std::filesystem::path& db,
                                                           std::size_t count) {
    UTXO_TRY_ASSIGN(auto store, UtxoStore::open_existing(db));
    UTXO_TRY_ASSIGN(auto st, store.state());
    AddressSampler sampler(st.network, count);
    UTXO_TRY(store.for_each_coin([&](const core::OutPoint&, const core::Coin& coin) -> core::Result<bool> {
        return sampler.add(coin);
    }));
    return sampler.take();
}

// One address from each of `count` shards spread evenly over the release, as a real wallet's
// addresses would be: shard k * S / count, or the next shard that has an address.
core::Result<std::vector<AddressHolding>> sample_release_addresses(const std::filesystem::path& release,
                                                                   std::size_t count) {
    auto shard = [&](std::uint32_t i) { return release / "shards" / core::shard_file_name(i); };
    auto first = core::ShardReader::open(shard(0));  // its header gives the network and shard count
    UTXO_TRY(first);
    const core::ShardHeader header = first->header();
    std::vector<AddressHolding> out;
    for (std::size_t k = 0; k < count; ++k) {
        for (auto i = static_cast<std::uint32_t>(k * header.shard_count / count); i < header.shard_count;
             ++i) {
            UTXO_TRY_ASSIGN(auto reader, core::ShardReader::open(shard(i)));
            AddressSampler sampler(header.network, 1);
            while (true) {
                UTXO_TRY_ASSIGN(auto c, reader.next());
                if (!c || !sampler.add((c)->second)) break;
            }
            auto found = sampler.take();
            if (!found.empty() && std::none_of(out.begin(), out.end(), [&](const auto& a) {
                    return a.address == found[0].address;
                })) {
                out.push_back(found[0]);
                break;
            }
        }
    }
    return out;
}

}  // namespace utxo::indexer

// DhtPublisher: one thread that reads the kept releases' item files, keeps the newest per
// authority key and network, and puts them through a net::Dht node.
#include "seeder/dht_publisher.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/dht_pointer.h"
#include "core/file_io.h"
#include "core/printable.h"
#include "net/dht.h"
#include "seeder/log.h"

namespace utxo::seeder {

namespace {

constexpr std::size_t kMaxItemFile = 4096;  // an item file is ~1.2 KB at most (docs/formats.md)
constexpr std::chrono::seconds kPutTimeout{20};
constexpr std::chrono::seconds kRetryAfterFailure{30};

using ItemKey = std::pair<std::array<std::uint8_t, 32>, std::string>;  // public key, salt

}  // namespace

struct DhtPublisher::Impl {
    Options options;
    Metrics& metrics;
    net::Dht dht;
    std::mutex mutex;
    std::condition_variable wake;
    std::shared_ptr<const Catalog> catalog;  // the newest offered, not yet looked at
    bool stopping = false;
    std::map<ItemKey, std::int64_t> put_seq;  // the seq last put for each key and salt
    std::map<ItemKey, std::chrono::steady_clock::time_point> retry_at;  // after a failed put
    std::set<std::string> reported;  // item files already reported as unusable
    std::jthread thread;

    Impl(const Options& o, Metrics& m, net::Dht d) : options(o), metrics(m), dht(std::move(d)) {}

    // The newest valid item of each key and salt among the releases' item files.
    std::map<ItemKey, core::DhtItem> collect(const Catalog& c) {
        std::map<ItemKey, core::DhtItem> out;
        for (const auto& r : c.releases)
            for (const auto& name : r.dht_items) {
                const auto path = r.dir / name;
                auto bytes = core::read_small_file(path, kMaxItemFile);
                auto item = bytes ? core::decode_item_file(*bytes)
                                  : core::Result<core::DhtItem>(std::unexpected(bytes.error()));
                std::string problem = !item                           ? item.error().message
                                      : !core::verify_dht_item(*item) ? "its signature is not valid"
                                                                      : "";
                if (!problem.empty()) {
                    if (reported.insert(path.string()).second)
                        log().warn("{}: not published in the DHT: {}", path.string(),
                                   core::printable(problem));
                    continue;
                }
                ItemKey key{item->public_key, item->salt};
                auto at = out.find(key);
                if (at == out.end() || at->second.seq < item->seq)
                    out.insert_or_assign(key, std::move(*item));
            }
        return out;
    }

    void put_all(const std::map<ItemKey, core::DhtItem>& items, bool republish) {
        metrics.dht_pointers = items.size();
        for (const auto& [key, item] : items) {
            auto last = put_seq.find(key);
            if (!republish && last != put_seq.end() && last->second == item.seq) continue;
            const auto now = std::chrono::steady_clock::now();
            if (!republish && retry_at.contains(key) && now < retry_at[key]) continue;
            auto put = dht.put(item, kPutTimeout);
            const std::string who = core::to_hex(core::ByteView(key.first.data(), 8));
            if (put) {
                ++metrics.dht_puts_stored;
                put_seq[key] = item.seq;
                retry_at.erase(key);
                log().info("DHT pointer of key {}... ({}) seq {} put: {} node(s) stored it", who,
                           core::printable(key.second), item.seq, put->nodes_stored);
            } else {
                ++metrics.dht_puts_failed;
                retry_at[key] = now + kRetryAfterFailure;
                log().warn("DHT pointer of key {}... ({}) seq {}: {}", who, core::printable(key.second),
                           item.seq, put.error().message);
            }
        }
    }

    // Each item file of the snapshot with its modification time (a re-signed file keeps its name).
    using Listing = std::vector<std::pair<std::filesystem::path, std::filesystem::file_time_type>>;
    Listing last_listing;

    static Listing item_files(const Catalog& c) {
        Listing out;
        for (const auto& r : c.releases)
            for (const auto& name : r.dht_items) {
                std::error_code ec;
                out.emplace_back(r.dir / name, std::filesystem::last_write_time(r.dir / name, ec));
            }
        return out;
    }

    bool retry_due() const {
        const auto now = std::chrono::steady_clock::now();
        return std::any_of(retry_at.begin(), retry_at.end(),
                           [&](const auto& kv) { return kv.second <= now; });
    }

    void run(std::stop_token) {
        std::shared_ptr<const Catalog> current;
        auto next_republish = std::chrono::steady_clock::now() + options.dht_republish;
        for (;;) {
            std::shared_ptr<const Catalog> offered;
            {
                std::unique_lock lock(mutex);
                wake.wait_until(lock, next_republish, [&] { return stopping || catalog != nullptr; });
                if (stopping) return;
                offered = std::exchange(catalog, nullptr);
            }
            // Rescans offer a snapshot every few seconds: the republish time is kept whatever comes.
            const bool republish = std::chrono::steady_clock::now() >= next_republish;
            if (offered) current = std::move(offered);
            if (!current) continue;
            if (republish) next_republish = std::chrono::steady_clock::now() + options.dht_republish;
            // The item files are read again only when they changed, a put is due again, or one failed.
            auto listing = item_files(*current);
            if (!republish && listing == last_listing && !retry_due()) continue;
            last_listing = std::move(listing);
            put_all(collect(*current), republish);
        }
    }
};

core::Result<std::unique_ptr<DhtPublisher>> DhtPublisher::start(const Options& options, Metrics& metrics) {
    net::DhtOptions d;
    d.listen = options.dht_listen;
    d.nodes = options.dht_nodes;
    d.private_dht = !options.dht_nodes.empty();
    UTXO_TRY_ASSIGN(auto dht, net::Dht::start(d));
    auto impl = std::make_unique<Impl>(options, metrics, std::move(dht));
    log().info("DHT pointers are put from {}", impl->dht.endpoint().to_string());
    impl->thread = std::jthread([p = impl.get()](std::stop_token st) { p->run(st); });
    return std::unique_ptr<DhtPublisher>(new DhtPublisher(std::move(impl)));
}

DhtPublisher::DhtPublisher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

DhtPublisher::~DhtPublisher() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->wake.notify_all();
    impl_->thread = {};  // joins
}

void DhtPublisher::offer(std::shared_ptr<const Catalog> catalog) {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->catalog = std::move(catalog);
    }
    impl_->wake.notify_all();
}

}  // namespace utxo::seeder

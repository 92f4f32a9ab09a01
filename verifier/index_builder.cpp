// The background script indexer of `serve`.
#include "verifier/index_builder.h"

#include <sys/resource.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>

#include "verifier/log.h"

namespace utxo::verifier {

namespace {

void run(Store& store, std::chrono::milliseconds poll, const std::stop_token& stop) {
    // On Linux a thread's nice value is its own: queries keep their priority.
    (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19);
    std::mutex m;
    std::condition_variable_any wake;
    while (!stop.stop_requested()) {
        const auto t0 = std::chrono::steady_clock::now();
        auto built = store.build_script_indexes(stop);
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - t0;
        if (!built)
            log().warn("script indexes: {}", built.error().message);
        else if (*built > 0)
            log().info("script indexes: {} shard(s) indexed in {:.1f} s", *built, took.count());
        std::unique_lock lock(m);
        wake.wait_for(lock, stop, poll, [] { return false; });
    }
}

}  // namespace

IndexBuilder::IndexBuilder(Store& store, std::chrono::milliseconds poll)
    : thread_([&store, poll](std::stop_token stop) { run(store, poll, stop); }) {}

IndexBuilder::~IndexBuilder() = default;  // jthread: request_stop() and join()

}  // namespace utxo::verifier

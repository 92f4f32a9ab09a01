// `serve`'s background thread that writes the script index of every held shard of the installed
// release (Store::build_script_indexes) at the lowest CPU priority, and looks again every `poll`
// for a release installed since (by a fetch beside it). Queries scan the shards not indexed yet.
#pragma once
#include <chrono>
#include <thread>

#include "verifier/store.h"

namespace utxo::verifier {

class IndexBuilder {
public:
    IndexBuilder(Store& store, std::chrono::milliseconds poll);
    ~IndexBuilder();  // stops the thread (at the next shard) and joins it
    IndexBuilder(const IndexBuilder&) = delete;
    IndexBuilder& operator=(const IndexBuilder&) = delete;

private:
    std::jthread thread_;
};

}  // namespace utxo::verifier

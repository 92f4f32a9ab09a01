// StagedChecker's worker: check, start writeback, fdatasync a little later.
#include "verifier/staged_checker.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "verifier/log.h"
#include "verifier/shard_check.h"

namespace utxo::verifier {

StagedChecker::StagedChecker(const core::Manifest& m, std::filesystem::path stage_dir)
    : manifest_(m), stage_(std::move(stage_dir)), worker_([this] { run(); }) {}

StagedChecker::~StagedChecker() {
    {
        std::lock_guard lock(mutex_);
        abandon_ = true;
    }
    wake_.notify_all();
    if (worker_.joinable()) worker_.join();
}

void StagedChecker::submit(std::uint32_t shard) {
    if (shard >= manifest_.shard_count) return;  // not a shard of this release: install decides
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(shard);
    }
    wake_.notify_one();
}

EarlyChecks StagedChecker::finish() {
    {
        std::lock_guard lock(mutex_);
        finishing_ = true;
    }
    wake_.notify_all();
    if (worker_.joinable()) worker_.join();
    return std::move(done_);
}

void StagedChecker::run() {
    EarlyChecks checked_files;
    double check_s = 0;
    for (;;) {
        std::uint32_t shard = 0;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return abandon_ || finishing_ || !queue_.empty(); });
            if (abandon_ || (queue_.empty() && finishing_)) break;
            shard = queue_.front();
            queue_.pop_front();
        }
        auto c0 = std::chrono::steady_clock::now();
        auto checked = check_shard_file(shard_path(stage_, shard), manifest_, shard);
        if (!checked) {
            log().debug("early check of shard {}: {} (install checks it again)", shard,
                        checked.error().message);
            continue;
        }
        // Start writing the file back now, so that install's syncfs has little left to wait for.
        // (An fdatasync per file here would commit the journal once per file: ~2.5 ms each.)
        ::sync_file_range(checked->fd.fd, 0, 0, SYNC_FILE_RANGE_WRITE);
        check_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - c0).count();
        checked_files.emplace(shard, checked->stamp);
    }
    log().debug("early checks: {} files in {:.2f} s", checked_files.size(), check_s);
    std::lock_guard lock(mutex_);
    done_ = std::move(checked_files);
}

}  // namespace utxo::verifier

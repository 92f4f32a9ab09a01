// Checks staged shard files while the rest of the release still downloads, so that after the
// download only the last few files are left to read and make durable.
//
// fetch submits a shard as soon as libtorrent reports its file complete (every piece passed the
// torrent's SHA-1 check and was written). A worker thread checks the file exactly as install
// would (size, header, SHA-256 against the signed manifest) and starts its writeback at once
// (sync_file_range), so install's one syncfs finds little left to write. Files that pass are
// handed to Store::install with their FileStamp; install trusts such a file only if its stamp is
// unchanged, and checks every other file itself. A file that fails here is only logged: install
// reads it again and reports it.
//
// Nothing is recorded on disk: after a crash the next install checks every file again, so crash
// safety is exactly install's.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/manifest.h"
#include "verifier/store.h"

namespace utxo::verifier {

class StagedChecker {
public:
    // `m` must outlive the checker. Files are looked up as shard_path(stage_dir, index).
    StagedChecker(const core::Manifest& m, std::filesystem::path stage_dir);
    // Stops after the file being checked, dropping the rest (their install checks them).
    ~StagedChecker();
    StagedChecker(const StagedChecker&) = delete;
    StagedChecker& operator=(const StagedChecker&) = delete;

    // Queues a shard for checking; never blocks on the check.
    void submit(std::uint32_t shard);
    // Checks everything queued, stops the worker and returns the files that passed. Call once.
    EarlyChecks finish();

private:
    void run();

    const core::Manifest& manifest_;
    const std::filesystem::path stage_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::uint32_t> queue_;
    bool finishing_ = false;
    bool abandon_ = false;
    EarlyChecks done_;
    std::thread worker_;
};

}  // namespace utxo::verifier

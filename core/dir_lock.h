// One writer per directory: an exclusive flock(2) on DIR/lock, which also records the holder's
// PID so that a second writer can say who holds it. Every command that writes a store or a releases
// directory takes it first (the indexer's run, build, import-core and release; the verifier's fetch
// and install).
//
// flock locks belong to an open file description, so the kernel releases the lock when the holder
// exits or is killed, however it ends: there is no stale lock to clean up. The PID written into the
// file is only for the message; a file left behind by a dead holder is simply locked again.
//
// Within one process the lock is re-entrant: taking it again for a directory this process already
// holds shares the existing hold (a fetch holds the store's lock and its install takes it again).
#pragma once
#include <filesystem>
#include <memory>

#include "core/error.h"

namespace utxo::core {

class DirLock {
public:
    enum class Wait { no, yes };
    // Creates DIR (and DIR/lock) if missing, then locks it. With Wait::no a lock held by another
    // process fails at once with Errc::io (exit 2) and the message "DIR: in use by another process
    // (PID n); ..." (the PID is "unknown" if the holder has not written it yet).
    [[nodiscard]] static Result<DirLock> take(const std::filesystem::path& dir, Wait wait = Wait::no);

    DirLock(DirLock&&) noexcept = default;
    DirLock& operator=(DirLock&&) noexcept = default;
    ~DirLock();

    struct Held;  // the open, locked file; shared by every DirLock of this process on that file

private:
    explicit DirLock(std::shared_ptr<Held> held) : held_(std::move(held)) {}
    std::shared_ptr<Held> held_;
};

// The name of the lock file inside a locked directory.
inline constexpr char kDirLockFile[] = "lock";

}  // namespace utxo::core

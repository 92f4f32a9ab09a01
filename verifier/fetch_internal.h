// Pieces of `fetch` shared between its source files (not a public interface).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/error.h"
#include "core/manifest.h"
#include "verifier/fetch.h"
#include "verifier/fetch_discover.h"
#include "verifier/fetch_torrent.h"
#include "verifier/forward.h"
#include "verifier/store.h"

namespace utxo::verifier {

enum class Part { shards, patches };

// A release torrent checked against the signed manifest, with every peer hint the offers give.
struct ReleaseTorrent {
    std::string bytes;
    net::TorrentContents facts;
    std::vector<HostPort> peers;
};

// The first .torrent among the offers whose v1 infohash is the manifest's (torrents.shards or
// torrents.patches) and whose files are exactly the manifest's files, in order, with their sizes.
// Errc::not_found when no offer has one (each rejected file is logged with its reason).
// Offers without a .torrent URL (DHT pointers) make it ask `swarm` for the signed infohash's
// metadata (BEP 9) when no served file was usable.
[[nodiscard]] core::Result<ReleaseTorrent> release_torrent(const std::vector<Offer>& offers,
                                                           const core::Manifest& m, Part part,
                                                           Swarm* swarm = nullptr,
                                                           const std::atomic<bool>* stop = nullptr);
// A torrent's facts against the manifest: the signed v1 infohash, no v2, the manifest's files.
[[nodiscard]] core::Status check_release_torrent(const net::TorrentContents& facts, const core::Manifest& m,
                                                 Part part);

// Downloads `files` (indices into the torrent) into Store::staging_dir(m), with a progress line
// when asked. Returns the payload bytes downloaded. `file_completed` (optional) is told each file
// index as soon as that file is complete on disk.
[[nodiscard]] core::Result<std::uint64_t> download_into_staging(
    Swarm& swarm, Store& store, const core::Manifest& m, const ReleaseTorrent& t,
    const std::vector<std::uint32_t>& files, const FetchOptions& o, const std::atomic<bool>& stop,
    std::function<void(int)> file_completed = {});

// What move_forward did: moved the store (the bytes downloaded for it), or found that patches
// cannot do it here, and why (the caller then fetches the shards instead).
struct MovedForward {
    std::uint64_t downloaded = 0;
    std::size_t steps = 1;  // releases passed through (a patch chain's, move_along)
    // move_along: why the chain stopped before the newest release (the store holds the last release
    // it reached); empty when it got there.
    std::string stopped;
};
using ForwardOutcome = std::variant<MovedForward, CannotMoveForward>;

// Moves the store from `cur` to the accepted release with the patches of the held shards,
// downloading only those patch files, then forward() verifies and installs. CannotMoveForward
// when the patches start elsewhere, there is no patches torrent, a wanted shard is not held, or
// the patches do not apply; any other failure (the download, the install) is an error.
[[nodiscard]] core::Result<ForwardOutcome> move_forward(Swarm& swarm, Store& store, const Accepted& a,
                                                        const Installed& cur,
                                                        const std::vector<std::uint32_t>& shards, bool full,
                                                        const FetchOptions& o, const std::atomic<bool>& stop);

// A patch chain: the accepted releases from the one after the installed release up to the newest,
// oldest first, each patching from the one before, and what its patches weigh against the newest
// release's shards (both for the wanted shards only).
struct PatchChain {
    std::vector<Accepted> steps;
    std::uint64_t patch_bytes = 0;
    std::uint64_t shard_bytes = 0;
};
using ChainOutcome = std::variant<PatchChain, CannotMoveForward>;
inline constexpr std::size_t kMaxPatchSteps = 64;

// The release the trustnet accepts at the newest offered height at or below `at_most` (above the
// installed one), or nullopt when none is.
using FindRelease = std::function<core::Result<std::optional<Accepted>>(core::Height at_most)>;

// Walks back from `newest` through its patches' starting releases, each found with `find` and
// required to be exactly the release (height and block) the next one patches from, until the
// installed release. CannotMoveForward when a release in between is not accepted (or not offered),
// the chain is longer than kMaxPatchSteps, the wanted shards are not the held ones, or its patches
// are not fewer bytes than the new shards. Errors are `find`'s trouble.
[[nodiscard]] core::Result<ChainOutcome> find_patch_chain(const Accepted& newest, const Installed& cur,
                                                          const std::vector<std::uint32_t>& shards, bool full,
                                                          const FindRelease& find);

// Moves the store through the chain, one move_forward per release, each installed (and so verified
// against its own signed manifest) before the next: a crash leaves the store at the last release
// it reached. CannotMoveForward when the first step cannot be taken; a later step that cannot is
// MovedForward with `stopped` set. Says "moved forward with patches to height H (k of n)" per step
// of a chain longer than one.
[[nodiscard]] core::Result<ForwardOutcome> move_along(Swarm& swarm, Store& store, const PatchChain& chain,
                                                      const std::vector<std::uint32_t>& shards, bool full,
                                                      const FetchOptions& o, const std::atomic<bool>& stop,
                                                      const Say& say);

}  // namespace utxo::verifier

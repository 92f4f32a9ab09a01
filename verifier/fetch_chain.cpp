// Patch chains: a store several releases behind moves forward release by release with the patches
// of the shards it holds, when every release in between is offered and accepted by the trustnet
// and all those patches are fewer bytes than the new release's shards.
#include <fmt/format.h>

#include <algorithm>

#include "verifier/fetch_internal.h"
#include "verifier/log.h"

namespace utxo::verifier {

namespace {

// What BitTorrent downloads for these files of a torrent: every piece they overlap, whole (a piece
// is the unit of verification), so a few small files cost at least a piece each.
std::uint64_t covered_bytes(const std::vector<std::uint64_t>& sizes, const std::vector<std::uint32_t>& wanted,
                            std::uint64_t piece_size) {
    std::uint64_t total = 0;
    for (auto s : sizes) total += s;
    std::vector<std::uint64_t> start(sizes.size() + 1, 0);
    for (std::size_t i = 0; i < sizes.size(); ++i) start[i + 1] = start[i] + sizes[i];
    std::uint64_t bytes = 0;
    std::uint64_t next_piece = 0;  // pieces below this are counted already (wanted is sorted)
    for (auto i : wanted) {
        if (i >= sizes.size() || sizes[i] == 0) continue;
        std::uint64_t first = std::max(start[i] / piece_size, next_piece);
        const std::uint64_t last = (start[i + 1] - 1) / piece_size;
        for (std::uint64_t p = first; p <= last; ++p) bytes += std::min(piece_size, total - p * piece_size);
        next_piece = std::max(next_piece, last + 1);
    }
    return bytes;
}

std::uint64_t patch_bytes(const core::Manifest& m, const std::vector<std::uint32_t>& shards) {
    std::vector<std::uint64_t> sizes;
    for (const auto& f : m.patches->files) sizes.push_back(f.bytes);
    return covered_bytes(sizes, shards, m.piece_size);
}

std::uint64_t shard_bytes(const core::Manifest& m, const std::vector<std::uint32_t>& shards) {
    std::vector<std::uint64_t> sizes;
    for (const auto& f : m.shards) sizes.push_back(f.bytes);
    return covered_bytes(sizes, shards, m.piece_size);
}

// Why the step into `m` cannot follow a store at `from` holding `shards`, or empty.
std::string step_unusable(const core::Manifest& m, const core::Manifest& from) {
    if (!m.patches || !m.patches_infohash) return fmt::format("release {} has no patches", m.height.value);
    if (m.network != from.network || m.shard_count != from.shard_count)
        return fmt::format("release {} has another network or shard count than release {}", m.height.value,
                           from.height.value);
    return {};
}

}  // namespace

core::Result<ChainOutcome> find_patch_chain(const Accepted& newest, const Installed& cur,
                                            const std::vector<std::uint32_t>& shards, bool full,
                                            const FindRelease& find) {
    if (shards != cur.shards || full != cur.full)
        return CannotMoveForward{"the wanted shards are not the held ones"};
    const auto& from = cur.manifest;
    PatchChain chain;
    chain.steps.push_back(newest);
    for (;;) {
        const core::Manifest& m = chain.steps.front().manifest;
        if (auto why = step_unusable(m, from); !why.empty()) return CannotMoveForward{why};
        const auto& p = *m.patches;
        if (p.from_height == from.height) {
            if (p.from_block != from.block)
                return CannotMoveForward{fmt::format("release {} patches from another block at height {}",
                                                     m.height.value, from.height.value)};
            break;
        }
        if (p.from_height < from.height)
            return CannotMoveForward{fmt::format("release {} patches from height {}, below the installed {}",
                                                 m.height.value, p.from_height.value, from.height.value)};
        if (chain.steps.size() >= kMaxPatchSteps)
            return CannotMoveForward{fmt::format(
                "more than {} releases lie between the installed one and the new one", kMaxPatchSteps)};
        UTXO_TRY_ASSIGN(auto between, find(p.from_height));
        if (!between || between->manifest.height != p.from_height)
            return CannotMoveForward{
                fmt::format("release {} patches from height {}, which is not offered and "
                            "accepted by the trustnet",
                            m.height.value, p.from_height.value)};
        if (between->manifest.block != p.from_block)
            return CannotMoveForward{fmt::format(
                "release {} patches from block {} at height {}, but the release accepted there is block {}",
                m.height.value, p.from_block.to_display_hex(), p.from_height.value,
                between->manifest.block.to_display_hex())};
        chain.steps.insert(chain.steps.begin(), std::move(*between));
    }
    for (const auto& step : chain.steps) chain.patch_bytes += patch_bytes(step.manifest, shards);
    chain.shard_bytes = shard_bytes(newest.manifest, shards);
    if (chain.patch_bytes >= chain.shard_bytes)
        return CannotMoveForward{fmt::format(
            "the patches of {} release(s) are {} bytes, not fewer than the {} bytes of the new shards",
            chain.steps.size(), chain.patch_bytes, chain.shard_bytes)};
    return chain;
}

core::Result<ForwardOutcome> move_along(Swarm& swarm, Store& store, const PatchChain& chain,
                                        const std::vector<std::uint32_t>& shards, bool full,
                                        const FetchOptions& o, const std::atomic<bool>& stop,
                                        const Say& say) {
    MovedForward total{0, 0, {}};
    for (const auto& step : chain.steps) {
        UTXO_TRY_ASSIGN(auto cur, store.installed());
        if (!cur) return CannotMoveForward{"nothing is installed"};
        UTXO_TRY_ASSIGN(auto moved, move_forward(swarm, store, step, *cur, shards, full, o, stop));
        if (auto* why = std::get_if<CannotMoveForward>(&moved)) {
            if (total.steps == 0) return std::move(*why);
            total.stopped = std::move(why->reason);  // the store holds the last release it reached
            return total;
        }
        total.downloaded += std::get<MovedForward>(moved).downloaded;
        ++total.steps;
        if (chain.steps.size() > 1)
            say(fmt::format("moved forward with patches to height {} ({} of {})", step.manifest.height.value,
                            total.steps, chain.steps.size()));
    }
    return total;
}

}  // namespace utxo::verifier

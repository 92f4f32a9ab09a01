// evaluate_height: one SignedManifest per distinct manifest (the signatures of all its copies
// together), each judged once against the others by core::evaluate_agreement.
#include "verifier/fetch_evaluate.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/printable.h"
#include "verifier/log.h"

namespace utxo::verifier {

namespace {

struct Groups {
    std::vector<const std::string*> keys;     // the shared manifest object of each group
    std::vector<core::SignedManifest> items;  // one copy of its bytes, every copy's signatures
};

Groups group_copies(const std::vector<const Offer*>& offers, const std::vector<OfferFiles>& files) {
    Groups g;
    for (std::size_t k = 0; k < files.size(); ++k) {
        const auto* bytes = files[k].manifest.get();
        if (!bytes) continue;
        auto at = std::find(g.keys.begin(), g.keys.end(), bytes);
        if (at == g.keys.end()) {
            g.keys.push_back(bytes);
            g.items.push_back({offers[k]->origin(), *bytes, {}});
            at = g.keys.end() - 1;
        }
        auto& sigs = g.items[static_cast<std::size_t>(at - g.keys.begin())].signatures;
        sigs.insert(sigs.end(), files[k].signatures.begin(), files[k].signatures.end());
    }
    return g;
}

// The rule for group d against all the other groups, moved in and out rather than copied.
core::Verdict judge(const core::Trustnet& tn, const Offer& at, Groups& g, std::size_t d,
                    std::optional<core::Height> installed) {
    core::Release release{at.network, at.height, std::move(g.items[d]), {}};
    for (std::size_t i = 0; i < g.items.size(); ++i)
        if (i != d) release.others.push_back(std::move(g.items[i]));
    auto verdict = core::evaluate_agreement(tn, release, installed);
    g.items[d] = std::move(release.candidate);
    for (std::size_t i = 0, j = 0; i < g.items.size(); ++i)
        if (i != d) g.items[i] = std::move(release.others[j++]);
    for (const auto& ig : verdict.ignored) log().info("not counted: {}", core::printable(ig.reason));
    return verdict;
}

}  // namespace

HeightResult evaluate_height(const core::Trustnet& tn, const std::vector<const Offer*>& offers,
                             const std::vector<OfferFiles>& files, std::optional<core::Height> installed) {
    const Offer& at = *offers.front();
    HeightResult out;
    out.verdict.refusal = core::Refusal::missing_signatures;
    out.verdict.message = fmt::format(
        "no manifest for {} height {} with a signature file of a trustnet key could be downloaded",
        core::network_name(at.network), at.height.value);
    Groups g = group_copies(offers, files);
    for (std::size_t d = 0; d < g.items.size(); ++d) {
        auto verdict = judge(tn, at, g, d, installed);
        if (verdict.refusal == core::Refusal::conflict) return {std::nullopt, std::move(verdict)};
        if (!verdict.accepted() || out.accepted) {
            if (!out.accepted) out.verdict = std::move(verdict);
            continue;
        }
        auto manifest = core::decode_manifest(g.items[d].manifest);
        if (!manifest) {
            out.verdict = {core::Refusal::bad_manifest,
                           fmt::format("{}: {}", g.items[d].origin, manifest.error().message),
                           {},
                           {}};
            continue;
        }
        Accepted a{g.items[d].manifest, std::move(*manifest), verdict, {}};
        for (std::size_t k = 0; k < files.size(); ++k)
            if (files[k].manifest.get() == g.keys[d]) a.offers.push_back(*offers[k]);
        out.verdict = std::move(verdict);
        out.accepted = std::move(a);
    }
    return out;
}

}  // namespace utxo::verifier

// The agreement rule over what discovery gathered for one height (not a public interface).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/agreement.h"
#include "core/bounded_json.h"
#include "verifier/fetch_discover.h"

namespace utxo::verifier {

// What one offer's downloads gave: its trustnet keys' signature files, and its manifest, the same
// object for every offer serving identical bytes (so no copy per offer or per candidate).
// The shape a downloaded manifest.json must fit before it is parsed, from a seeder or through the
// DHT: {"shards":[{...}],"patches":{"files":[{...}]}} is 4 levels; 65536 shards with patches are
// ~920,000 values.
inline constexpr core::JsonBounds kManifestBounds{.max_depth = 4, .max_values = 1u << 20};

struct OfferFiles {
    std::vector<core::SignatureFile> signatures;
    std::shared_ptr<const std::string> manifest;  // null: not fetched, unreadable or not kept
    bool done = false;
};

struct HeightResult {
    std::optional<Accepted> accepted;
    core::Verdict verdict;  // the deciding refusal when nothing was accepted
};

// Every distinct manifest offered for one height is a candidate, the others its "others", so
// identical copies add signatures and a different signed manifest is a conflict. `offers` and
// `files` are parallel, all at one height.
HeightResult evaluate_height(const core::Trustnet& tn, const std::vector<const Offer*>& offers,
                             const std::vector<OfferFiles>& files, std::optional<core::Height> installed);

}  // namespace utxo::verifier

// The agreement rule: when a client may accept a release. Verify-only (core/minisign.h); no
// signing code, so the verifier can link it.
//
// Accept only if every configured authority (or K of them under "require K") has a valid
// signature over exactly these manifest bytes, with a trusted comment that describes exactly this
// manifest; each key counts once. A valid signature by a configured authority over a different
// manifest for the same network and height is a conflict and refuses the release whatever the
// policy. Signatures by keys not in the trustnet are ignored and reported. A release on another
// network, or not above the installed height, is refused.
//
// A release's signed time (Verdict::signed_at) is the EARLIEST signed_at among the counted valid
// signatures that carry one (core/minisign.h), each authority's earliest if it signed twice. The
// earliest, not the latest: one authority whose clock is wrong, or who re-signs an old release,
// cannot make a stale release look fresh; and the first signature is the closest to the data's own
// time. Signatures without the field (made before it existed) add nothing: a release only they sign
// has an unknown time.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/network.h"
#include "core/trustnet_file.h"
#include "core/types.h"

namespace utxo::core {

struct SignatureFile {
    std::string origin;  // file path or URL, used in messages
    std::string bytes;
};

struct SignedManifest {
    std::string origin;  // where manifest.json came from
    std::string manifest;
    std::vector<SignatureFile> signatures;
};

struct Release {
    Network network;  // as offered (by a seeder's index, a directory, ...)
    Height height;
    SignedManifest candidate;
    // Other manifests seen for the same network and height, with their signatures, so that a
    // disagreement is found. One with the same bytes as the candidate adds its signatures.
    std::vector<SignedManifest> others;
};

enum class Refusal {
    none,                  // accepted
    no_authorities,        // the trustnet lists nobody
    unsatisfiable_policy,  // require K with fewer than K authorities
    wrong_network,
    bad_manifest,        // not a manifest, or it contradicts the offered network/height
    rollback,            // not above the installed height
    conflict,            // a configured authority signed a different manifest for this height
    invalid_signature,   // too few valid signatures, and some configured key's signature failed
    comment_mismatch,    // too few valid signatures, and some trusted comment does not match
    missing_signatures,  // too few valid signatures, nothing else wrong
};

struct Ignored {
    std::string origin;
    std::string reason;
};

struct Verdict {
    Refusal refusal = Refusal::none;
    std::string message;  // one sentence: why refused, or what was accepted
    // Authorities whose valid signatures were counted, trustnet order (a refusal too: who signed).
    std::vector<std::string> signers;
    std::vector<Ignored> ignored;  // signatures not counted: unknown keys, duplicates, failures
    // The earliest signed_at (unix seconds) of the signatures counted in `signers` that carry one;
    // nullopt when none does. Set whenever `signers` is, so a refusal for too few signatures says
    // when the ones it has were made (how long a release has been waiting); unset for the
    // refusals decided before the signatures are counted (conflict included).
    std::optional<std::int64_t> signed_at = std::nullopt;
    bool accepted() const { return refusal == Refusal::none; }
};

Verdict evaluate_agreement(const Trustnet& trustnet, const Release& release,
                           std::optional<Height> installed_height);

std::string_view refusal_name(Refusal refusal);

}  // namespace utxo::core

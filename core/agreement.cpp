#include "core/agreement.h"

#include <fmt/format.h>

#include "core/minisign.h"
#include "core/sha256.h"

namespace utxo::core {

namespace {
// What one signature file says about one manifest.
struct Check {
    enum Kind { unreadable, unknown_key, invalid, comment_mismatch, valid } kind;
    const Authority* authority = nullptr;
    std::string reason;
    std::string trusted_comment;
    std::optional<std::int64_t> signed_at;  // of a valid signature's statement
};

// A signature not counted, and why.
Check not_counted(Check::Kind kind, const Authority* authority, std::string reason) {
    return {kind, authority, std::move(reason), {}, {}};
}

// actual == nullptr skips the trusted-comment comparison (used for other manifests).
Check check_signature(const Trustnet& tn, const SignatureFile& file, std::string_view manifest,
                      const ReleaseStatement* actual) {
    auto sig = parse_signature_file(file.bytes);
    if (!sig)
        return not_counted(Check::unreadable, nullptr,
                           fmt::format("{}: {}", file.origin, sig.error().message));
    const Authority* a = tn.find(sig->id);
    if (a == nullptr)
        return not_counted(Check::unknown_key, nullptr,
                           fmt::format("{}: key {} is not in the trustnet", file.origin, sig->id.to_hex()));
    if (auto ok = verify_signature(a->key, *sig, as_bytes(manifest)); !ok)
        return not_counted(Check::invalid, a,
                           fmt::format("{}: {} ({})", file.origin, ok.error().message, a->name));
    std::optional<std::int64_t> signed_at;
    if (actual != nullptr) {
        auto claimed = parse_trusted_comment(sig->trusted_comment);
        if (!claimed)
            return not_counted(Check::comment_mismatch, a,
                               fmt::format("{}: {} ({})", file.origin, claimed.error().message, a->name));
        if (auto diff = statement_difference(*claimed, *actual); !diff.empty())
            return not_counted(Check::comment_mismatch, a,
                               fmt::format("{}: trusted comment does not match the manifest: {} ({})",
                                           file.origin, diff, a->name));
        signed_at = claimed->signed_at;
    }
    return {Check::valid, a, {}, sig->trusted_comment, signed_at};
}

struct Tally {
    std::vector<bool> valid;                // per authority, trustnet order
    std::vector<std::optional<Check>> bad;  // first failure per authority
    std::optional<std::string> unreadable;  // first signature file that could not be parsed
    std::optional<std::int64_t> signed_at;  // the earliest of the valid signatures
};

std::size_t index_of(const Trustnet& tn, const Authority* a) {
    return static_cast<std::size_t>(a - tn.authorities.data());
}

Tally tally(const Trustnet& tn, const std::vector<const SignatureFile*>& files, std::string_view manifest,
            const ReleaseStatement& actual, std::vector<Ignored>& ignored) {
    Tally t{std::vector<bool>(tn.authorities.size()),
            std::vector<std::optional<Check>>(tn.authorities.size()),
            {},
            {}};
    for (const SignatureFile* f : files) {
        auto c = check_signature(tn, *f, manifest, &actual);
        if (c.kind == Check::unreadable && !t.unreadable) t.unreadable = c.reason;
        if (c.kind != Check::valid) {
            ignored.push_back({f->origin, c.reason});
            if (c.authority != nullptr && !t.bad[index_of(tn, c.authority)])
                t.bad[index_of(tn, c.authority)] = c;
            continue;
        }
        auto i = index_of(tn, c.authority);
        // A second signature by the same key is not counted again, but its time is: the earliest.
        if (c.signed_at && (!t.signed_at || *c.signed_at < *t.signed_at)) t.signed_at = c.signed_at;
        if (t.valid[i])
            ignored.push_back(
                {f->origin, fmt::format("second signature by {}, counted once", c.authority->name)});
        t.valid[i] = true;
    }
    return t;
}

std::string names(const Trustnet& tn, const std::vector<bool>& pick, bool value) {
    std::string out;
    for (std::size_t i = 0; i < tn.authorities.size(); ++i)
        if (pick[i] == value) out += (out.empty() ? "" : ", ") + tn.authorities[i].name;
    return out.empty() ? "none" : out;
}

std::string short_hex(const Sha256Digest& digest) { return digest.to_hex().substr(0, 16) + "…"; }

// A valid signature by a configured authority over other bytes that claim the same slot.
std::optional<std::string> find_conflict(const Trustnet& tn, const Release& r, const ReleaseStatement& actual,
                                         const Tally& t) {
    for (const auto& other : r.others) {
        if (other.manifest == r.candidate.manifest) continue;
        auto other_statement = statement_for_manifest(as_bytes(other.manifest));
        for (const auto& f : other.signatures) {
            auto c = check_signature(tn, f, other.manifest, nullptr);
            if (c.kind != Check::valid) continue;
            auto claimed = parse_trusted_comment(c.trusted_comment);
            auto same_slot = [&](const Result<ReleaseStatement>& s) {
                return s && s->network == actual.network && s->height == actual.height;
            };
            if (!same_slot(other_statement) && !same_slot(claimed)) continue;
            return fmt::format(
                "conflict at {} height {}: manifest sha256 {} from {} is signed by {}, but {} signed "
                "manifest sha256 {} from {}",
                network_name(actual.network), actual.height.value, short_hex(actual.manifest_sha256),
                r.candidate.origin, names(tn, t.valid, true), c.authority->name,
                short_hex(sha256(as_bytes(other.manifest))), other.origin);
        }
    }
    return std::nullopt;
}

Verdict refuse(Verdict v, Refusal why, std::string message) {
    v.refusal = why;
    v.message = std::move(message);
    return v;
}

// Too few valid signatures: say how many, who is missing, and the first reason one failed.
Verdict refuse_count(Verdict v, const Trustnet& tn, const Tally& t, std::size_t count,
                     std::string_view what) {
    std::string need = tn.require_k
                           ? fmt::format("{} of {} authorities", *tn.require_k, tn.authorities.size())
                           : fmt::format("all {} authorities", tn.authorities.size());
    std::string msg = fmt::format("{} refused: it needs signatures from {} and has {} (missing: {})", what,
                                  need, count, names(tn, t.valid, false));
    for (std::size_t i = 0; i < tn.authorities.size(); ++i) {
        if (t.valid[i] || !t.bad[i]) continue;
        auto why = t.bad[i]->kind == Check::comment_mismatch ? Refusal::comment_mismatch
                                                             : Refusal::invalid_signature;
        return refuse(std::move(v), why, fmt::format("{}; {}", msg, t.bad[i]->reason));
    }
    if (t.unreadable)
        return refuse(std::move(v), Refusal::invalid_signature, fmt::format("{}; {}", msg, *t.unreadable));
    return refuse(std::move(v), Refusal::missing_signatures, msg);
}
}  // namespace

Verdict evaluate_agreement(const Trustnet& tn, const Release& r, std::optional<Height> installed_height) {
    Verdict v;
    std::string what = fmt::format("release {} height {}", network_name(r.network), r.height.value);
    if (tn.authorities.empty())
        return refuse(v, Refusal::no_authorities,
                      "the trustnet lists no authorities, so no release can be accepted");
    if (tn.required() > tn.authorities.size())
        return refuse(v, Refusal::unsatisfiable_policy,
                      fmt::format("the trustnet requires {} signatures but lists only {} authorities",
                                  tn.required(), tn.authorities.size()));
    if (r.network != tn.network)
        return refuse(v, Refusal::wrong_network,
                      fmt::format("{} refused: it is for network {} but the trustnet is for {}", what,
                                  network_name(r.network), network_name(tn.network)));
    auto actual = statement_for_manifest(as_bytes(r.candidate.manifest));
    if (!actual)
        return refuse(v, Refusal::bad_manifest,
                      fmt::format("{}: {}", r.candidate.origin, actual.error().message));
    if (actual->network != r.network || actual->height != r.height)
        return refuse(
            v, Refusal::bad_manifest,
            fmt::format("{}: the manifest is for {} height {}, not for the offered {}", r.candidate.origin,
                        network_name(actual->network), actual->height.value, what));
    if (installed_height && r.height <= *installed_height)
        return refuse(v, Refusal::rollback,
                      fmt::format("{} refused: it is not above the installed height {}", what,
                                  installed_height->value));

    std::vector<const SignatureFile*> files;  // the candidate's, plus those of identical copies
    for (const auto& f : r.candidate.signatures) files.push_back(&f);
    for (const auto& o : r.others)
        if (o.manifest == r.candidate.manifest)
            for (const auto& f : o.signatures) files.push_back(&f);
    auto t = tally(tn, files, r.candidate.manifest, *actual, v.ignored);
    if (auto conflict = find_conflict(tn, r, *actual, t)) return refuse(v, Refusal::conflict, *conflict);

    std::size_t count = 0;
    for (bool ok : t.valid) count += ok;
    for (std::size_t i = 0; i < tn.authorities.size(); ++i)  // counted, refused or not
        if (t.valid[i]) v.signers.push_back(tn.authorities[i].name);
    v.signed_at = t.signed_at;
    if (count < tn.required()) return refuse_count(std::move(v), tn, t, count, what);
    v.message =
        fmt::format("{} accepted: signed by {} ({} required)", what, names(tn, t.valid, true), tn.required());
    return v;
}

std::string_view refusal_name(Refusal refusal) {
    switch (refusal) {
        case Refusal::none:
            return "accepted";
        case Refusal::no_authorities:
            return "no_authorities";
        case Refusal::unsatisfiable_policy:
            return "unsatisfiable_policy";
        case Refusal::wrong_network:
            return "wrong_network";
        case Refusal::bad_manifest:
            return "bad_manifest";
        case Refusal::rollback:
            return "rollback";
        case Refusal::conflict:
            return "conflict";
        case Refusal::invalid_signature:
            return "invalid_signature";
        case Refusal::comment_mismatch:
            return "comment_mismatch";
        case Refusal::missing_signatures:
            return "missing_signatures";
    }
    return "unknown";
}

}  // namespace utxo::core

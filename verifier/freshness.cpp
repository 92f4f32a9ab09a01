// freshness(): the installed release's age by its signed time, against max-age.
#include "verifier/freshness.h"

#include "core/release_age.h"

namespace utxo::verifier {

Freshness freshness(const Installed& cur, const core::Trustnet* trustnet, std::int64_t now) {
    Freshness f;
    f.signed_at = cur.signed_at;
    if (cur.signed_at) f.age_seconds = now - *cur.signed_at;
    if (trustnet && trustnet->max_age) {
        f.max_age_seconds = trustnet->max_age->count();
        f.alarm = core::too_old(*trustnet, cur.signed_at, now);
    }
    return f;
}

}  // namespace utxo::verifier

// The freeze alarm on the client side: how old the installed release is by its signed time
// (Installed::signed_at: the earliest signing time among the signatures the rule counted), and
// whether that is more than the trustnet's `max-age` (core/release_age.h). fetch and follow use it
// after each round (the store then holds the newest release the trustnet accepts), status when
// given the trustnet.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/trustnet_file.h"
#include "verifier/store.h"

namespace utxo::verifier {

struct Freshness {
    std::optional<std::int64_t> signed_at;        // unix seconds, when the signatures state it
    std::optional<std::int64_t> age_seconds;      // now - signed_at
    std::optional<std::int64_t> max_age_seconds;  // the trustnet's max-age, if any
    std::optional<std::string> alarm;             // "the newest accepted release was signed ... ago, ..."
};

// `trustnet` null: the age only, no alarm.
Freshness freshness(const Installed& cur, const core::Trustnet* trustnet, std::int64_t now);

}  // namespace utxo::verifier

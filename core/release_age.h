// The freeze alarm (docs/trustnet.md, "max-age"): is the newest release a trustnet accepts older than
// the trustnet allows? Pure functions of the trustnet, the release's signed time (core::Verdict's
// signed_at: the earliest signing time among its counted signatures) and the current time, so the
// client decides what to say and which exit code it means, and tests need no clock.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/trustnet_file.h"

namespace utxo::core {

// The one-line problem when the trustnet has a max-age and the release is older than it
// (now - signed_at > max_age), or when its signed time is unknown (a release signed only by
// signatures without signed_at: under a max-age policy an age that cannot be checked fails, it
// does not pass):
//   "the newest accepted release was signed 3 d 4 h ago (2024-05-01T12:00:00Z), more than the
//    trustnet's max-age 2d"
//   "the newest accepted release carries no signing time, so its age cannot be checked against
//    max-age 2d"
// nullopt when fine: no max-age, or an age within it (a release signed "in the future", by a clock
// ahead of ours, is within it).
std::optional<std::string> too_old(const Trustnet& trustnet, std::optional<std::int64_t> signed_at,
                                   std::int64_t now);

// A duration for people, at most two units: "45 s", "12 min 5 s", "2 h", "5 h 2 min", "3 d 4 h".
// A negative duration gets a leading "-".
std::string format_duration(std::int64_t seconds);

// A signing time in UTC, ISO 8601: "2024-05-01T12:00:00Z". For 0 to kMaxSignedAt (core/minisign.h);
// anything else prints as the number of seconds, "@<t>".
std::string format_utc(std::int64_t unix_seconds);

// The current unix time in seconds (the system clock): what callers pass as `now`.
std::int64_t unix_now();

}  // namespace utxo::core

// The freeze alarm's arithmetic and wording (core/release_age.h).
#include "core/release_age.h"

#include <fmt/format.h>

#include <chrono>
#include <limits>

#include "core/minisign.h"

namespace utxo::core {

std::optional<std::string> too_old(const Trustnet& tn, std::optional<std::int64_t> signed_at,
                                   std::int64_t now) {
    if (!tn.max_age) return std::nullopt;
    const auto limit = format_max_age(*tn.max_age);
    if (!signed_at)
        return fmt::format(
            "the newest accepted release carries no signing time, so its age cannot be checked against "
            "max-age {}",
            limit);
    // Both are bounded (signed_at by kMaxSignedAt, now by the clock), so the difference cannot overflow.
    const std::int64_t age = now - *signed_at;
    if (age <= tn.max_age->count()) return std::nullopt;
    return fmt::format(
        "the newest accepted release was signed {} ago ({}), more than the trustnet's max-age {}",
        format_duration(age), format_utc(*signed_at), limit);
}

std::string format_duration(std::int64_t seconds) {
    if (seconds < 0) {
        const auto magnitude = seconds == std::numeric_limits<std::int64_t>::min()
                                   ? std::numeric_limits<std::int64_t>::max()
                                   : -seconds;
        return fmt::format("-{}", format_duration(magnitude));
    }
    struct Unit {
        std::int64_t size;
        const char* name;
    };
    static constexpr Unit kUnits[] = {{86400, "d"}, {3600, "h"}, {60, "min"}, {1, "s"}};
    for (std::size_t i = 0; i + 1 < std::size(kUnits); ++i) {
        if (seconds < kUnits[i].size) continue;
        const auto major = seconds / kUnits[i].size;
        const auto minor = seconds % kUnits[i].size / kUnits[i + 1].size;
        return minor == 0 ? fmt::format("{} {}", major, kUnits[i].name)
                          : fmt::format("{} {} {} {}", major, kUnits[i].name, minor, kUnits[i + 1].name);
    }
    return fmt::format("{} s", seconds);
}

std::string format_utc(std::int64_t t) {
    if (!valid_signed_at(t)) return fmt::format("@{}", t);
    namespace chr = std::chrono;
    const chr::sys_seconds at{chr::seconds{t}};
    const auto day = chr::floor<chr::days>(at);
    const chr::year_month_day ymd{day};
    const chr::hh_mm_ss hms{at - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace utxo::core

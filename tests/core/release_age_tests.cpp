// core/release_age: the freeze alarm's verdict and wording, with the clock passed in.
#include <catch2/catch.hpp>

#include "core/minisign.h"
#include "core/release_age.h"

using namespace utxo::core;

namespace {
Trustnet with_max_age(std::optional<std::chrono::seconds> age) {
    Trustnet tn;
    tn.max_age = age;
    return tn;
}
constexpr std::int64_t kNow = 1714564800;  // 2024-05-01T12:00:00Z
}  // namespace

TEST_CASE("too_old: no max-age, no alarm, whatever the age or an unknown time") {
    const auto tn = with_max_age(std::nullopt);
    CHECK_FALSE(too_old(tn, std::nullopt, kNow));
    CHECK_FALSE(too_old(tn, 0, kNow));
    CHECK_FALSE(too_old(tn, kNow - 400 * 86400, kNow));
}

TEST_CASE("too_old: within max-age is fine, up to and including the limit") {
    const auto tn = with_max_age(std::chrono::hours(48));
    CHECK_FALSE(too_old(tn, kNow, kNow));
    CHECK_FALSE(too_old(tn, kNow - 3600, kNow));
    CHECK_FALSE(too_old(tn, kNow - 48 * 3600, kNow));  // exactly the limit
    CHECK_FALSE(too_old(tn, kNow + 600, kNow));        // a signer's clock ahead of ours
}

TEST_CASE("too_old: older than max-age says how old, when, and the limit") {
    const auto tn = with_max_age(std::chrono::hours(48));
    auto one_over = too_old(tn, kNow - 48 * 3600 - 1, kNow);
    REQUIRE(one_over);
    CHECK(*one_over ==
          "the newest accepted release was signed 2 d ago (2024-04-29T11:59:59Z), more than the trustnet's "
          "max-age 2d");
    auto stale = too_old(tn, kNow - (3 * 86400 + 4 * 3600), kNow);
    REQUIRE(stale);
    CHECK(
        *stale ==
        "the newest accepted release was signed 3 d 4 h ago (2024-04-28T08:00:00Z), more than the trustnet's "
        "max-age 2d");
    auto minutes = too_old(with_max_age(std::chrono::minutes(90)), kNow - 95 * 60, kNow);
    REQUIRE(minutes);
    CHECK(minutes->ends_with(
        "signed 1 h 35 min ago (2024-05-01T10:25:00Z), more than the trustnet's max-age 90m"));
}

TEST_CASE("too_old: under a max-age, a release with no signing time fails rather than passes") {
    auto unknown = too_old(with_max_age(std::chrono::hours(48)), std::nullopt, kNow);
    REQUIRE(unknown);
    CHECK(*unknown ==
          "the newest accepted release carries no signing time, so its age cannot be checked against max-age "
          "2d");
}

TEST_CASE("format_duration: at most two units, for people") {
    CHECK(format_duration(0) == "0 s");
    CHECK(format_duration(45) == "45 s");
    CHECK(format_duration(60) == "1 min");
    CHECK(format_duration(12 * 60 + 5) == "12 min 5 s");
    CHECK(format_duration(7200) == "2 h");
    CHECK(format_duration(5 * 3600 + 2 * 60 + 59) == "5 h 2 min");
    CHECK(format_duration(86400) == "1 d");
    CHECK(format_duration(3 * 86400 + 4 * 3600 + 59 * 60) == "3 d 4 h");
    CHECK(format_duration(400 * 86400) == "400 d");
    CHECK(format_duration(-90) == "-1 min 30 s");
    CHECK(format_duration(std::numeric_limits<std::int64_t>::min()).starts_with("-"));
}

TEST_CASE("format_utc: ISO 8601 in UTC over the whole signed_at range") {
    CHECK(format_utc(0) == "1970-01-01T00:00:00Z");
    CHECK(format_utc(kNow) == "2024-05-01T12:00:00Z");
    CHECK(format_utc(951782400) == "2000-02-29T00:00:00Z");  // a leap day
    CHECK(format_utc(kMaxSignedAt) == "9999-12-31T23:59:59Z");
    CHECK(format_utc(-1) == "@-1");
    CHECK(format_utc(kMaxSignedAt + 1) == "@253402300800");
}

TEST_CASE("unix_now: the system clock in seconds") {
    const auto now = unix_now();
    CHECK(now > kNow);  // after this test was written
    CHECK(valid_signed_at(now));
}

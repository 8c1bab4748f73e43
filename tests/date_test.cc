// ParseDate: the date forms --keep earliest and index remove --before read.
#include "date.h"

#include <gtest/gtest.h>

#include <string>

namespace refrain::internal {
namespace {

// The instant as RFC 3339 in UTC, "none" if it does not parse.
std::string Utc(std::string_view text) {
  std::optional<absl::Time> t = ParseDate(text);
  return t ? absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", *t, absl::UTCTimeZone())
           : "none";
}

TEST(Date, ParsesTheFormsFeedsWrite) {
  EXPECT_EQ(Utc("2026-11-23T08:59:30Z"), "2026-11-23T08:59:30Z");
  EXPECT_EQ(Utc("2026-11-23T08:59:30.250+03:00"), "2026-11-23T05:59:30Z");
  EXPECT_EQ(Utc("2026-11-23T08:59:30"), "2026-11-23T08:59:30Z");
  EXPECT_EQ(Utc("2026-11-23 08:59:30"), "2026-11-23T08:59:30Z");
  EXPECT_EQ(Utc("2026-11-23 08:59:30 UTC"), "2026-11-23T08:59:30Z");
  EXPECT_EQ(Utc("2026-11-23 08:59:30 +0100"), "2026-11-23T07:59:30Z");
  EXPECT_EQ(Utc("2026-11-23"), "2026-11-23T00:00:00Z");
  // Without seconds: HTML's datetime-local, SQL exports.
  EXPECT_EQ(Utc("2026-11-23T08:59"), "2026-11-23T08:59:00Z");
  EXPECT_EQ(Utc("2026-11-23T08:59Z"), "2026-11-23T08:59:00Z");
  EXPECT_EQ(Utc("2026-11-23T08:59-05:00"), "2026-11-23T13:59:00Z");
  EXPECT_EQ(Utc("2026-11-23 08:59"), "2026-11-23T08:59:00Z");
  EXPECT_EQ(Utc("2026-11-23 08:59 UTC"), "2026-11-23T08:59:00Z");
  // ISO 8601's basic format.
  EXPECT_EQ(Utc("20261122"), "2026-11-22T00:00:00Z");
  EXPECT_EQ(Utc("20261122T085900Z"), "2026-11-22T08:59:00Z");
  EXPECT_EQ(Utc("20261122T085900"), "2026-11-22T08:59:00Z");
  // RFC 1123 and written dates.
  EXPECT_EQ(Utc("Mon, 23 Nov 2026 06:00:00 +0000"), "2026-11-23T06:00:00Z");
  EXPECT_EQ(Utc("Mon, 23 Nov 2026 06:00:00 GMT"), "2026-11-23T06:00:00Z");
  EXPECT_EQ(Utc("Mon, 23 Nov 2026 01:00:00 EST"), "2026-11-23T06:00:00Z");
  EXPECT_EQ(Utc("November 23, 2026"), "2026-11-23T00:00:00Z");
  EXPECT_EQ(Utc("Nov 23, 2026"), "2026-11-23T00:00:00Z");
  EXPECT_EQ(Utc("23 November 2026"), "2026-11-23T00:00:00Z");
  // RFC 1123 without seconds, European and Moscow zones.
  EXPECT_EQ(Utc("Mon, 23 Nov 2026 06:00 GMT"), "2026-11-23T06:00:00Z");
  EXPECT_EQ(Utc("23 Nov 2026 06:00 +0100"), "2026-11-23T05:00:00Z");
  EXPECT_EQ(Utc("Mon, 23 Nov 2026 07:00:00 CET"), "2026-11-23T06:00:00Z");
  EXPECT_EQ(Utc("Sun, 21 Jun 2026 08:00 CEST"), "2026-06-21T06:00:00Z");
  EXPECT_EQ(Utc("Sun, 21 Jun 2026 07:00 BST"), "2026-06-21T06:00:00Z");
  EXPECT_EQ(Utc("Mon, 23 Nov 2026 09:00:00 MSK"), "2026-11-23T06:00:00Z");
  EXPECT_EQ(Utc("Mon, 23 Nov 2026 08:00:00 EEST"), "2026-11-23T05:00:00Z");
  // Written with the weekday, single-digit days.
  EXPECT_EQ(Utc("Friday, January 5, 2024"), "2024-01-05T00:00:00Z");
  EXPECT_EQ(Utc("Fri, Jan 5, 2024"), "2024-01-05T00:00:00Z");
  EXPECT_EQ(Utc("Friday, 5 January 2024"), "2024-01-05T00:00:00Z");
  EXPECT_EQ(Utc("Friday 5 January 2024"), "2024-01-05T00:00:00Z");
  EXPECT_EQ(Utc("January 5, 2024"), "2024-01-05T00:00:00Z");
  // AP style.
  EXPECT_EQ(Utc("Jan. 5, 2024"), "2024-01-05T00:00:00Z");
  EXPECT_EQ(Utc("Sept. 30, 2024"), "2024-09-30T00:00:00Z");
  EXPECT_EQ(Utc("Friday, Jan. 5, 2024"), "2024-01-05T00:00:00Z");
}

TEST(Date, RefusesWhatIsNotADate) {
  EXPECT_EQ(Utc(""), "none");
  EXPECT_EQ(Utc("sometime in November"), "none");
  EXPECT_EQ(Utc("2026-13-01"), "none");
  EXPECT_EQ(Utc("2026-11-23T25:00"), "none");
  EXPECT_EQ(Utc("2026-11-23T08:59 and more"), "none");
  EXPECT_EQ(Utc("1732000000"), "none");  // Unix time is a JSON number.
  EXPECT_EQ(Utc("2026112"), "none");
  EXPECT_EQ(Utc("Jan.. 5, 2024"), "none");
  EXPECT_EQ(Utc("XJan. 5, 2024"), "none");
  EXPECT_EQ(Utc("5 Jan 2024 at 10:00"), "none");
}

}  // namespace
}  // namespace refrain::internal

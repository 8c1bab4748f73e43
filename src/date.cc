#include "date.h"

#include <algorithm>
#include <span>
#include <string>

#include "hash.h"

namespace refrain::internal {
namespace {

// The zone names RFC 1123 dates may end with (RFC 5322 section 4.3: UT and
// GMT, the US zones, and the military Z), as the numeric offsets absl's %z
// reads. RSS pubDate and HTTP dates mostly end in "GMT".
std::string WithNumericZone(std::string_view text) {
  static constexpr std::pair<std::string_view, std::string_view> kZones[] = {
      {" GMT", " +0000"},
      {" UT", " +0000"},
      {" UTC", " +0000"},
      {" Z", " +0000"},
      {" EST", " -0500"},
      {" EDT", " -0400"},
      {" CST", " -0600"},
      {" CDT", " -0500"},
      {" MST", " -0700"},
      {" MDT", " -0600"},
      {" PST", " -0800"},
      {" PDT", " -0700"},
      // Not RFC 822's, but what European and Russian feeds write.
      {" WET", " +0000"},
      {" WEST", " +0100"},
      {" BST", " +0100"},
      {" CET", " +0100"},
      {" CEST", " +0200"},
      {" EET", " +0200"},
      {" EEST", " +0300"},
      {" MSK", " +0300"}};
  for (const auto& [name, offset] : kZones) {
    if (text.ends_with(name)) {
      return std::string(text.substr(0, text.size() - name.size())) +
             std::string(offset);
    }
  }
  return std::string(text);
}

// AP style abbreviates months with a period ("Jan. 5, 2024", "Sept. 5"),
// which %b does not read: the period goes, and "Sept" becomes "Sep".
std::string WithoutMonthPeriods(std::string text) {
  static constexpr std::string_view kMonths[] = {"Jan",  "Feb", "Mar", "Apr",
                                                 "Jun",  "Jul", "Aug", "Sep",
                                                 "Sept", "Oct", "Nov", "Dec"};
  for (std::string_view m : kMonths) {
    for (size_t at = text.find(m); at != std::string::npos;
         at = text.find(m, at + 1)) {
      const size_t dot = at + m.size();
      const bool word_start = at == 0 || text[at - 1] == ' ';
      if (!word_start || dot >= text.size() || text[dot] != '.') continue;
      text.erase(m == "Sept" ? dot - 1 : dot, m == "Sept" ? 2 : 1);
    }
  }
  return text;
}

}  // namespace

std::optional<absl::Time> ParseDate(std::string_view text) {
  // By the text's shape, so that a dump's dates (mostly of one form) are
  // not tried against every other form first: ParseTime reads the whole
  // text or fails, so at most one form of a list matches.
  // ISO 8601's extended format, the date alone first.
  static constexpr const char* kExtended[] = {
      "%Y-%m-%d", "%Y-%m-%d%ET%H:%M:%E*S%Ez", "%Y-%m-%d%ET%H:%M:%E*S",
      "%Y-%m-%d %H:%M:%E*S%Ez", "%Y-%m-%d %H:%M:%E*S", "%Y-%m-%d %H:%M:%E*S %z",
      // Without seconds (HTML's datetime-local, many SQL exports).
      "%Y-%m-%d%ET%H:%M%Ez", "%Y-%m-%d%ET%H:%M", "%Y-%m-%d %H:%M%Ez",
      "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M %z"};
  // ISO 8601's basic format (20261123, 20261123T085900Z), whose fields
  // absl would also read with fewer digits: "2026112" is no date.
  static constexpr const char* kBasic[] = {"%E4Y%m%d", "%E4Y%m%dT%H%M%S%Ez",
                                           "%E4Y%m%dT%H%M%S"};
  static constexpr const char* kWritten[] = {
      "%a, %d %b %E4Y %H:%M:%S %z", "%d %b %E4Y %H:%M:%S %z",
      // RFC 822 makes the seconds optional.
      "%a, %d %b %E4Y %H:%M %z", "%d %b %E4Y %H:%M %z",
      // "November 23, 2026", "Nov 23, 2026", "23 November 2026", with or
      // without the weekday ("Monday, November 23, 2026").
      "%B %d, %Y", "%d %B %Y", "%A, %B %d, %Y", "%A, %d %B %Y", "%A %d %B %Y"};
  if (text.empty()) return std::nullopt;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  const size_t digits =
      std::find_if_not(text.begin(), text.end(), digit) - text.begin();
  std::span<const char* const> formats = kWritten;
  if (digits > 0 && digits < text.size() && text[digits] == '-') {
    formats = kExtended;
  } else if (digits == 8 && (text.size() == 8 || text[8] == 'T')) {
    formats = kBasic;
  }
  const std::string zoned = WithNumericZone(text);
  const std::string in_text =
      formats.data() == kWritten ? WithoutMonthPeriods(zoned) : zoned;
  // Debian's absl::string_view is not std::string_view.
  const absl::string_view in(in_text.data(), in_text.size());
  for (const char* format : formats) {
    absl::Time t;
    if (absl::ParseTime(format, in, &t, nullptr)) return t;
  }
  return std::nullopt;
}

bool SameMetadataValue(MetadataField field, std::string_view a,
                       std::string_view b) {
  if (HashUpToWhitespace(a) == HashUpToWhitespace(b)) return true;
  if (field != MetadataField::kDate) return false;
  const std::optional<absl::Time> x = ParseDate(a);
  const std::optional<absl::Time> y = ParseDate(b);
  return x && y && *x == *y;
}

uint64_t HashMetadataValue(MetadataField field, std::string_view value) {
  const uint64_t seed = kTextSeed ^ (0x6d657461 + static_cast<uint64_t>(field));
  if (field == MetadataField::kDate) {
    if (const std::optional<absl::Time> t = ParseDate(value)) {
      return HashUpToWhitespace(
          absl::FormatTime(absl::RFC3339_full, *t, absl::UTCTimeZone()), seed);
    }
  }
  return HashUpToWhitespace(value, seed);
}

}  // namespace refrain::internal

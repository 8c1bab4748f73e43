#include "date.h"

#include <algorithm>
#include <span>
#include <string>

namespace refrain::internal {
namespace {

// The zone names RFC 1123 dates may end with (RFC 5322 section 4.3: UT and
// GMT, the US zones, and the military Z), as the numeric offsets absl's %z
// reads. RSS pubDate and HTTP dates mostly end in "GMT".
std::string WithNumericZone(std::string_view text) {
  static constexpr std::pair<std::string_view, std::string_view> kZones[] = {
      {" GMT", " +0000"}, {" UT", " +0000"},  {" UTC", " +0000"},
      {" Z", " +0000"},   {" EST", " -0500"}, {" EDT", " -0400"},
      {" CST", " -0600"}, {" CDT", " -0500"}, {" MST", " -0700"},
      {" MDT", " -0600"}, {" PST", " -0800"}, {" PDT", " -0700"}};
  for (const auto& [name, offset] : kZones) {
    if (text.ends_with(name)) {
      return std::string(text.substr(0, text.size() - name.size())) +
             std::string(offset);
    }
  }
  return std::string(text);
}

}  // namespace

std::optional<absl::Time> ParseDate(std::string_view text) {
  static constexpr const char* kFormats[] = {
      "%Y-%m-%d%ET%H:%M:%E*S%Ez", "%Y-%m-%d%ET%H:%M:%E*S",
      "%Y-%m-%d %H:%M:%E*S%Ez", "%Y-%m-%d %H:%M:%E*S", "%Y-%m-%d %H:%M:%E*S %z",
      // Without seconds (HTML's datetime-local, many SQL exports).
      "%Y-%m-%d%ET%H:%M%Ez", "%Y-%m-%d%ET%H:%M", "%Y-%m-%d %H:%M%Ez",
      "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M %z", "%Y-%m-%d",
      "%a, %d %b %E4Y %H:%M:%S %z", "%d %b %E4Y %H:%M:%S %z",
      // Written: "November 23, 2026", "Nov 23, 2026", "23 November 2026".
      "%B %d, %Y", "%d %B %Y"};
  // ISO 8601's basic format (20261123, 20261123T085900Z), whose fields
  // absl would also read with fewer digits: "2026112" is no date.
  static constexpr const char* kBasic[] = {"%E4Y%m%d", "%E4Y%m%dT%H%M%S%Ez",
                                           "%E4Y%m%dT%H%M%S"};
  if (text.empty()) return std::nullopt;
  const std::string zoned = WithNumericZone(text);
  // Debian's absl::string_view is not std::string_view.
  const absl::string_view in(zoned.data(), zoned.size());
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  const bool basic = text.size() >= 8 &&
                     std::all_of(text.begin(), text.begin() + 8, digit) &&
                     (text.size() == 8 || text[8] == 'T');
  for (const char* format : basic ? std::span<const char* const>(kBasic)
                                  : std::span<const char* const>(kFormats)) {
    absl::Time t;
    std::string error;
    if (absl::ParseTime(format, in, &t, &error)) return t;
  }
  return std::nullopt;
}

}  // namespace refrain::internal

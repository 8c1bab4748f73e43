#include "date.h"

#include <string>

namespace refrain::internal {

std::optional<absl::Time> ParseDate(std::string_view text) {
  static constexpr const char* kFormats[] = {
      "%Y-%m-%d%ET%H:%M:%E*S%Ez", "%Y-%m-%d%ET%H:%M:%E*S",
      "%Y-%m-%d %H:%M:%E*S%Ez", "%Y-%m-%d %H:%M:%E*S", "%Y-%m-%d",
      "%a, %d %b %E4Y %H:%M:%S %z", "%d %b %E4Y %H:%M:%S %z",
      // Written: "November 23, 2026", "Nov 23, 2026", "23 November 2026".
      "%B %d, %Y", "%d %B %Y"};
  if (text.empty()) return std::nullopt;
  // Debian's absl::string_view is not std::string_view.
  const absl::string_view in(text.data(), text.size());
  for (const char* format : kFormats) {
    absl::Time t;
    std::string error;
    if (absl::ParseTime(format, in, &t, &error)) return t;
  }
  return std::nullopt;
}

}  // namespace refrain::internal

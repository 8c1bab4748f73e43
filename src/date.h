// Article dates (internal): the forms `scan --keep earliest` and
// `index remove --before` compare as instants.
#ifndef REFRAIN_SRC_DATE_H_
#define REFRAIN_SRC_DATE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/time/time.h"

namespace refrain::internal {

// The instant `text` names if it is an RFC 3339 / ISO 8601 date, or date
// and time with or without seconds and with or without a zone (none is
// UTC; "2026-11-23 08:59 UTC" too), in ISO 8601's extended or basic
// format ("20261123T085900Z"), an RFC 1123 date ("Mon,
// 23 Nov 2026 06:00:00 +0000", the seconds optional, RFC 822's zone names
// and Europe's and Moscow's), or a written date ("November 23, 2026",
// "Nov 23, 2026", "23 November 2026", AP's "Nov. 23, 2026", each with or
// without a weekday before it); nothing otherwise.
std::optional<absl::Time> ParseDate(std::string_view text);

// An article's metadata fields, in this order (MetadataOf): what the index
// keeps of the values corrections replaced (IndexedVersion::
// superseded_metadata, a bit per field in IndexedScan's stale masks).
enum class MetadataField : uint64_t { kSource, kTitle, kUrl, kDate };

// Pointers to the source, title, URL and date of `x` (a Document or an
// IndexedVersion), in MetadataField order.
template <typename T>
auto MetadataOf(T& x) {
  return std::array{&x.source, &x.title, &x.url, &x.date};
}

// Whether two values of a field are one: equal up to whitespace, or for a
// date the same instant however written (review 47c-03).
bool SameMetadataValue(MetadataField field, std::string_view a,
                       std::string_view b);

// The hash of a value of a field, to match SameMetadataValue: up to
// whitespace, a date as the instant it names (its RFC 3339 UTC form).
// What the index keeps of a value a correction or an edit replaced.
uint64_t HashMetadataValue(MetadataField field, std::string_view value);

}  // namespace refrain::internal

#endif  // REFRAIN_SRC_DATE_H_

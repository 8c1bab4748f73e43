// Article dates (internal): the forms `scan --keep earliest` and
// `index remove --before` compare as instants.
#ifndef REFRAIN_SRC_DATE_H_
#define REFRAIN_SRC_DATE_H_

#include <optional>
#include <string_view>

#include "absl/time/time.h"
#include "hash.h"

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

// HashMetadataField (hash.h) of `value`, a date as the instant it names
// when it names one (its RFC 3339 UTC form), so that one time written
// another way is the same value (review 47c-03).
uint64_t HashMetadataValue(MetadataField field, std::string_view value);

}  // namespace refrain::internal

#endif  // REFRAIN_SRC_DATE_H_

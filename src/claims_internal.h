// Unit filters of the claims stage, exposed for their tests.
#ifndef REFRAIN_SRC_CLAIMS_INTERNAL_H_
#define REFRAIN_SRC_CLAIMS_INTERNAL_H_

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "refrain/claim_score.h"

namespace refrain {

// A unit's stems as the cosine gate weighs them: each distinct stem (by its
// 64-bit hash) with its count x IDF, the whole of length 1, sorted by hash.
using UnitVector = std::vector<std::pair<uint64_t, double>>;
UnitVector WeighUnit(const TermList& stems, const IdfTable& idf);

// The cosine of two units' stems: the dot product of their UnitVectors.
double Dot(const UnitVector& a, const UnitVector& b);

// True if the English sentence `s` ends "<speaker> said:" (or told, added,
// warned, ...): it only introduces the quote that follows.
bool IsQuoteLeadIn(std::string_view s);

// True if the English sentence `s` is a list of names (a line-up, a squad,
// a list of clubs or countries): at least 3 commas or semicolons, at least 4
// capitalized words, and no lower-case word but stop words and name
// particles ("de", "van", "capt", "v"). Never true of text without a
// lower-case letter (all capitals: no case to read).
bool IsNameList(std::string_view s);

}  // namespace refrain

#endif  // REFRAIN_SRC_CLAIMS_INTERNAL_H_

// Unit filters of the claims stage, exposed for their tests.
#ifndef REFRAIN_SRC_CLAIMS_INTERNAL_H_
#define REFRAIN_SRC_CLAIMS_INTERNAL_H_

#include <string_view>

namespace refrain {

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

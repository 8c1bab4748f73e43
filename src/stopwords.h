// Stop words and negation cues for claim scoring (see claim_score.h).
#ifndef REFRAIN_SRC_STOPWORDS_H_
#define REFRAIN_SRC_STOPWORDS_H_

#include <string_view>

namespace refrain {

// True if `word` (NFKC case-folded, apostrophes folded to ') is a stop word
// of `language` (a libstemmer name). English uses the Snowball English list
// plus a few modal and filler words; other languages have no list yet
// (every word is a content word), which only costs precision.
bool IsStopWordOf(std::string_view language, std::string_view word);

// True if `word` (case-folded) negates its clause: "not", "no", "never",
// "nor", "none", "nobody", "nothing", "neither", "nowhere", "cannot",
// "without", or any word ending in "n't" ("don't", "isn't", "can't").
bool IsNegationCue(std::string_view word);

}  // namespace refrain

#endif  // REFRAIN_SRC_STOPWORDS_H_

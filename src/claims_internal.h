// Unit filters and term readers of the claims stage, shared with the
// report writers and exposed for their tests.
#ifndef REFRAIN_SRC_CLAIMS_INTERNAL_H_
#define REFRAIN_SRC_CLAIMS_INTERNAL_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "refrain/claim_score.h"
#include "refrain/document.h"
#include "refrain/normalize.h"

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

// True if `lower` (a lower-case English word) is a speech verb: "said",
// "told", "added", "warned", ...
bool IsSpeechVerb(std::string_view lower);

// Byte ranges of the English claim unit `t` that say who says it rather
// than what: the text outside a quotation holding most of the unit; a tail
// ", said Kevin Hogan, senior manager at Symantec." (up to 12 words after
// the verb); an end ", the company said on Friday." (up to 8 words on
// either side of the verb); a head "Labour's Alan Milburn said (that)" (up
// to 12 words, no relative clause, 3 or more after it); "according to X".
// Speech verbs and a few more ("agreed", "denied", "confirmed").
// Overlapping, unsorted.
std::vector<Span> AttributionSpans(std::string_view t);

// `t` with its AttributionSpans replaced by spaces (offsets unchanged).
std::string WithoutAttribution(std::string_view t);

// True if the English sentence `s` is a list of names (a line-up, a squad,
// a list of clubs or countries): at least 3 commas or semicolons, at least 4
// capitalized words, and no lower-case word but stop words and name
// particles ("de", "van", "capt", "v"). Never true of text without a
// lower-case letter (all capitals: no case to read).
bool IsNameList(std::string_view s);

// Reads a figure at tokens[i] of the normalized `text` as the claim terms
// hold it, one value however written: "1.4m", "1.4 million" and
// "1,400,000" are "1400000"; "3%", "3 per cent" and "3 percent" are "3";
// "2,5" is "2.5"; "1.250.000" and "1.250,5" group thousands with stops, and
// scale words of other languages count ("1,25 Millionen", "2 млн").
// `comma_decimal` (every language but English, whose decimals take a stop):
// "1.500" is 1500, and "1 250 000" one figure. Returns the tokens it spans
// (the scale word and "per cent" included) with the value in `value`, or 0
// if tokens[i] is no number.
size_t ReadNumber(std::string_view text, std::span<const Token> tokens,
                  size_t i, std::string* value, bool comma_decimal = false);

// Whether tokens[i] of the normalized `text` negates what follows as
// ClaimScorer::Contrasts counts a negation: IsNegationCue of the token,
// except English "no" before a bare figure, which abbreviates "number"
// ("No 10", "the No. 2 computer maker"; "no 10pm curfew" still negates);
// or a verb of denial before "to" ("failed to", DenialCue::kBeforeTo).
bool IsNegationAt(std::string_view text, std::span<const Token> tokens,
                  size_t i, std::string_view language);

}  // namespace refrain

#endif  // REFRAIN_SRC_CLAIMS_INTERNAL_H_

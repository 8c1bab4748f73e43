// Normalization and word tokenization, with a map back to the original bytes.
//
// Normalize() applies, in order: Unicode NFKC case folding (ICU's
// NFKC_Casefold: fullwidth forms, ligatures, compatibility characters, case),
// then maps every quotation mark to ' or " and every dash or hyphen to '-',
// folds optional marks away (Arabic vowels and tatweel, Hebrew points, ё as
// е), Arabic letters with hamza or madda to bare alef (and ى to ي, ة to ه),
// and the digits of every script, with the Arabic decimal and thousands
// separators and percent sign, to ASCII.
// It keeps, for every normalized byte, the offset of the original bytes it
// came from (as sentencepiece's normalizer does), so that any range of the
// normalized text can be quoted from the original.
//
// Why not full-text ICU normalization in one call: the offset map needs to
// know which original bytes produced which output, so the text is normalized
// one "normalization segment" at a time (ICU's hasBoundaryBefore), which is
// exactly equivalent and lets ASCII runs take a fast path that never calls ICU.
#ifndef REFRAIN_NORMALIZE_H_
#define REFRAIN_NORMALIZE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "refrain/document.h"

namespace refrain {

class NormalizedText {
 public:
  NormalizedText() = default;

  // The normalized text: valid UTF-8 if the input was.
  const std::string& text() const { return text_; }

  // The original byte range that produced normalized bytes [begin, end).
  // Always a range of whole UTF-8 characters of the original. Requires
  // begin < end <= text().size().
  Span ToOriginal(uint32_t begin, uint32_t end) const;

 private:
  friend NormalizedText Normalize(std::string_view original);
  std::string text_;
  // origin_[i]: first original byte of the segment normalized byte i came
  // from; origin_[text_.size()] is the original size.
  std::vector<uint32_t> origin_;
};

// Normalizes valid UTF-8 `original` (see the file comment). Thread-safe.
// Cost: one pass; ICU is called only for segments containing non-ASCII.
NormalizedText Normalize(std::string_view original);

// The same normalized text as Normalize(original).text(), without the
// offset map: for shingling, where no span is ever reported. Reuses `out`'s
// buffer. Thread-safe.
void NormalizeInto(std::string_view original, std::string* out);

// A word token: a byte range of the NORMALIZED text.
struct Token {
  uint32_t begin = 0;
  uint32_t end = 0;
  // True when a sentence or line boundary separates this token from the
  // previous one: a line break, or one of . ! ? ; : followed by white space
  // (or the ideographic full stop), with closing quotation marks and
  // brackets (" ' ), as normalization leaves them) allowed between the two:
  // `said." Next`, `hide?'" Next` (review 48a-10: the rule as written before
  // left them out). A cheap heuristic, not ICU sentence breaking: "Dr. Smith"
  // also counts as a boundary, which is harmless for shingling (see shingle.h).
  // In hard-wrapped text (a wire feed at 72 columns) a line break inside a
  // sentence is no boundary (internal::JoinWrappedRuns; the rule is in
  // docs/report-format.md, "Hashes").
  bool starts_run = false;
};

// Splits normalized text into word tokens: maximal runs of letters, marks
// and digits, keeping an apostrophe between letters ("state's") and a '.' or
// ',' between digits ("1,000.5"). Characters of scripts written without
// spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar) are one token
// each, so word n-grams over them become character n-grams.
// The first token always starts a run. Fills `out` (cleared first) so the
// caller can reuse its buffer in hot loops.
void Tokenize(std::string_view normalized, std::vector<Token>* out);

// Counts word tokens of `text` (normalized or not) without allocating.
size_t CountWords(std::string_view text);

}  // namespace refrain

#endif  // REFRAIN_NORMALIZE_H_

#ifndef REFRAIN_NORMALIZE_INTERNAL_H_
#define REFRAIN_NORMALIZE_INTERNAL_H_

#include <unicode/umachine.h>

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "refrain/normalize.h"

namespace refrain::internal {

// Tokenize written to the front of `buffer`; returns how many tokens. The
// buffer only grows and keeps its size, so one reused text after text is not
// value-initialized again each time (as resizing a cleared vector would).
size_t TokenizeInto(std::string_view normalized, std::vector<Token>* buffer);

// Hard-wrapped text (a wire feed or a newsletter at 72 columns) breaks its
// sentences at line ends: "the national\nrailway company". A line break
// starts a shingle run, so a wrapped copy of an unwrapped article shared
// two thirds of its shingles (BBC business/001 through `fold -s -w 72`:
// Jaccard 0.657). A line break between two words that ends no sentence
// and starts no list item may run a sentence on; a text is read as
// wrapped when most of those follow a full line (the next word would not
// have fitted the width most such lines reach, of 40 to 120 characters),
// and those line breaks then start no run (Token::starts_run cleared).
// The rule in full is in docs/report-format.md ("Hashes"). Text of one
// paragraph a line, blank lines between paragraphs, verse, lists, bylines
// and addresses are left as they are. Unlike the claim units'
// JoinWrappedLines (segment.cc), case is not read: the normalized text is
// case-folded, and a wrong join here costs a few shingles that cross a
// line, not a claim unit. Returns how many run starts were cleared. Part
// of Tokenize.
size_t JoinWrappedRuns(std::string_view normalized, std::span<Token> tokens);

// A line that a hard wrap may have broken.
struct WrapCandidate {
  std::string_view line;  // Without the blanks at its ends.
  // The next line's first word, up to a blank or a line break, punctuation
  // included, as a wrapping tool measures it.
  std::string_view next_word;
};

// Whether `c` may come before the first word of a line that a hard wrap
// broke off: a blank, a quotation mark, an opening bracket, a currency
// sign ("to\n$284m"), an inverted mark, "@", "&" or the ">" of quoted
// mail; not a bullet or a dash. Shared by the shingle runs and the claim
// units' paragraphs (segment.cc).
bool OpensWrappedLine(UChar32 c);

// Whether `lines`, the lines of a text that may run a sentence on, read as
// hard-wrapped, and if so which are full (`full`, parallel to `lines`): a
// line is full when its next word would not have fitted the width most of
// them reach (0.9 times their 90th percentile: a line of a table or a URL
// longer than the width does not move it, and wrappers that balance their
// lines, as fmt does, fall short of it by a little). A text is read as
// wrapped when that width is 40 to 120 characters and at least three of
// its lines, two thirds of them, are full. Lengths count characters, as
// mail programs, editors and Python's textwrap do (GNU fold counts bytes,
// so Russian through `fold -w 72` has lines of 36-40 characters, too
// narrow; measured in bytes, Cyrillic verse read as wrapped, review 50b-02).
// Verse, lyrics, lists of fixtures,
// addresses and bylines have lines of any length, most of them not full,
// or under 40 characters; lines over 120 are paragraphs of their own.
// Shared by the shingle runs (JoinWrappedRuns) and the claim units'
// paragraphs (segment.cc), so the two read one text alike.
bool FullWrappedLines(std::span<const WrapCandidate> lines,
                      std::vector<char>* full);

// The characters of UTF-8 `text` (its bytes that start one).
inline size_t CountChars(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Tokenize's definition, one character at a time with no SIMD block or
// stretch paths: what tests and fuzzing compare Tokenize with.
void TokenizeReference(std::string_view text, std::vector<Token>* out);

}  // namespace refrain::internal

#endif  // REFRAIN_NORMALIZE_INTERNAL_H_

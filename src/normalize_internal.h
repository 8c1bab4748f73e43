#ifndef REFRAIN_NORMALIZE_INTERNAL_H_
#define REFRAIN_NORMALIZE_INTERNAL_H_

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

// Tokenize's definition, one character at a time with no SIMD block or
// stretch paths: what tests and fuzzing compare Tokenize with.
void TokenizeReference(std::string_view text, std::vector<Token>* out);

}  // namespace refrain::internal

#endif  // REFRAIN_NORMALIZE_INTERNAL_H_

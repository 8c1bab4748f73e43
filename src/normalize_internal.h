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
// Jaccard 0.657). A single line break (CRLF counts once) with no stop
// (. ! ? : ;) and nothing beyond ASCII before it, and only white space,
// quotation marks or an opening bracket after it (no bullet, no dash)
// runs the sentence on. When at least three line breaks of `tokens` do,
// and they are at least half of its single line breaks, the text is read
// as wrapped and those line breaks start no run (Token::starts_run
// cleared). Text with one paragraph a line, or blank lines between
// paragraphs, is left as it is. Unlike the claim units' JoinWrappedLines
// (segment.cc), case is not read: the normalized text is case-folded, and
// a wrong join here costs a few shingles that cross a line, not a claim
// unit. Returns how many run starts were cleared. Part of Tokenize.
size_t JoinWrappedRuns(std::string_view normalized, std::span<Token> tokens);

// Tokenize's definition, one character at a time with no SIMD block or
// stretch paths: what tests and fuzzing compare Tokenize with.
void TokenizeReference(std::string_view text, std::vector<Token>* out);

}  // namespace refrain::internal

#endif  // REFRAIN_NORMALIZE_INTERNAL_H_

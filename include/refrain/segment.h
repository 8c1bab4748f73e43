// Segmentation of an article's ORIGINAL text into paragraphs, sentences and
// quoted passages, all as byte spans of the original.
#ifndef REFRAIN_SEGMENT_H_
#define REFRAIN_SEGMENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "refrain/document.h"

namespace refrain {

struct SegmentOptions {
  // ICU locale for sentence breaking. "@ss=standard" suppresses breaks after
  // known abbreviations ("Dr.", "Mr.", "U.S."). Default "en@ss=standard".
  std::string locale = "en@ss=standard";
  // A quoted passage needs at least this many words to be kept; shorter ones
  // are scare quotes or names. Default 5; range 1..1000.
  uint32_t min_quote_words = 5;
};

absl::Status ValidateSegmentOptions(const SegmentOptions& options);

struct Segmentation {
  // Non-empty lines (news text puts one paragraph per line, or separates
  // paragraphs by blank lines: both end up as one span per paragraph),
  // trimmed of white space. Lines end at LF, CRLF or a lone CR. In
  // hard-wrapped text (at least three pairs of adjacent lines where a line
  // ending in no . ! ? : ; is followed by one starting in lower case, and
  // half of the pairs whose first line ends in none of those) each such
  // pair is joined, line break inside, and in English a line ending in
  // "the", "of", "by" ... joins the next whatever its case
  // (JoinWrappedLines in segment.cc).
  std::vector<Span> paragraphs;
  // ICU sentences inside each paragraph (a sentence never crosses a
  // paragraph), trimmed. Ordered by position.
  std::vector<Span> sentences;
  // Text strictly between matching quotation marks: “…”, "…", «…», ‘…’, „…“,
  // within one paragraph (an unclosed quote runs to the paragraph's end, as
  // in multi-paragraph quotations), with at least min_quote_words words,
  // trimmed. Ordered by position.
  std::vector<Span> quotes;
};

// Segments valid UTF-8 `original`. Thread-safe (one ICU BreakIterator per
// thread). Cost: linear in the text.
Segmentation Segment(std::string_view original, const SegmentOptions& options);

}  // namespace refrain

#endif  // REFRAIN_SEGMENT_H_

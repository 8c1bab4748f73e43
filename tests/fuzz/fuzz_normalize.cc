// Fuzz target: normalization, tokenization, shingling and segmentation, with
// the map back to the original bytes.
//
// The input is a document text. The raw bytes (possibly invalid UTF-8, which
// the pipeline never passes on, but a caller of the library might) must not
// crash anything; on the text as ingest repairs it:
//   - NormalizeInto(x) == Normalize(x).text(), and the result is valid UTF-8;
//   - ShingleText agrees with the scan's ShingleHashes;
//   - every token is a non-empty, in-bounds range of the normalized text, in
//     order, and CountWords agrees with Tokenize;
//   - Tokenize gives the tokens of its definition, TokenizeReference;
//   - the tokens do not depend on where the text falls against the
//     tokenizer's 64-byte SIMD blocks: after k leading spaces they shift by
//     k and keep their run flags;
//   - NormalizedText::ToOriginal of every token is a non-empty, in-bounds
//     range of whole UTF-8 characters of the original (the quoted bytes are
//     valid UTF-8), and these ranges never go backwards;
//   - every paragraph, sentence and quote of Segment() is non-empty, in
//     bounds, valid UTF-8, trimmed and in order without overlap; every
//     sentence lies inside one paragraph, and so does every quote.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "normalize_internal.h"
#include "refrain/normalize.h"
#include "refrain/segment.h"
#include "refrain/shingle.h"
#include "utf8.h"

namespace refrain {
namespace {

void CheckSpans(std::string_view text, const std::vector<Span>& spans) {
  uint32_t prev_end = 0;
  for (const Span& s : spans) {
    FUZZ_CHECK(s.begin < s.end);
    FUZZ_CHECK(s.end <= text.size());
    FUZZ_CHECK(s.begin >= prev_end);
    std::string_view quoted = text.substr(s.begin, s.size());
    FUZZ_CHECK(internal::IsValidUtf8(quoted));
    uint32_t b = s.begin, e = s.end;
    internal::TrimSpace(text, &b, &e);
    FUZZ_CHECK(b == s.begin && e == s.end);
    prev_end = s.end;
  }
}

bool Inside(const Span& inner, const std::vector<Span>& outers) {
  for (const Span& o : outers) {
    if (inner.begin >= o.begin && inner.end <= o.end) return true;
  }
  return false;
}

// Crash-only: the raw bytes, whatever they are.
void Smoke(std::string_view raw) {
  NormalizedText n = Normalize(raw);
  std::string into;
  NormalizeInto(raw, &into);
  FUZZ_CHECK(into == n.text());
  std::vector<Token> tokens;
  Tokenize(n.text(), &tokens);
  for (const Token& t : tokens) {
    Span o = n.ToOriginal(t.begin, t.end);
    FUZZ_CHECK(o.begin <= o.end && o.end <= raw.size());
  }
  (void)Segment(raw, SegmentOptions{});
}

}  // namespace
}  // namespace refrain

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace refrain;
  if (size > (1 << 16)) return 0;  // Long inputs add time, not paths.
  std::string text(reinterpret_cast<const char*>(data), size);
  Smoke(text);
  internal::RepairUtf8(&text);
  FUZZ_CHECK(internal::IsValidUtf8(text));

  // Normalization and its offset map.
  const NormalizedText n = Normalize(text);
  const std::string& norm = n.text();
  FUZZ_CHECK(internal::IsValidUtf8(norm));
  std::string into = "stale contents of a reused buffer";
  NormalizeInto(text, &into);
  FUZZ_CHECK(into == norm);

  std::vector<Token> tokens;
  Tokenize(norm, &tokens);
  FUZZ_CHECK(CountWords(norm) == tokens.size());
  uint32_t prev_end = 0, prev_orig = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    FUZZ_CHECK(t.begin < t.end && t.end <= norm.size());
    FUZZ_CHECK(t.begin >= prev_end);
    FUZZ_CHECK(internal::IsValidUtf8(
        std::string_view(norm).substr(t.begin, t.end - t.begin)));
    FUZZ_CHECK(i > 0 || t.starts_run);
    prev_end = t.end;
    const Span o = n.ToOriginal(t.begin, t.end);
    FUZZ_CHECK(o.begin < o.end && o.end <= text.size());
    FUZZ_CHECK(o.begin >= prev_orig);
    FUZZ_CHECK(internal::IsValidUtf8(
        std::string_view(text).substr(o.begin, o.size())));
    prev_orig = o.begin;
  }

  // Tokenize (bit operations on ASCII blocks) gives the tokens of its
  // one-character-at-a-time definition, on normalized text and on the text
  // as it came (capitals, other punctuation).
  for (std::string_view t : {std::string_view(norm), std::string_view(text)}) {
    std::vector<Token> got, want;
    Tokenize(t, &got);
    internal::TokenizeReference(t, &want);
    FUZZ_CHECK(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      FUZZ_CHECK(got[i].begin == want[i].begin && got[i].end == want[i].end &&
                 got[i].starts_run == want[i].starts_run);
    }
  }

  // The same tokens at another alignment against the 64-byte blocks.
  const uint32_t shift = 1 + static_cast<uint32_t>(size % 97);
  std::vector<Token> shifted;
  Tokenize(std::string(shift, ' ') + norm, &shifted);
  FUZZ_CHECK(shifted.size() == tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    FUZZ_CHECK(shifted[i].begin == tokens[i].begin + shift);
    FUZZ_CHECK(shifted[i].end == tokens[i].end + shift);
    FUZZ_CHECK(shifted[i].starts_run == tokens[i].starts_run);
  }

  // Shingling, the way the scan does it, and the convenience path agree.
  std::vector<uint64_t> hashes;
  ShingleHashes(norm, tokens, ShingleOptions{}, &hashes);
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  FUZZ_CHECK(ShingleText(text, ShingleOptions{}) == hashes);
  FUZZ_CHECK(hashes.empty() == tokens.empty());

  // Segmentation.
  const Segmentation seg = Segment(text, SegmentOptions{});
  CheckSpans(text, seg.paragraphs);
  CheckSpans(text, seg.sentences);
  CheckSpans(text, seg.quotes);
  // A paragraph is a line, or lines of hard-wrapped text joined: never
  // across a blank line (two line breaks with only white space between),
  // and a joined line never ends in . ! ? : ; nor does the next start
  // with white space (lines are trimmed).
  for (const Span& s : seg.paragraphs) {
    const std::string_view p = std::string_view(text).substr(s.begin, s.size());
    size_t last_break = std::string_view::npos;
    for (size_t i = 0; i < p.size(); ++i) {
      if (p[i] != '\n' && p[i] != '\r') continue;
      const bool crlf = p[i] == '\n' && i > 0 && p[i - 1] == '\r';
      if (!crlf && last_break != std::string_view::npos) {
        const std::string_view between =
            p.substr(last_break + 1, i - last_break - 1);
        FUZZ_CHECK(between.find_first_not_of(" \t\f\v\r") !=
                   std::string_view::npos);
      }
      last_break = i;
    }
  }
  for (const Span& s : seg.sentences) FUZZ_CHECK(Inside(s, seg.paragraphs));
  for (const Span& s : seg.quotes) FUZZ_CHECK(Inside(s, seg.paragraphs));
  return 0;
}

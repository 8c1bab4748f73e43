#include "refrain/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <array>
#include <cassert>

#include "byte_class.h"

namespace refrain {
namespace {

const icu::Normalizer2& Nfkc() {
  static const icu::Normalizer2* n = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* p =
        icu::Normalizer2::getNFKCCasefoldInstance(status);
    if (U_FAILURE(status)) std::abort();  // ICU data missing: unusable build.
    return p;
  }();
  return *n;
}

// Quotation marks and dashes folded to ASCII after NFKC (which keeps most of
// them). Returns 0 for "leave alone".
char FoldPunct(UChar32 c) {
  switch (c) {
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x201B:
    case 0x2032:
    case 0x2035:
    case 0x2039:
    case 0x203A:
    case 0x02BC:
    case 0x0060:
    case 0x00B4:
      return '\'';
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x2033:
    case 0x2036:
    case 0x00AB:
    case 0x00BB:
    case 0x301D:
    case 0x301E:
    case 0x301F:
      return '"';
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212:
    case 0xFE58:
    case 0xFE63:
    case 0xFF0D:
      return '-';
    default:
      return 0;
  }
}

void AppendCodePoint(std::string* out, UChar32 c) {
  char buf[4];
  int32_t n = 0;
  U8_APPEND_UNSAFE(buf, n, c);
  out->append(buf, static_cast<size_t>(n));
}

bool IsNoSpaceScript(UChar32 c) {
  if (c < 0x0E00) return false;
  UErrorCode status = U_ZERO_ERROR;
  UScriptCode s = uscript_getScript(c, &status);
  switch (s) {
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_THAI:
    case USCRIPT_LAO:
    case USCRIPT_KHMER:
    case USCRIPT_MYANMAR:
      return true;
    default:
      return false;
  }
}

bool IsWordChar(UChar32 c) {
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c >= 'A' && c <= 'Z');
  }
  if (c == 0xFFFD) return false;
  return u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0;
}

// ASCII letters and digits: the word bytes of the fast path.
constexpr auto kAsciiWord = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 32] = true;
  return t;
}();

bool IsDigit(UChar32 c) {
  return c < 0x80 ? (c >= '0' && c <= '9') : u_isdigit(c);
}

}  // namespace

Span NormalizedText::ToOriginal(uint32_t begin, uint32_t end) const {
  assert(begin < end && end <= text_.size());
  uint32_t last = origin_[end - 1];
  uint32_t j = end;
  while (origin_[j] == last && j < text_.size()) ++j;
  return Span{origin_[begin], origin_[j]};
}

namespace {

// The normalizer behind Normalize() and NormalizeInto(). With kOffsets, it
// records each output byte's origin and cuts ICU calls at every
// normalization boundary (so origins are exact); without, it hands ICU whole
// runs of non-ASCII text (equivalent output, far fewer calls).
template <bool kOffsets>
void NormalizeImpl(std::string_view in, std::string* t_out,
                   std::vector<uint32_t>* o_out) {
  std::string& t = *t_out;
  t.clear();
  t.reserve(in.size());
  if constexpr (kOffsets) {
    o_out->clear();
    o_out->reserve(in.size() + 1);
  }
  auto origin = [&](size_t count, uint32_t at) {
    if constexpr (kOffsets) o_out->insert(o_out->end(), count, at);
  };
  const icu::Normalizer2& nfkc = Nfkc();
  const int32_t n = static_cast<int32_t>(in.size());
  const char* s = in.data();

  // Normalizes the non-ASCII segment [seg_begin, seg_end) with ICU.
  thread_local icu::UnicodeString src, dst;
  auto flush = [&](int32_t seg_begin, int32_t seg_end) {
    src = icu::UnicodeString::fromUTF8(
        icu::StringPiece(s + seg_begin, seg_end - seg_begin));
    UErrorCode status = U_ZERO_ERROR;
    nfkc.normalize(src, dst, status);
    const icu::UnicodeString& r = U_SUCCESS(status) ? dst : src;
    for (int32_t i = 0; i < r.length();) {
      UChar32 c = r.char32At(i);
      i += U16_LENGTH(c);
      size_t before = t.size();
      if (char p = FoldPunct(c)) {
        t.push_back(p);
      } else {
        AppendCodePoint(&t, c);
      }
      origin(t.size() - before, static_cast<uint32_t>(seg_begin));
    }
  };

  int32_t i = 0;
  int32_t seg = -1;  // Start of the pending non-ASCII segment, or -1.
  while (i < n) {
    // Fast path: a run of ASCII bytes (found with SIMD), minus its last
    // byte when a non-ASCII character follows (it may be a combining mark
    // joining that byte).
    int32_t j = i;
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      j += static_cast<int32_t>(internal::AsciiPrefix(
          std::string_view(s + i, static_cast<size_t>(n - i))));
    }
    const int32_t fast_end = j < n ? j - 1 : j;
    if (fast_end > i) {
      if (seg >= 0) {
        flush(seg, i);
        seg = -1;
      }
      const size_t len = static_cast<size_t>(fast_end - i);
      const size_t t0 = t.size();
      t.resize(t0 + len);
      // Locals only, so the compiler vectorizes the loop.
      const unsigned char* from = reinterpret_cast<const unsigned char*>(s + i);
      char* to = t.data() + t0;
      for (size_t k = 0; k < len; ++k) {
        const unsigned char a = from[k];
        to[k] = static_cast<char>(a - 65u <= 25u ? a | 0x20 : a);
      }
      if constexpr (kOffsets) {
        for (int32_t k = i; k < fast_end; ++k)
          o_out->push_back(static_cast<uint32_t>(k));
      }
      i = fast_end;
      continue;
    }
    int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) c = 0xFFFD;
    // An inert character (most punctuation, e.g. curly quotes and dashes)
    // is its own normalization: no ICU call.
    if (c >= 0x80 && nfkc.isInert(c)) {
      if (seg >= 0) {
        flush(seg, start);
        seg = -1;
      }
      size_t before = t.size();
      if (char p = FoldPunct(c)) {
        t.push_back(p);
      } else {
        t.append(s + start, static_cast<size_t>(i - start));
      }
      origin(t.size() - before, static_cast<uint32_t>(start));
      continue;
    }
    if (seg >= 0 && nfkc.hasBoundaryBefore(c) && (kOffsets || c < 0x80)) {
      flush(seg, start);
      seg = -1;
    }
    if (seg < 0) seg = start;
  }
  if (seg >= 0) flush(seg, n);
  if constexpr (kOffsets) o_out->push_back(static_cast<uint32_t>(n));
}

}  // namespace

NormalizedText Normalize(std::string_view in) {
  NormalizedText out;
  NormalizeImpl<true>(in, &out.text_, &out.origin_);
  return out;
}

void NormalizeInto(std::string_view in, std::string* out) {
  NormalizeImpl<false>(in, out, nullptr);
}

void Tokenize(std::string_view text, std::vector<Token>* out) {
  out->clear();
  thread_local internal::ByteClasses classes;
  internal::ClassifyBytes(text, &classes);
  const char* s = text.data();
  const int32_t n = static_cast<int32_t>(text.size());
  int32_t i = 0;
  int32_t start = -1;     // Start of the current token, or -1.
  UChar32 prev = 0;       // Last character of the current token.
  bool run_break = true;  // A boundary was seen since the last token.
  bool terminal = false;  // Last gap character was . ! ? ; :
  auto close = [&](int32_t end) {
    if (start >= 0) {
      out->push_back(Token{static_cast<uint32_t>(start),
                           static_cast<uint32_t>(end), run_break});
      run_break = false;
      start = -1;
    }
  };
  auto open = [&](int32_t at) {
    start = at;
    terminal = false;
  };
  while (i < n) {
    int32_t at = i;
    UChar32 c;
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (kAsciiWord[b] || b == ' ') {
      // Fast path: the stretch of ASCII letters, digits and spaces up to
      // the next other byte. Its tokens are its runs of word bytes, read off
      // the edges of the word mask 64 bytes at a time. Only a space at its
      // start can set a run break: a token opened in it clears `terminal`.
      const int32_t end = static_cast<int32_t>(
          internal::NextZeroBit(classes.word, classes.space, i));
      if (b == ' ' && terminal) run_break = true;
      const size_t first_w = static_cast<size_t>(i) >> 6;
      const size_t last_w = static_cast<size_t>(end - 1) >> 6;
      uint64_t carry = 0;
      bool opened = false;
      for (size_t w = first_w; w <= last_w; ++w) {
        const uint64_t m = classes.word[w];
        uint64_t before = m << 1 | carry;
        carry = m >> 63;
        uint64_t range = ~uint64_t{0};
        if (w == first_w) {
          // Whether the byte before i belongs to a token is the state's
          // `start`, not the mask: a joiner (') may sit there.
          const int lo = i & 63;
          before =
              (before & ~(uint64_t{1} << lo)) | (uint64_t{start >= 0} << lo);
          range <<= lo;
        }
        if (w == last_w && ((end & 63) != 0)) {
          range &= (uint64_t{1} << (end & 63)) - 1;
        }
        uint64_t edges = (m ^ before) & range;
        while (edges != 0) {
          const int bit = __builtin_ctzll(edges);
          const int32_t pos = static_cast<int32_t>(w * 64 + bit);
          if ((m >> bit) & 1) {
            start = pos;
            opened = true;
          } else {
            out->push_back(Token{static_cast<uint32_t>(start),
                                 static_cast<uint32_t>(pos), run_break});
            run_break = false;
            start = -1;
          }
          edges &= edges - 1;
        }
      }
      if (opened) terminal = false;
      if (start >= 0) prev = static_cast<unsigned char>(s[end - 1]);
      i = end;
      continue;
    }
    if (b < 0x80) {
      c = b;
      ++i;
    } else {
      U8_NEXT(s, i, n, c);
      if (c < 0) c = 0xFFFD;
    }
    if (IsWordChar(c)) {
      if (IsNoSpaceScript(c)) {
        close(at);
        open(at);
        close(i);
        continue;
      }
      if (start < 0) open(at);
      prev = c;
      continue;
    }
    // Joiners: keep "state's" and "1,000.5" whole when the next character
    // continues the word.
    if (start >= 0 && i < n) {
      int32_t j = i;
      UChar32 next;
      U8_NEXT(s, j, n, next);
      bool join = false;
      if ((c == '\'' || c == 0x2019) && u_isalpha(prev) && next >= 0 &&
          u_isalpha(next))
        join = true;
      if ((c == '.' || c == ',') && IsDigit(prev) && next >= 0 &&
          IsDigit(next)) {
        join = true;
      }
      if (join) continue;
    }
    close(at);
    if (c == '\n' || c == 0x3002 || c == 0xFF61 || c == 0x2029) {
      run_break = true;
    } else if (c == '.' || c == '!' || c == '?' || c == ';' || c == ':') {
      terminal = true;
    } else if (terminal &&
               (c == ' ' || c == '\t' || c == '\r' || u_isUWhiteSpace(c))) {
      run_break = true;
    } else if (c != '"' && c != '\'' && c != ')') {
      // Closing quotes and brackets may sit between the stop and the space.
      terminal = false;
    }
  }
  close(n);
}

size_t CountWords(std::string_view text) {
  thread_local std::vector<Token> tokens;
  Tokenize(text, &tokens);
  return tokens.size();
}

}  // namespace refrain

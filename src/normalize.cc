#include "refrain/normalize.h"

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cassert>

#include "byte_class.h"
#include "normalize_internal.h"

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

// Letters written with or without optional marks, folded to the form
// without (after NFKC case folding), as search engines fold them (Lucene's
// Arabic and Hebrew normalizers): Arabic vowel marks (tashkeel) and the
// tatweel, Hebrew points (niqqud) and cantillation, and Russian ё as е. A
// vocalized copy of an Arabic or Hebrew article shared 2-3% of its shingles
// with the plain one, and a Russian copy spelling ё as е fell under the
// threshold after three such words (review 39b-05). Also the combining dot
// above that case folding gives Turkish "İ" ("i" and U+0307): "İstanbul"
// and "istanbul" were two words (NFKC composes every other letter that
// takes the dot, so one left after it is redundant). Arabic letters
// written with or without hamza or madda, and the final forms keyboards
// mix, folded as Lucene's Arabic normalizer folds them: آ أ إ as ا, ى as
// ي, ة as ه (a copy spelling أ as ا had Jaccard 0.18 with its original:
// review 51b-04). And the digits of every script, which NFKC leaves (it
// folds only full-width ones): ٢٠٠, ۲۰۰, ๒๐๐ and २०० are 200, as the
// claim scorer reads them (a copy in Arabic-Indic digits: 0.65). Returns
// the code point to write, or -1 for none.
UChar32 FoldOptionalMarks(UChar32 c) {
  if (c == 0x0307) return -1;
  if (c < 0x0451) return c;
  if (c > 0x0652) {
    return u_charType(c) == U_DECIMAL_DIGIT_NUMBER ? '0' + u_charDigitValue(c)
                                                   : c;
  }
  if (c == 0x0451) return 0x0435;             // ё -> е
  if (c >= 0x064B && c <= 0x0652) return -1;  // Arabic tashkeel
  if (c == 0x0640) return -1;                 // Arabic tatweel
  if (c == 0x0622 || c == 0x0623 || c == 0x0625) return 0x0627;  // alef
  if (c == 0x0649) return 0x064A;             // alef maksura -> yeh
  if (c == 0x0629) return 0x0647;             // teh marbuta -> heh
  if (c >= 0x0591 && c <= 0x05AF) return -1;  // Hebrew cantillation
  if ((c >= 0x05B0 && c <= 0x05BD) || c == 0x05BF || c == 0x05C1 ||
      c == 0x05C2 || c == 0x05C4 || c == 0x05C5 || c == 0x05C7) {
    return -1;  // Hebrew points
  }
  return c;
}

// Quotation marks, dashes and Arabic number punctuation folded to ASCII
// after NFKC (which keeps most of them). Returns 0 for "leave alone".
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
    // The separators and sign that go with Arabic-Indic digits, which fold
    // to ASCII digits (FoldOptionalMarks): ٢٧٫٢٥ ٪ is 27.25 %.
    case 0x066B:
      return '.';
    case 0x066C:
      return ',';
    case 0x066A:
      return '%';
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

// How a script's words are found. Most scripts space their words. In
// Chinese and Japanese a Han or kana character is a token of its own: it is
// a morpheme, and shingles of characters serve them. Thai, Lao, Khmer and
// Burmese write words without spaces in letters: ICU's dictionaries find
// them (as letters, two Thai sentences on football and the weather shared
// most of their tokens and matched as one claim: review 39b-02).
enum class WordsBy { kSpaces, kCharacters, kDictionary };

WordsBy WordsOf(UChar32 c) {
  if (c < 0x0E00) return WordsBy::kSpaces;
  UErrorCode status = U_ZERO_ERROR;
  switch (uscript_getScript(c, &status)) {
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
      return WordsBy::kCharacters;
    case USCRIPT_THAI:
    case USCRIPT_LAO:
    case USCRIPT_KHMER:
    case USCRIPT_MYANMAR:
      return WordsBy::kDictionary;
    default:
      return WordsBy::kSpaces;
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

bool IsAlpha(UChar32 c) {
  return c < 0x80 ? ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') : u_isalpha(c);
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
      } else if (const UChar32 f = FoldOptionalMarks(c); f >= 0) {
        AppendCodePoint(&t, f);
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
      } else if (const UChar32 f = FoldOptionalMarks(c); f != c) {
        if (f >= 0) AppendCodePoint(&t, f);
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

namespace {

// Tokens written to the front of a buffer that only grows (TokenizeInto).
class TokenSink {
 public:
  explicit TokenSink(std::vector<Token>* buffer) : buffer_(buffer) {}
  // Room for k more tokens; where the next one goes. Write them there and
  // Commit them.
  Token* Reserve(size_t k) {
    if (buffer_->size() < count_ + k) {
      buffer_->resize(std::max(count_ + k, 2 * buffer_->size()));
    }
    return buffer_->data() + count_;
  }
  void Commit(size_t k) { count_ += k; }
  void Push(const Token& t) {
    *Reserve(1) = t;
    ++count_;
  }
  size_t count() const { return count_; }

 private:
  std::vector<Token>* buffer_;
  size_t count_ = 0;
};

// The tokenizer's state between characters, shared by its three paths.
struct TokenizerState {
  int32_t start = -1;     // Start of the current token, or -1.
  UChar32 prev = 0;       // Last character of the current token.
  bool run_break = true;  // A boundary was seen since the last token.
  bool terminal = false;  // A sentence end (. ! ? ; :) is pending: only
                          // white space and closers came after it.

  void Close(int32_t end, TokenSink* out) {
    if (start >= 0) {
      out->Push(Token{static_cast<uint32_t>(start), static_cast<uint32_t>(end),
                      run_break});
      run_break = false;
      start = -1;
    }
  }
  void Open(int32_t at) {
    start = at;
    terminal = false;
  }
};

// The run of word characters of a dictionary script (WordsBy::kDictionary,
// with the marks that follow them) at s[at, end), cut into words by ICU's
// word break rules and dictionaries, each a token. Returns the run's end.
int32_t TokenizeDictionaryRun(const char* s, int32_t at, int32_t n,
                              TokenizerState* st, TokenSink* out) {
  int32_t end = at;
  while (end < n) {
    int32_t j = end;
    UChar32 c;
    U8_NEXT(s, j, n, c);
    if (c < 0 || !IsWordChar(c) ||
        !(WordsOf(c) == WordsBy::kDictionary ||
          (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0)) {
      break;
    }
    end = j;
  }
  thread_local std::unique_ptr<icu::BreakIterator> words;
  UErrorCode status = U_ZERO_ERROR;
  if (words == nullptr) {
    words.reset(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  }
  const icu::UnicodeString run =
      icu::UnicodeString::fromUTF8(icu::StringPiece(s + at, end - at));
  if (U_FAILURE(status) || words == nullptr) {
    words.reset();
    st->Close(at, out);
    st->Open(at);
    st->Close(end, out);
    return end;
  }
  words->setText(run);
  // UTF-16 boundaries back to bytes: one walk along both.
  int32_t byte = at, unit = 0;
  for (int32_t b = words->next(); b != icu::BreakIterator::DONE;
       b = words->next()) {
    const int32_t begin = byte;
    while (unit < b && byte < end) {
      UChar32 c;
      U8_NEXT(s, byte, end, c);
      unit += c > 0xFFFF ? 2 : 1;
    }
    st->Close(begin, out);
    st->Open(begin);
    st->Close(byte, out);
  }
  return end;
}

// The definition: one character at s[i], returns where the next starts.
// The other two paths give exactly the tokens this one gives.
int32_t TokenizeChar(const char* s, int32_t i, int32_t n, TokenizerState* st,
                     TokenSink* out) {
  const int32_t at = i;
  UChar32 c;
  U8_NEXT(s, i, n, c);
  if (c < 0) c = 0xFFFD;
  if (IsWordChar(c)) {
    const WordsBy words = WordsOf(c);
    if (words == WordsBy::kDictionary) {
      st->Close(at, out);
      return TokenizeDictionaryRun(s, at, n, st, out);
    }
    if (words == WordsBy::kCharacters) {
      st->Close(at, out);
      st->Open(at);
      st->Close(i, out);
      return i;
    }
    if (st->start < 0) st->Open(at);
    st->prev = c;
    return i;
  }
  // Joiners: keep "state's" and "1,000.5" whole when the next character
  // continues the word.
  if (st->start >= 0 && i < n) {
    int32_t j = i;
    UChar32 next;
    U8_NEXT(s, j, n, next);
    if ((c == '\'' || c == 0x2019) && u_isalpha(st->prev) && next >= 0 &&
        u_isalpha(next)) {
      return i;
    }
    if ((c == '.' || c == ',') && IsDigit(st->prev) && next >= 0 &&
        IsDigit(next)) {
      return i;
    }
  }
  st->Close(at, out);
  // A lone '\r' ends a line in old Mac files, as '\n' does (CRLF: two
  // breaks in a row, one boundary).
  if (c == '\n' || c == '\r' || c == 0x3002 || c == 0xFF61 || c == 0x2029) {
    st->run_break = true;
  } else if (c == '.' || c == '!' || c == '?' || c == ';' || c == ':') {
    st->terminal = true;
  } else if (st->terminal &&
             (c == ' ' || c == '\t' || c == '\r' || u_isUWhiteSpace(c))) {
    st->run_break = true;
  } else if (c != '"' && c != '\'' && c != ')') {
    // Closing quotes and brackets may sit between the stop and the space.
    st->terminal = false;
  }
  return i;
}

// TokenizeAsciiBlock's general case, a block with punctuation or control
// bytes: which bytes are in tokens (joiners included), where run
// boundaries fall, and after which bytes a sentence end is pending.
template <typename Get>
void ClassifyAsciiBlock(const char* s, int32_t n, int32_t e, int len,
                        const Get& get, const internal::TokenClasses& c,
                        const TokenizerState* st, uint64_t word,
                        uint64_t* token, uint64_t* breaks, uint64_t* pending) {
  const uint64_t digit = get(c.digit);
  const uint64_t alpha = word & ~digit;
  // Joiners: an apostrophe between letters, '.' or ',' between digits. The
  // byte before bit 0 is the state's token; the character after the last
  // byte is read when it could matter.
  const bool in_token = st->start >= 0;
  const uint64_t apostrophe = get(c.apostrophe), dot_comma = get(c.dot_comma);
  uint64_t alpha_after = alpha >> 1, digit_after = digit >> 1;
  if (e < n && ((apostrophe | dot_comma) >> (len - 1) & 1) != 0) {
    int32_t j = e;
    UChar32 next;
    U8_NEXT(s, j, n, next);
    if (next >= 0) {
      alpha_after |= uint64_t{IsAlpha(next)} << (len - 1);
      digit_after |= uint64_t{IsDigit(next)} << (len - 1);
    }
  }
  const uint64_t alpha_before =
      alpha << 1 | uint64_t{in_token && IsAlpha(st->prev)};
  const uint64_t digit_before =
      digit << 1 | uint64_t{in_token && IsDigit(st->prev)};
  const uint64_t join = (apostrophe & alpha_before & alpha_after) |
                        (dot_comma & digit_before & digit_after);
  *token = word | join;
  // Pending sentence ends: set by a stop, kept through white space and
  // closers, cleared by anything else (a token included). After byte b it
  // is pending iff a stop came at some s <= b and every byte in [s, b]
  // keeps it: adding the stops to the runs of keeping bytes clears each
  // run from its first stop on, which the complement reads back (the stops
  // themselves are added back, as a second stop in one run adds without a
  // carry).
  const uint64_t keeps = get(c.keeps_stop) & ~*token;
  const uint64_t stops =
      (get(c.stop) & ~*token) | uint64_t{st->terminal && (keeps & 1) != 0};
  *pending = (keeps & ~(keeps + stops)) | stops;
  // Run boundaries: a newline, or white space while a stop is pending.
  *breaks = get(c.newline) |
            (get(c.white) & (*pending << 1 | uint64_t{st->terminal}));
}

// Bytes [i, end of i's 64-byte block or of the text) when that block is all
// ASCII, by bit operations on its class masks: the same tokens as
// TokenizeChar over each byte, without a branch per character. Returns
// where it stopped.
int32_t TokenizeAsciiBlock(const char* s, int32_t i, int32_t n,
                           const internal::TokenClasses& c, TokenizerState* st,
                           TokenSink* out) {
  const size_t w = static_cast<size_t>(i) >> 6;
  const int lo = i & 63;
  const int32_t e = std::min<int32_t>(static_cast<int32_t>((w + 1) * 64), n);
  const int len = e - i;  // 1..64 bytes; bit b is byte i + b.
  const uint64_t range = len == 64 ? ~uint64_t{0} : (uint64_t{1} << len) - 1;
  auto get = [&](const std::vector<uint64_t>& m) {
    return (m[w] >> lo) & range;
  };
  const uint64_t word = get(c.word), space = get(c.space);
  const bool in_token = st->start >= 0;
  uint64_t token, breaks, pending;
  if ((word | space) == range) {
    // Letters, digits and spaces alone (most blocks of plain prose): no
    // joiner, and a boundary only where a pending stop meets the leading
    // spaces.
    token = word;
    breaks = uint64_t{st->terminal} & space & 1;
    pending = token == 0 ? uint64_t{st->terminal} << (len - 1) : 0;
  } else {
    ClassifyAsciiBlock(s, n, e, len, get, c, st, word, &token, &breaks,
                       &pending);
  }
  // Token starts and ends are the edges of `token`: the k-th end closes the
  // token of the k-th start (or, first, the token carried in). Locals, not
  // `st`: stores into `out` could alias it.
  const uint64_t edges = (token ^ (token << 1 | uint64_t{in_token})) & range;
  uint64_t starts = edges & token, ends = edges & ~token;
  int32_t start = st->start;
  bool run_break = st->run_break;
  int gap = 0;  // First bit of the gap before the next token.
  // At most 33 tokens end here: the one carried in and one per start. No
  // capacity check per token.
  Token* const first = out->Reserve(33);
  Token* next = first;
  auto emit = [&](int32_t begin, int end_bit) {
    *next++ = Token{static_cast<uint32_t>(begin),
                    static_cast<uint32_t>(i + end_bit), run_break};
    run_break = false;
    gap = end_bit;
    ends &= ends - 1;
  };
  auto below = [](int bit) { return (uint64_t{1} << bit) - 1; };
  bool open = in_token && ends == 0;  // Then there are no starts either.
  if (in_token && ends != 0) emit(start, __builtin_ctzll(ends));
  while (starts != 0) {
    const int bit = __builtin_ctzll(starts);
    starts &= starts - 1;
    run_break |= (breaks & below(bit) & ~below(gap)) != 0;
    if (ends == 0) {  // The last token goes on past the block.
      start = i + bit;
      open = true;
      break;
    }
    emit(i + bit, __builtin_ctzll(ends));
  }
  if (open) {
    st->prev = static_cast<unsigned char>(s[e - 1]);
  } else {
    start = -1;
    run_break |= (breaks >> gap) != 0;
  }
  out->Commit(static_cast<size_t>(next - first));
  st->start = start;
  st->run_break = run_break;
  st->terminal = (pending >> (len - 1)) & 1;
  return e;
}

// internal::JoinWrappedRuns, with next_break(i) the first '\n' or '\r'
// at or after i (text.size() or more if none). Read in the text, break by
// break, not token by token: a look at every token's flag cost 2% of a
// scan, and most texts have a line break every few hundred bytes. The
// tokens are looked up only for the breaks joined.
template <typename NextBreak>
size_t JoinWrappedRunsWith(std::string_view text, std::span<Token> tokens,
                           NextBreak next_break) {
  const size_t n = text.size();
  auto is_break = [](char c) { return c == '\n' || c == '\r'; };
  auto is_blank = [](char c) { return c == ' ' || c == '\t'; };
  // Whether the character that ends at `e` ends a sentence (beside . ! ?
  // : ; in ASCII, and the fullwidth forms NFKC folds to them): the
  // ideographic and halfwidth full stops, the Arabic question mark and
  // full stop, the Devanagari dandas, the Burmese, Khmer, Tibetan,
  // Armenian and Ethiopic full stops, the paragraph separator. Any other
  // character that is no word ("،", "、", "€") may end a wrapped line.
  auto ends_sentence = [&](size_t e) {
    int32_t i = static_cast<int32_t>(e);
    UChar32 c;
    U8_PREV(text.data(), 0, i, c);
    switch (c) {
      case 0x3002:
      case 0xFF61:
      case 0x061F:
      case 0x06D4:
      case 0x0964:
      case 0x0965:
      case 0x104A:
      case 0x104B:
      case 0x17D4:
      case 0x17D5:
      case 0x0F0D:
      case 0x0589:
      case 0x1362:
      case 0x2029:
        return true;
      default:
        return false;
    }
  };
  // The breaks that may run a sentence on: where each is (`at`), the line
  // it ends and the next line's first word (`open`). Per thread, and let
  // go of past a few thousand lines, not to keep what a text of many
  // lines grew them to.
  thread_local std::vector<size_t> at;
  thread_local std::vector<internal::WrapCandidate> open;
  thread_local std::vector<char> is_full;
  at.clear();
  open.clear();
  struct Release {
    ~Release() {
      if (at.capacity() > 4096) {
        std::vector<size_t>().swap(at);
        std::vector<internal::WrapCandidate>().swap(open);
        std::vector<char>().swap(is_full);
      }
    }
  } release;
  size_t single = 0;      // Breaks with words on both sides and no other break.
  size_t line_begin = 0;  // Where the line the next break ends began.
  for (size_t b = next_break(0); b < n; b = next_break(line_begin)) {
    // LF, CRLF, CR, and CR CR LF (a CRLF file converted again) are one.
    size_t e = b + 1;
    if (text[b] == '\r' && e < n && text[e] == '\r' && e + 1 < n &&
        text[e + 1] == '\n') {
      e += 2;
    } else if (text[b] == '\r' && e < n && text[e] == '\n') {
      ++e;
    }
    const size_t this_line = line_begin;
    line_begin = e;
    // Back to the last word: punctuation and blanks, no stop (. ! ? : ;),
    // no other break (then a blank line: a paragraph).
    size_t k = b;
    bool on = true, word = false, other_break = false;
    while (k > 0) {
      const char c = text[k - 1];
      if (kAsciiWord[static_cast<unsigned char>(c)]) {
        word = true;
        break;
      }
      if (static_cast<unsigned char>(c) >= 0x80) {
        int32_t i = static_cast<int32_t>(k);
        UChar32 u;
        U8_PREV(text.data(), 0, i, u);
        if (u >= 0 && IsWordChar(u)) {
          word = true;
          break;
        }
        on = on && !ends_sentence(k);
        k = static_cast<size_t>(i);
        continue;
      }
      if (is_break(c)) {
        other_break = true;
        break;
      }
      if (c == '.' || c == '!' || c == '?' || c == ':' || c == ';') on = false;
      --k;
    }
    if (!word || other_break) continue;
    const size_t line_end = k;
    // On to the next word, past what may open a wrapped line
    // (internal::OpensWrappedLine).
    k = e;
    word = false;
    while (k < n) {
      const char c = text[k];
      if (kAsciiWord[static_cast<unsigned char>(c)]) {
        word = true;
        break;
      }
      if (is_break(c)) {
        other_break = true;
        break;
      }
      int32_t i = static_cast<int32_t>(k);
      UChar32 u;
      U8_NEXT(text.data(), i, static_cast<int32_t>(n), u);
      if (u >= 0 && internal::OpensWrappedLine(u)) {
        k = static_cast<size_t>(i);
        continue;
      }
      // A word beyond ASCII, or a bullet, a dash or other punctuation,
      // before which the break is kept.
      word = true;
      on = on && u >= 0 && IsWordChar(u);
      break;
    }
    if (!word || other_break) continue;
    ++single;
    if (!on) continue;
    size_t first = this_line;
    while (first < line_end && is_blank(text[first])) ++first;
    size_t word_begin = e;
    while (is_blank(text[word_begin])) ++word_begin;
    size_t word_end = k;
    while (word_end < n && !is_blank(text[word_end]) &&
           !is_break(text[word_end])) {
      ++word_end;
    }
    // A million lines that may run on make no article (a wrapped one of
    // that size would be 70 MB): the text is left as it is rather than
    // held line by line (a record of 10 million short lines took 480 MB
    // more and 0.7 s, review 50b-08).
    if (open.size() == (size_t{1} << 20)) return 0;
    at.push_back(b);
    open.push_back({text.substr(first, line_end - first),
                    text.substr(word_begin, word_end - word_begin)});
  }
  if (open.size() < 3 || open.size() * 2 < single) return 0;
  // Wrapped when most of those lines are full (FullWrappedLines), and they
  // are half of the text's line breaks between words. A headline or a
  // subheading is a short line, and stays apart.
  if (!internal::FullWrappedLines(open, &is_full)) return 0;
  const auto num_full =
      static_cast<size_t>(std::count(is_full.begin(), is_full.end(), 1));
  if (num_full * 2 < single) return 0;
  size_t joined = 0;
  auto from = tokens.begin();
  for (size_t i = 0; i < open.size(); ++i) {
    if (!is_full[i]) continue;
    // The first token after the break, which the break made start a run.
    from =
        std::upper_bound(from, tokens.end(), at[i],
                         [](size_t b, const Token& t) { return b < t.begin; });
    if (from == tokens.end()) break;
    from->starts_run = false;
    ++joined;
  }
  return joined;
}

}  // namespace

namespace internal {

bool OpensWrappedLine(UChar32 c) {
  switch (c) {
    case ' ':
    case '\t':
    case '"':
    case '\'':
    case '(':
    case '[':
    case '$':
    case '@':
    case '&':
    case '>':
    case 0x201C:  // “ ‘ « „: quotation marks as written (normalized
    case 0x2018:  // text has only " and ').
    case 0x00AB:
    case 0x201E:
    case 0x00BF:  // ¿ ¡
    case 0x00A1:
    case 0x00A3:  // £ ¥ €
    case 0x00A5:
    case 0x20AC:
      return true;
    default:
      return false;
  }
}

bool FullWrappedLines(std::span<const WrapCandidate> lines,
                      std::vector<char>* full) {
  full->assign(lines.size(), 0);
  if (lines.size() < 3) return false;
  // Not kept per thread: a few hundred lines in one text, and up to a
  // million (JoinWrappedRuns).
  std::vector<size_t> line_length, sorted;
  line_length.reserve(lines.size());
  for (const WrapCandidate& l : lines) {
    line_length.push_back(CountChars(l.line));
  }
  sorted = line_length;
  const size_t p90 = (sorted.size() - 1) * 9 / 10;
  std::nth_element(sorted.begin(), sorted.begin() + p90, sorted.end());
  if (sorted[p90] < 40 || sorted[p90] > 120) return false;
  const size_t width = sorted[p90] - sorted[p90] / 10;
  size_t num_full = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    (*full)[i] =
        line_length[i] + 1 + CountChars(lines[i].next_word) > width ? 1 : 0;
    num_full += static_cast<size_t>((*full)[i]);
  }
  if (num_full >= 3 && num_full * 3 >= lines.size() * 2) return true;
  full->assign(lines.size(), 0);
  return false;
}

size_t JoinWrappedRuns(std::string_view text, std::span<Token> tokens) {
  return JoinWrappedRunsWith(text, tokens, [&](size_t from) {
    return std::min(text.find('\r', from), text.find('\n', from));
  });
}

}  // namespace internal

void Tokenize(std::string_view text, std::vector<Token>* out) {
  // Into a buffer that keeps its size, then copied: `out` ends with exactly
  // its tokens, and growing it back next time would value-initialize them.
  thread_local std::vector<Token> buffer;
  const size_t n = internal::TokenizeInto(text, &buffer);
  out->assign(buffer.begin(), buffer.begin() + static_cast<ptrdiff_t>(n));
}

namespace internal {

size_t TokenizeInto(std::string_view text, std::vector<Token>* buffer) {
  TokenSink sink(buffer);
  TokenSink* const out = &sink;
  thread_local TokenClasses classes;
  ClassifyTokenBytes(text, &classes);
  const char* s = text.data();
  const int32_t n = static_cast<int32_t>(text.size());
  TokenizerState st;
  int32_t i = 0;
  while (i < n) {
    if (classes.high[static_cast<size_t>(i) >> 6] == 0) {
      i = TokenizeAsciiBlock(s, i, n, classes, &st, out);
      continue;
    }
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (kAsciiWord[b] || b == ' ') {
      // In a block with non-ASCII bytes: the stretch of ASCII letters,
      // digits and spaces up to the next other byte. Its tokens are its
      // runs of word bytes, read off the edges of the word mask. Only a
      // space at its start can set a run break: a token opened in it clears
      // `terminal`.
      const int32_t end = static_cast<int32_t>(
          internal::NextZeroBit(classes.word, classes.space, i));
      if (b == ' ' && st.terminal) st.run_break = true;
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
              (before & ~(uint64_t{1} << lo)) | (uint64_t{st.start >= 0} << lo);
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
            st.start = pos;
            opened = true;
          } else {
            out->Push(Token{static_cast<uint32_t>(st.start),
                            static_cast<uint32_t>(pos), st.run_break});
            st.run_break = false;
            st.start = -1;
          }
          edges &= edges - 1;
        }
      }
      if (opened) st.terminal = false;
      if (st.start >= 0) st.prev = static_cast<unsigned char>(s[end - 1]);
      i = end;
      continue;
    }
    i = TokenizeChar(s, i, n, &st, out);
  }
  st.Close(n, out);
  // The line breaks from the classes' mask: no second pass over the text.
  const std::vector<uint64_t>& nl = classes.newline;
  JoinWrappedRunsWith(
      text, std::span<Token>(buffer->data(), sink.count()), [&](size_t from) {
        size_t w = from >> 6;
        if (w >= nl.size()) return text.size();
        uint64_t x = nl[w] & (~uint64_t{0} << (from & 63));
        while (x == 0) {
          if (++w >= nl.size()) return text.size();
          x = nl[w];
        }
        return std::min(text.size(),
                        (w << 6) + static_cast<size_t>(__builtin_ctzll(x)));
      });
  return sink.count();
}

void TokenizeReference(std::string_view text, std::vector<Token>* out) {
  TokenSink sink(out);
  const int32_t n = static_cast<int32_t>(text.size());
  TokenizerState st;
  for (int32_t i = 0; i < n;) i = TokenizeChar(text.data(), i, n, &st, &sink);
  st.Close(n, &sink);
  out->resize(sink.count());
  JoinWrappedRuns(text, *out);
}

}  // namespace internal

size_t CountWords(std::string_view text) {
  thread_local std::vector<Token> tokens;
  return internal::TokenizeInto(text, &tokens);
}

}  // namespace refrain

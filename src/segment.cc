#include "refrain/segment.h"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/ures.h>
#include <unicode/utext.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "normalize_internal.h"
#include "refrain/normalize.h"
#include "utf8.h"

namespace refrain {
namespace {

// Abbreviations common in news that ICU 72's English suppression list lacks
// (it has "Mr." but not "Dr." or "Gen."), so "Dr. Smith" stays one sentence.
constexpr const char* kExtraAbbreviations[] = {
    "Dr.", "Gen.", "Col.", "Lt.", "Sgt.", "Capt.", "Gov.", "Sen.", "Rep.",
    "Prof.", "St.", "Jr.", "Sr.", "No.", "Inc.", "Corp.", "Ltd.", "Co.", "Jan.",
    "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.", "vs.", "Mt.", "Ft.",
    "Rev.", "Hon.", "Pres.", "Adm.", "Maj.", "Cmdr.", "Gens.", "Sens.", "Reps.",
    "Mmes.", "approx.",
    // German news abbreviations that ICU 72's German list lacks (review
    // 39b-04: "12 Mrd. Euro" was two sentences).
    "Mrd.", "Mio.", "Nr.", "bzw.", "Tsd.", "inkl.", "vgl.", "ggf.", "ca.",
    // Company words in capitals ("SAMSUNG ELECTRONICS CO. LTD."), which
    // ICU's "O." and "D." kept while it matched word ends.
    "CO.", "CORP.", "INC.", "LTD."};

// Abbreviations of one language that are words of others (Swedish and
// Danish "sig", review 51c-01): Spanish "EE. UU." (the United States; its
// last part ends a sentence), Italian "sig." (ICU lists only "Sig.").
struct LanguageAbbreviations {
  std::string_view language;
  std::initializer_list<const char*> words;
};
constexpr LanguageAbbreviations kLanguageAbbreviations[] = {
    {"es", {"EE."}}, {"it", {"sig.", "sigg."}}};

// Abbreviations that often end a sentence: an era after a year ("siglo II
// a. C. Fueron ..."), a company's or association's form ("Fiat S.p.A. Il
// titolo ...", "TSV e.V. Der Eintritt ..."). Their parts keep together,
// but their end is a sentence's end to ICU's rules (review 51c-02, 04).
constexpr std::string_view kOftenLast[] = {
    "a. C.",  "d. C.",  "a.C.",      "d.C.",      "v. Chr.", "n. Chr.",
    "v.Chr.", "n.Chr.", "av. J.-C.", "ap. J.-C.", "e.V.",    "S.p.A.",
    "S.A.",   "S.L.",   "a. e. c.",  "e. c."};

// Words that often open an English sentence: a capitalized word after an
// initial or an initialism that is one of these starts a new sentence
// ("... drawn in Group B. The first match"), any other keeps it ("John E.
// Kelly", "the U.S. Treasury").
bool OpensEnglishSentence(std::string_view word) {
  static constexpr std::string_view kOpeners[] = {
      "A",     "An",   "And",   "As",    "At",   "But",     "By",
      "For",   "From", "He",    "Her",   "His",  "However", "I",
      "If",    "In",   "It",    "Its",   "Last", "Mr",      "Mrs",
      "Ms",    "No",   "Now",   "On",    "One",  "Our",     "She",
      "Since", "So",   "Some",  "That",  "The",  "Their",   "There",
      "These", "They", "This",  "Those", "To",   "Under",   "We",
      "What",  "When", "While", "Why",   "With", "Yet",     "You"};
  return std::find(std::begin(kOpeners), std::end(kOpeners), word) !=
         std::end(kOpeners);
}

// The words after which a sentence does not end ("Dr.", "z.B.", "n. Chr."):
// CLDR's list for the locale, as ICU ships it, and kExtraAbbreviations.
// ICU's own filter (FilteredBreakIteratorBuilder) matches an entry as the
// end of whatever precedes the stop, so German's "r." and "b." kept "um 22
// Uhr. Die Polizei ..." and every sentence ending in "-er." or "-b." one
// with the next (review 51b-01), and English's "F." and "O." did the same
// after "IMF." and "NATO."; an entry here must be a whole word (nothing
// but a space, a bracket or a quote before it). ICU's filter also drops
// "z." when the text does not go on as its longer entry "z.B." does, so
// "z. B." (with a space) ended a sentence; here each entry stands alone.
class BreakExceptions {
 public:
  explicit BreakExceptions(const std::string& locale)
      : language_(locale.substr(0, locale.find_first_of("_-@"))),
        english_(language_ == "en") {
    for (const char* a : kExtraAbbreviations) {
      Add(icu::UnicodeString::fromUTF8(a));
    }
    for (const LanguageAbbreviations& l : kLanguageAbbreviations) {
      if (l.language != language_) continue;
      for (const char* a : l.words) Add(icu::UnicodeString::fromUTF8(a));
    }
    LoadCldr(locale);
  }

  // Whether the break at units[at] of units[0, size) follows an entry (and
  // blanks), or falls inside one of several words ("v. | Chr.").
  bool At(const UChar* units, int32_t at, int32_t size) const {
    int32_t e = at;
    while (e > 0 && u_isUWhiteSpace(units[e - 1])) --e;
    if (e < 2 || units[e - 1] != '.') return false;
    // Thai and Lao end no sentence with a stop: after their letters it
    // marks an abbreviation ("กนง.", the central bank's policy committee;
    // review 51b-02).
    if (units[e - 2] >= 0x0E01 && units[e - 2] <= 0x0EDF) return true;
    for (const Split& sp : inside_) {
      if (EndsWith(units, e, sp.head) && StartsWith(units, at, size, sp.tail)) {
        return true;
      }
    }
    auto it = by_end_.find(KeyOf(units[e - 2], units[e - 1]));
    if (it == by_end_.end()) return false;
    for (const Entry& entry : it->second) {
      if (!EndsWith(units, e, entry.text)) continue;
      if (!entry.initial) return true;
      // An initial: in English, before a word that rarely opens a
      // sentence (ICU's rules break only before a capital); in other
      // languages, whose nouns or sentence openers this does not know,
      // never ("Gruppe A. Gegner ...": review 51c-03).
      if (!english_) continue;
      int32_t w = at;
      while (w < size && u_isalpha(units[w])) ++w;
      std::string next;
      icu::UnicodeString(units + at, w - at).toUTF8String(next);
      if (!OpensEnglishSentence(next)) return true;
    }
    return false;
  }

 private:
  struct Entry {
    std::u16string text;
    bool initial = false;  // One capital letter and its stop: "B.".
  };
  // An entry of several words cut at one of its spaces: "v." and "Chr.".
  struct Split {
    std::u16string head, tail;
  };
  static uint32_t KeyOf(UChar a, UChar b) {
    return static_cast<uint32_t>(a) << 16 | b;
  }
  // A letter, digit, mark, stop or ampersand before an entry makes it the
  // end of a longer word ("Uhr." is no "r.", "U.S." no "S.", "M&S." no
  // "S.").
  static bool ContinuesWord(UChar c) {
    return c == '.' || c == '&' || u_isalnum(c) ||
           (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0;
  }
  // Whether units[0, e) ends with `s` as a whole word.
  static bool EndsWith(const UChar* units, int32_t e, const std::u16string& s) {
    const auto n = static_cast<int32_t>(s.size());
    return n <= e &&
           std::char_traits<char16_t>::compare(
               s.data(), reinterpret_cast<const char16_t*>(units + e - n), n) ==
               0 &&
           (e == n || !ContinuesWord(units[e - n - 1]));
  }
  // Whether units[at, size) starts with `s`.
  static bool StartsWith(const UChar* units, int32_t at, int32_t size,
                         const std::u16string& s) {
    const auto n = static_cast<int32_t>(s.size());
    return at + n <= size &&
           std::char_traits<char16_t>::compare(
               s.data(), reinterpret_cast<const char16_t*>(units + at), n) == 0;
  }
  // An initialism: single letters, each with its stop, two or more
  // ("U.S.", "z.B.", "a.m."); `capitals`: all of them capitals.
  static bool IsInitialism(const icu::UnicodeString& e, bool* capitals) {
    *capitals = true;
    if (e.length() < 4 || e.length() % 2 != 0) return false;
    for (int32_t i = 0; i < e.length(); i += 2) {
      if (!u_isalpha(e[i]) || e[i + 1] != u'.') return false;
      *capitals = *capitals && u_isupper(e[i]);
    }
    return true;
  }
  void Add(const icu::UnicodeString& entry) {
    if (entry.length() < 2 || entry[entry.length() - 1] != u'.') return;
    std::u16string e(reinterpret_cast<const char16_t*>(entry.getBuffer()),
                     entry.length());
    // Initialisms in capitals name a country or body, which may end a
    // sentence ("... flew back to the U.S. The talks ..."); in English
    // IsInitialismBreak decides for every initialism by the word after it
    // ("the U.S. Treasury", "at 9 a.m. Monday"). ICU applied them about
    // so (not "U.S." before a capital, but "z.B." and "P.O.").
    bool capitals = false;
    if (IsInitialism(entry, &capitals) && (english_ || capitals)) return;
    std::string utf8;
    entry.toUTF8String(utf8);
    const bool often_last =
        std::find(std::begin(kOftenLast), std::end(kOftenLast), utf8) !=
        std::end(kOftenLast);
    // The breaks inside an entry of several words.
    for (size_t sp = e.find(u' '); sp != std::u16string::npos;
         sp = e.find(u' ', sp + 1)) {
      inside_.push_back(Split{e.substr(0, sp), e.substr(sp + 1)});
    }
    if (often_last) return;
    Entry x;
    x.initial = e.size() == 2 && u_isupper(e[0]);
    x.text = std::move(e);
    std::vector<Entry>& list =
        by_end_[KeyOf(x.text[x.text.size() - 2], x.text.back())];
    for (const Entry& y : list) {
      if (y.text == x.text) return;
    }
    list.push_back(std::move(x));
  }
  // ICU's break-iterator data for the locale, else for its language:
  // exceptions/SentenceBreak, the list ICU's filter reads.
  void LoadCldr(const std::string& locale) {
    const std::string package = std::string(U_ICUDATA_NAME) + "-brkitr";
    for (const std::string& name : {locale, language_}) {
      UErrorCode status = U_ZERO_ERROR;
      UResourceBundle* bundle =
          ures_open(package.c_str(), name.c_str(), &status);
      UResourceBundle* exceptions =
          ures_getByKey(bundle, "exceptions", nullptr, &status);
      UResourceBundle* list =
          ures_getByKey(exceptions, "SentenceBreak", nullptr, &status);
      const bool found = U_SUCCESS(status);
      for (int32_t i = 0; found && i < ures_getSize(list); ++i) {
        int32_t len = 0;
        UErrorCode s = U_ZERO_ERROR;
        const UChar* entry = ures_getStringByIndex(list, i, &len, &s);
        if (U_SUCCESS(s)) Add(icu::UnicodeString(entry, len));
      }
      ures_close(list);
      ures_close(exceptions);
      ures_close(bundle);
      if (found) return;
    }
  }

  std::string language_;
  bool english_;
  absl::flat_hash_map<uint32_t, std::vector<Entry>> by_end_;
  std::vector<Split> inside_;
};

// One sentence iterator (ICU's rules, no exceptions) and the locale's
// exceptions per thread and locale: creating them costs far more than
// using them.
struct SentenceBreaker {
  std::unique_ptr<icu::BreakIterator> it;
  std::unique_ptr<BreakExceptions> exceptions;
};

SentenceBreaker* SentenceBreakerFor(const std::string& locale) {
  thread_local std::string cached_locale;
  thread_local SentenceBreaker breaker;
  if (!breaker.it || cached_locale != locale) {
    // Without its keywords: "@ss=standard" asks ICU for its own filter,
    // which BreakExceptions replaces.
    const std::string base = locale.substr(0, locale.find('@'));
    UErrorCode status = U_ZERO_ERROR;
    breaker.it.reset(icu::BreakIterator::createSentenceInstance(
        icu::Locale::createFromName(base.c_str()), status));
    if (U_FAILURE(status)) breaker.it.reset();
    breaker.exceptions = std::make_unique<BreakExceptions>(base);
    cached_locale = locale;
  }
  return breaker.it ? &breaker : nullptr;
}

// A paragraph in UTF-16, with the byte offset in the UTF-8 text of each
// code unit (a surrogate pair: both at its code point's), and one past the
// end at offset[size]. Buffers only grow: reused paragraph after paragraph.
struct Utf16 {
  std::vector<UChar> units;
  std::vector<uint32_t> offset;
  size_t size = 0;
};

// Paragraphs up to this many bytes keep their thread's Utf16 buffers
// (6 MB) for the next one.
constexpr size_t kKeptUtf16Units = size_t{1} << 20;

void ToUtf16(std::string_view s, Utf16* out) {
  const auto n = static_cast<int32_t>(s.size());
  // At most one unit per byte (four bytes give a surrogate pair).
  if (out->units.size() < s.size()) out->units.resize(s.size());
  if (out->offset.size() < s.size() + 1) out->offset.resize(s.size() + 1);
  UChar* u = out->units.data();
  uint32_t* at = out->offset.data();
  size_t k = 0;
  for (int32_t i = 0; i < n;) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      u[k] = b;
      at[k++] = static_cast<uint32_t>(i++);
      continue;
    }
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s.data(), i, n, c);
    if (c < 0) c = 0xFFFD;  // Invalid bytes: one replacement character.
    if (c <= 0xFFFF) {
      u[k] = static_cast<UChar>(c);
      at[k++] = static_cast<uint32_t>(start);
    } else {
      u[k] = U16_LEAD(c);
      at[k++] = static_cast<uint32_t>(start);
      u[k] = U16_TRAIL(c);
      at[k++] = static_cast<uint32_t>(start);
    }
  }
  at[k] = static_cast<uint32_t>(n);
  out->size = k;
}

void AddTrimmed(std::string_view text, uint32_t b, uint32_t e,
                std::vector<Span>* out) {
  internal::TrimSpace(text, &b, &e);
  if (b < e) out->push_back(Span{b, e});
}

// Month names before which a sentence break after an ordinal ("3.") is
// dropped, by the locale's language: languages that write the ordinal's stop
// and capitalize months. ICU's rules end a sentence at "3. Oktober" (a
// capitalized word after a stop), with or without the locale's suppressions.
std::span<const std::string_view> OrdinalMonths(std::string_view locale) {
  static constexpr std::string_view kGerman[] = {
      "Januar",  "J\u00e4nner", "Februar", "M\u00e4rz", "April",
      "Mai",     "Juni",        "Juli",    "August",    "September",
      "Oktober", "November",    "Dezember"};
  const std::string_view language =
      locale.substr(0, locale.find_first_of("_-@"));
  if (language == "de") return kGerman;
  return {};
}

// The code point before / at byte `i` of `text` (U_SENTINEL, negative, at
// its ends or in bad UTF-8).
UChar32 CodePointBefore(std::string_view text, size_t begin, size_t i) {
  if (i <= begin) return U_SENTINEL;
  auto at = static_cast<int32_t>(i - begin);
  UChar32 c;
  U8_PREV(reinterpret_cast<const uint8_t*>(text.data() + begin), 0, at, c);
  return c;
}
UChar32 CodePointAt(std::string_view text, size_t i) {
  if (i >= text.size()) return U_SENTINEL;
  int32_t at = 0;
  UChar32 c;
  U8_NEXT(reinterpret_cast<const uint8_t*>(text.data() + i), at,
          static_cast<int32_t>(text.size() - i), c);
  return c;
}

// The start of the white space (no-break spaces too) that ends at text[i],
// not before `begin`: i itself when none.
size_t SkipSpaceBack(std::string_view text, size_t begin, size_t i) {
  for (UChar32 c = CodePointBefore(text, begin, i);
       c >= 0 && u_isUWhiteSpace(c); c = CodePointBefore(text, begin, i)) {
    i -= static_cast<size_t>(U8_LENGTH(c));
  }
  return i;
}

// Whether ICU's break before text[at] follows an ordinal day ("3.", "31.":
// one or two digits and a stop, after the paragraph's start, a space, an
// opening bracket or quote, or a dash as in "1.-3. Mai") and comes before
// one of `months` as a whole word. Spaces include no-break ones. After a
// colon, comma or slash the digits are a score, a decimal, a time or a
// fraction ("2:1. Mai" stays two sentences).
bool IsOrdinalDateBreak(std::string_view text, size_t begin, size_t at,
                        std::span<const std::string_view> months) {
  const size_t e = SkipSpaceBack(text, begin, at);
  if (e - begin < 2 || text[e - 1] != '.') return false;
  size_t d = e - 1;
  while (d > begin && absl::ascii_isdigit(text[d - 1]) && e - d <= 4) --d;
  const size_t digits = e - 1 - d;
  if (digits < 1 || digits > 3) return false;
  if (d > begin) {
    const UChar32 c = CodePointBefore(text, begin, d);
    const int8_t type = c < 0 ? int8_t{U_UNASSIGNED} : u_charType(c);
    if (!u_isUWhiteSpace(c) && type != U_START_PUNCTUATION &&
        type != U_INITIAL_PUNCTUATION && type != U_DASH_PUNCTUATION) {
      return false;
    }
  }
  // After an article, or a preposition fused with one, the number is an
  // ordinal whatever follows: "der 1. FC Köln", "zum 5. Mal", "im 19.
  // Jahrhundert" (review 39b-04: each was cut after the stop). A number
  // ending a sentence follows a verb or a preposition alone ("stieg auf
  // 12."), never an article.
  static constexpr std::string_view kArticles[] = {
      "der",   "die",    "das",    "dem",   "den",   "des",   "Der",
      "Die",   "Das",    "Dem",    "Den",   "Des",   "zum",   "zur",
      "am",    "im",     "vom",    "beim",  "Zum",   "Zur",   "Am",
      "Im",    "Vom",    "Beim",   "ihr",   "ihre",  "ihrem", "sein",
      "seine", "seinem", "seiner", "ihrer", "jeder", "jedem"};
  size_t w = d;
  while (w > begin && (text[w - 1] == ' ' || text[w - 1] == '\t')) --w;
  if (w < d) {
    size_t v = w;
    while (v > begin && absl::ascii_isalpha(text[v - 1])) --v;
    const std::string_view before = text.substr(v, w - v);
    if ((v == begin || !absl::ascii_isalnum(text[v - 1])) &&
        std::find(std::begin(kArticles), std::end(kArticles), before) !=
            std::end(kArticles)) {
      return true;
    }
  }
  if (digits > 2) return false;
  const std::string_view next = text.substr(at);
  for (std::string_view m : months) {
    if (!next.starts_with(m)) continue;
    const UChar32 c = CodePointAt(text, at + m.size());
    if (c < 0 || !(u_isalnum(c) || c == '_')) return true;
  }
  return false;
}

// Whether text[i] starts a word of its own: at the paragraph's start
// (`begin`), or after a space or an opening bracket or quote.
bool StartsWord(std::string_view text, size_t begin, size_t i) {
  if (i <= begin) return true;
  const UChar32 c = CodePointBefore(text, begin, i);
  const int8_t type = c < 0 ? int8_t{U_UNASSIGNED} : u_charType(c);
  return u_isUWhiteSpace(c) || type == U_START_PUNCTUATION ||
         type == U_INITIAL_PUNCTUATION;
}

// Whether ICU's break before text[at] (English) follows an initialism
// ("U.S.", "U.K.", "E.U.", "a.m.": single letters each with its stop, two
// or more, after a space, an opening bracket or quote, or the paragraph's
// start) and comes before a capitalized word that rarely opens a sentence
// ("the U.S. Treasury", "at 9 a.m. Monday"). ICU ends a sentence at any
// capitalized word after a stop it does not know as an abbreviation, and
// listing "U.S." as one would join "... to the U.S. The talks ..." too; a
// sentence after an initialism mostly opens with a function word, which
// keeps its break.
bool IsInitialismBreak(std::string_view text, size_t begin, size_t at) {
  size_t e = at;
  while (e > begin && (text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
  size_t letters = 0;
  size_t b = e;
  while (b - begin >= 2 && text[b - 1] == '.' &&
         absl::ascii_isalpha(static_cast<unsigned char>(text[b - 2])) &&
         (b - 2 == begin ||
          !absl::ascii_isalnum(static_cast<unsigned char>(text[b - 3])))) {
    b -= 2;
    ++letters;
    if (b > begin && text[b - 1] != '.') break;
  }
  if (letters < 2) return false;
  if (!StartsWord(text, begin, b)) return false;
  size_t w = at;
  while (w < text.size() &&
         absl::ascii_isalpha(static_cast<unsigned char>(text[w]))) {
    ++w;
  }
  const std::string_view word = text.substr(at, w - at);
  if (word.empty() ||
      !absl::ascii_isupper(static_cast<unsigned char>(word[0]))) {
    return false;
  }
  return !OpensEnglishSentence(word);
}

// Adds the English sentence [b, e) of ICU's, cut after an acronym that
// ends a sentence before a capitalized word: "... a repayment plan with the
// IMF. Separately, ..." (review 45b-05). ICU's list suppresses a break
// after any word ending in "F." or "O.", so "IMF.", "WTO.", "IAAF." and
// "NATO." joined the next sentence. An acronym (two or more capitals, no
// stop inside) takes a stop only at a sentence's end; the company words
// written in capitals ("CO. LTD.") are left alone.
void AddEnglishSentence(std::string_view text, size_t b, size_t e,
                        std::vector<Span>* out) {
  static constexpr std::string_view kNotEnds[] = {"CO", "CORP", "INC", "LTD",
                                                  "NO", "ST",   "MR",  "MRS",
                                                  "MS", "DR",   "JR",  "SR"};
  const std::string_view sentence = text.substr(0, e);
  for (size_t stop = sentence.find(". ", b); stop != std::string_view::npos;
       stop = sentence.find(". ", stop + 2)) {
    size_t w = stop;
    while (w > b &&
           absl::ascii_isupper(static_cast<unsigned char>(text[w - 1])))
      --w;
    if (stop - w < 2 || !StartsWord(text, b, w)) continue;
    if (std::find(std::begin(kNotEnds), std::end(kNotEnds),
                  text.substr(w, stop - w)) != std::end(kNotEnds)) {
      continue;
    }
    size_t next = stop + 1;
    while (next < e && text[next] == ' ') ++next;
    if (next >= e ||
        !absl::ascii_isupper(static_cast<unsigned char>(text[next])))
      continue;
    AddTrimmed(text, static_cast<uint32_t>(b), static_cast<uint32_t>(stop + 1),
               out);
    b = stop + 1;
  }
  AddTrimmed(text, static_cast<uint32_t>(b), static_cast<uint32_t>(e), out);
}

// Adds the Russian sentence [b, e) of ICU's, cut where it holds a sum's
// abbreviation that ICU's own list keeps from ending a sentence, "тыс."
// and "руб.", followed by a capital: "Цена составила 100 тыс. руб. |
// Компания заявила ..." (review 41a-01). Before a lower-case word or a
// number they stay ("20 руб. 50 коп.", "тыс. руб."); "млн.", "млрд." and
// "коп." are ICU's breaks already.
void AddRussianSentence(std::string_view text, size_t b, size_t e,
                        std::vector<Span>* out) {
  static constexpr std::string_view kSums[] = {"тыс.", "руб."};
  std::vector<size_t> cuts;
  const std::string_view sentence = text.substr(0, e);
  for (std::string_view sum : kSums) {
    for (size_t at = sentence.find(sum, b); at != std::string_view::npos;
         at = sentence.find(sum, at + sum.size())) {
      const size_t end = at + sum.size();
      if (!StartsWord(text, b, at)) continue;
      size_t next = end;
      while (next < e && (text[next] == ' ' || text[next] == '\t')) ++next;
      const UChar32 c = next > end && next < e ? CodePointAt(text, next) : -1;
      if (c >= 0 && u_isupper(c)) cuts.push_back(end);
    }
  }
  std::sort(cuts.begin(), cuts.end());
  for (size_t cut : cuts) {
    AddTrimmed(text, static_cast<uint32_t>(b), static_cast<uint32_t>(cut), out);
    b = cut;
  }
  AddTrimmed(text, static_cast<uint32_t>(b), static_cast<uint32_t>(e), out);
}

// Whether ICU's break before text[at] (Russian) follows an abbreviation
// written as a word of its own before a name or a number: "в г. Москве"
// (город), "на ул. Тверской, д. 7" (улица, дом), "по ч. 2 ст. 105" (статья),
// "на р. Волге", "на о. Сахалин" (река, остров), or an initial of a name
// ("А. С. Пушкин"). A suppression in ICU would match the end of any word,
// and join "друга. Петербург ..." and "в Петербург. Москва ..." too; here
// the abbreviation must start its word and follow no other abbreviation
// ("и т. д. Магазин ..."). "г." and "р." after a number are a year and
// roubles, which may end a sentence ("принят в 2005 г. Новый закон ...").
// Left out, as words or sentence ends as often: "им" (им. Пушкина / писало
// им.), "обл", "пр" (и пр.). ICU's own list joins "руб.", "тыс.", "тел."
// whatever follows (review 41a-01).
bool IsRussianAbbreviationBreak(std::string_view text, size_t begin,
                                size_t at) {
  struct Abbreviation {
    std::string_view word;
    bool not_after_number;
  };
  static constexpr Abbreviation kAbbreviations[] = {
      {"г", true},       // город (after a number: год)
      {"р", true},       // река (after a number: рубль)
      {"о", false},      // остров
      {"ул", false},     // улица
      {"д", false},      // дом
      {"пл", false},     // площадь
      {"пер", false},    // переулок
      {"наб", false},    // набережная
      {"просп", false},  // проспект
      {"ст", false},     // статья, станция
      {"ч", false},      // часть
      {"пос", false}};   // посёлок
  // The letters before byte i, and after byte i.
  auto word_start = [&](size_t i) {
    for (UChar32 c = CodePointBefore(text, begin, i); c >= 0 && u_isalpha(c);
         c = CodePointBefore(text, begin, i)) {
      i -= static_cast<size_t>(U8_LENGTH(c));
    }
    return i;
  };
  auto word_end = [&](size_t i) {
    for (UChar32 c = CodePointAt(text, i); c >= 0 && u_isalpha(c);
         c = CodePointAt(text, i)) {
      i += static_cast<size_t>(U8_LENGTH(c));
    }
    return i;
  };
  // An initial: one capital letter.
  auto is_initial = [](std::string_view w) {
    int32_t k = 0;
    UChar32 c = U_SENTINEL;
    if (!w.empty()) U8_NEXT(w.data(), k, static_cast<int32_t>(w.size()), c);
    return static_cast<size_t>(k) == w.size() && c >= 0 && u_isupper(c);
  };
  const UChar32 next = CodePointAt(text, at);
  if (next < 0 || !(u_isupper(next) || u_isdigit(next))) return false;
  const size_t e = SkipSpaceBack(text, begin, at);
  if (e <= begin || text[e - 1] != '.') return false;
  const size_t w = word_start(e - 1);
  const std::string_view word = text.substr(w, e - 1 - w);
  if (word.empty()) return false;
  if (!StartsWord(text, begin, w)) return false;
  const size_t v = SkipSpaceBack(text, begin, w);  // What comes before ends.
  // Initials, before or after another: "А. С. Пушкин".
  if (is_initial(word)) {
    const bool after =
        v < w && v > begin && text[v - 1] == '.' &&
        is_initial(text.substr(word_start(v - 1), v - 1 - word_start(v - 1)));
    const size_t n = word_end(at);
    const bool before = n < text.size() && text[n] == '.' &&
                        is_initial(text.substr(at, n - at));
    return after || before;
  }
  const auto* a =
      std::find_if(std::begin(kAbbreviations), std::end(kAbbreviations),
                   [&](const Abbreviation& x) { return x.word == word; });
  if (a == std::end(kAbbreviations)) return false;
  // After another abbreviation ("т. д.", "и т. п.") it ends a list.
  if (v < w && text[v - 1] == '.') return false;
  if (a->not_after_number && v < w && v > begin &&
      absl::ascii_isdigit(text[v - 1])) {
    return false;
  }
  return true;
}

// Quotation-mark roles of a code point.
enum class Quote { kNone, kOpen, kClose, kBoth };

struct QuoteMark {
  Quote role = Quote::kNone;
  UChar32 closer = 0;       // For openers: the mark that closes it,
  UChar32 also_closer = 0;  // or this one (0: none).
};

bool IsLetter(UChar32 c) { return c >= 0 && u_isalpha(c); }

// `prev`, `next`: the code points around c (' ' at the paragraph's edges).
QuoteMark Classify(UChar32 c, UChar32 prev, UChar32 next) {
  const bool word_next = IsLetter(next) || u_isdigit(next);
  switch (c) {
    case '"':
      return {Quote::kBoth, '"'};
    case 0x201C:
      return {Quote::kOpen, 0x201D};  // “ ”
    case 0x201E:
      // „ “ (German, Czech) or „ ” (Polish, Dutch, Romanian, Hungarian, and
      // German typed with English autocorrect): waiting for “ alone, „…”
      // ran to the paragraph's end, attribution and all.
      return {Quote::kOpen, 0x201C, 0x201D};
    case 0x00AB:
      return {Quote::kOpen, 0x00BB};  // « »
    case 0x00BB:
      // »…« (German, Danish books and papers): » right before a word
      // opens. French closes with » after a word or a space, never before
      // one, and a » read as nothing made the « that closes a German quote
      // open one: the attribution after it was taken for the quote. »…»
      // (Swedish, Finnish) closes on a » too.
      if (word_next) return {Quote::kOpen, 0x00AB, 0x00BB};
      return {};
    case 0x2018:
      return {Quote::kOpen, 0x2019};  // ‘ ’
    // The marks of the languages the review of the thirty-ninth session
    // found quoting without a quote unit (39b-03):
    case 0x300C:
      return {Quote::kOpen, 0x300D};  // 「 」 (Japanese, Chinese)
    case 0x300E:
      return {Quote::kOpen, 0x300F};  // 『 』
    case 0x2039:
      return {Quote::kOpen, 0x203A};  // ‹ › (French, Swiss)
    case 0x203A:
      // ›…‹ (German), as »…«.
      if (word_next) return {Quote::kOpen, 0x2039, 0x203A};
      return {};
    case 0x201A:
      return {Quote::kOpen, 0x2018, 0x2019};  // ‚ ‘ (German), ‚ ’ (Polish)
    case 0x201D:
      // ”…” (Swedish, Finnish): after a space or a colon and before a word.
      // After a word it closes an English quote, so it opens nothing.
      if (word_next && (u_isUWhiteSpace(prev) || prev == ':' || prev == '(')) {
        return {Quote::kOpen, 0x201D};
      }
      return {};
    case 0xFF02:
      return {Quote::kOpen, 0xFF02};  // ＂ ＂ (full-width)
    default:
      return {};
  }
}

// What a straight '"' does, from its neighbours (prev and next are ' ' at
// the paragraph's edges): after a space or an opening bracket and before a
// word it opens; after a word and before a space or punctuation it closes.
enum class StraightQuote { kOpens, kCloses, kEither };

StraightQuote StraightQuoteRole(UChar32 prev, UChar32 next) {
  const bool gap_before = prev == '(' || prev == '[' || prev == '-' ||
                          prev == 0x2014 || u_isUWhiteSpace(prev);
  const bool gap_after = u_isUWhiteSpace(next) || u_ispunct(next);
  if (gap_before && !gap_after) return StraightQuote::kOpens;
  if (!gap_before && gap_after) return StraightQuote::kCloses;
  return StraightQuote::kEither;
}

// The first bytes of the quotation marks Classify knows: '"', U+00AB and
// U+00BB (C2 ..), U+2018-U+201E and U+2039-U+203A (E2 80 ..), U+300C-U+300F
// (E3 80 ..), U+FF02 (EF BC 82).
constexpr std::array<bool, 256> kQuoteLeadByte = [] {
  std::array<bool, 256> t{};
  t['"'] = t[0xC2] = t[0xE2] = t[0xE3] = t[0xEF] = true;
  return t;
}();

void FindQuotes(std::string_view text, Span para, uint32_t min_words,
                std::vector<Span>* out) {
  const char* s = text.data();
  int32_t i = static_cast<int32_t>(para.begin);
  const int32_t end = static_cast<int32_t>(para.end);
  UChar32 closer = 0;       // Closing mark we wait for; 0 when outside a quote.
  UChar32 also_closer = 0;  // Another mark that closes it; 0: none.
  int32_t open_end = 0;     // Byte after the opening mark.
  UChar32 prev = ' ';
  auto emit = [&](int32_t close_begin) {
    uint32_t b = static_cast<uint32_t>(open_end),
             e = static_cast<uint32_t>(close_begin);
    internal::TrimSpace(text, &b, &e);
    if (b < e && CountWords(text.substr(b, e - b)) >= min_words) {
      out->push_back(Span{b, e});
    }
  };
  // News text often leaves a quote open where the next quoted paragraph
  // starts ("...Conservatives. "Michael Howard knows..."), so straight
  // quotes paired in turn would swap inside and outside for the rest of the
  // paragraph: the attribution between two quotes would become a quote.
  // A straight '"' that can only open starts a new quote even inside one,
  // and one that can only close is ignored outside a quote.
  auto straight_role = [&](int32_t after) {
    UChar32 next = ' ';
    if (after < end) {
      int32_t j = after;
      U8_NEXT(s, j, end, next);
    }
    return StraightQuoteRole(prev, next);
  };
  while (i < end) {
    // Only quotation marks act, and every one starts with one of these
    // bytes: the code points in between are skipped, not decoded (decoding
    // them was a tenth of segmenting: BM_RealSegment 117-124 MB/s without
    // the skip, 132-142 with it). prev is the code point before the mark.
    if (!kQuoteLeadByte[static_cast<unsigned char>(s[i])]) {
      do {
        ++i;
      } while (i < end && !kQuoteLeadByte[static_cast<unsigned char>(s[i])]);
      if (i == end) break;
      int32_t j = i;
      U8_PREV(s, static_cast<int32_t>(para.begin), j, prev);
    }
    int32_t at = i;
    UChar32 c;
    U8_NEXT(s, i, end, c);
    if (closer == '"' && c == '"' &&
        straight_role(i) == StraightQuote::kOpens) {
      emit(at);
      open_end = i;
      prev = c;
      continue;
    }
    if (closer == 0 && c == '"' && straight_role(i) == StraightQuote::kCloses) {
      prev = c;
      continue;
    }
    if (closer != 0) {
      bool closes = c == closer || (also_closer != 0 && c == also_closer);
      // ’ doubles as the apostrophe ("Lavrov’s"): it closes a ‘ quote only
      // when no letter follows.
      if (closes && c == 0x2019 && i < end) {
        int32_t j = i;
        UChar32 next;
        U8_NEXT(s, j, end, next);
        closes = !IsLetter(next);
      }
      if (closes) {
        emit(at);
        closer = 0;
        also_closer = 0;
      }
    } else {
      UChar32 next = ' ';
      if ((c == 0x00BB || c == 0x203A || c == 0x201D) && i < end) {
        int32_t j = i;
        U8_NEXT(s, j, end, next);
      }
      QuoteMark m = Classify(c, prev, next);
      // ‘ after a letter is an apostrophe-like typo, not an opener.
      if (m.role != Quote::kNone && !(c == 0x2018 && IsLetter(prev))) {
        closer = m.closer;
        also_closer = m.also_closer;
        open_end = i;
      }
    }
    prev = c;
  }
  if (closer != 0) emit(end);
}

}  // namespace

absl::Status ValidateSegmentOptions(const SegmentOptions& o) {
  if (o.min_quote_words < 1 || o.min_quote_words > 1000) {
    return absl::InvalidArgumentError("--min-quote-words must be in 1..1000");
  }
  // ICU takes any name, falling back to its root rules for what it does
  // not know: a mistyped language or country is refused here instead of
  // quietly giving other sentence breaks (review, thirty-second session).
  const icu::Locale locale = icu::Locale::createFromName(o.locale.c_str());
  auto listed = [](const char* code, const char* const* list) {
    for (; *list != nullptr; ++list) {
      if (std::strcmp(code, *list) == 0) return true;
    }
    return false;
  };
  if (locale.isBogus() ||
      (*locale.getLanguage() != '\0' &&
       !listed(locale.getLanguage(), icu::Locale::getISOLanguages())) ||
      (*locale.getCountry() != '\0' &&
       !listed(locale.getCountry(), icu::Locale::getISOCountries()))) {
    return absl::InvalidArgumentError(
        "unknown sentence locale: " + o.locale +
        " (an ICU locale: a language code, optionally _COUNTRY, e.g. en, "
        "en_GB, de@ss=standard)");
  }
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> it(
      icu::BreakIterator::createSentenceInstance(locale, status));
  if (U_FAILURE(status)) {
    return absl::InvalidArgumentError("unusable sentence locale: " + o.locale);
  }
  return absl::OkStatus();
}

// Whether a line ends a sentence or a heading's thought: its last
// character, past closing quotes and brackets, is one of . ! ? : ;.
bool EndsClause(std::string_view line) {
  size_t e = line.size();
  for (;;) {
    if (e == 0) return false;
    const std::string_view head = line.substr(0, e);
    bool closer = false;
    for (std::string_view c :
         {"\"", "'", ")", "]", "\u2019", "\u201D", "\u00BB"}) {
      if (head.ends_with(c)) {
        e -= c.size();
        closer = true;
        break;
      }
    }
    if (closer) continue;
    const char b = head.back();
    return b == '.' || b == '!' || b == '?' || b == ':' || b == ';';
  }
}

// Whether a line starts with a lower-case letter.
bool StartsLower(std::string_view line) {
  int32_t i = 0;
  UChar32 c;
  U8_NEXT(line.data(), i, static_cast<int32_t>(line.size()), c);
  return c >= 0 && u_islower(c);
}

// Whether a line starts with a word, past what may open a wrapped line
// (internal::OpensWrappedLine), as the shingle runs read it.
bool StartsWithWord(std::string_view line) {
  const auto n = static_cast<int32_t>(line.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(line.data(), i, n, c);
    if (c < 0) return false;
    if (u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0) return true;
    if (!internal::OpensWrappedLine(c)) return false;
  }
  return false;
}

// Whether a line is in capitals: two or more upper-case letters and none
// in lower case ("WHAT THE STRIKE MEANS"). Letters without case (Arabic,
// Chinese) count neither way.
bool InCapitals(std::string_view line) {
  size_t upper = 0;
  const auto n = static_cast<int32_t>(line.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(line.data(), i, n, c);
    if (c < 0) continue;
    if (u_islower(c)) return false;
    upper += u_isupper(c) ? 1 : 0;
  }
  return upper >= 2;
}

// Hard-wrapped text (a wire feed or a newsletter at 72 columns: "the
// national\nrailway company") has a line break inside sentences, where
// each line would be a paragraph and so a claim unit of its own (review
// 48b-03). A line that ends in no . ! ? : ; and is followed by one that
// starts in lower case runs a sentence on. The text is read as wrapped
// when at least three pairs of adjacent lines run a sentence on, and half
// of the pairs whose first line ends in none of those do (the others: a
// headline, a byline, a break before a name). Then each pair that runs a
// sentence on is joined, and only those: a line before a capital, a
// bullet or a figure stays apart, as a headline, a list item, a table row
// or a boilerplate line next to a line of the article's own do (review
// 48c-05..09). Text without wraps (one paragraph a line, or blank lines
// between) is left as it was. Joined lines are one paragraph, whose line
// breaks the sentence breaker reads as spaces. In English a line that
// ends in a word no sentence or heading ends in ("the", "of", "by", ...)
// joins the next whatever its case: "strike by the\nRailway Authority".
// A text whose lines reach one width, as the shingle runs read it, also
// joins its full lines before a capital or a figure, and in any script.
void JoinWrappedLines(std::string_view text, bool english,
                      std::vector<Span>* paragraphs) {
  std::vector<Span>& p = *paragraphs;
  if (p.size() < 4) return;
  auto line = [&](size_t i) { return text.substr(p[i].begin, p[i].size()); };
  // Adjacent: one line break, and nothing but white space, between.
  auto adjacent = [&](size_t i) {
    const std::string_view gap =
        text.substr(p[i].end, p[i + 1].begin - p[i].end);
    const size_t breaks = static_cast<size_t>(
        std::count(gap.begin(), gap.end(), '\n') +
        std::count(gap.begin(), gap.end(), '\r') -
        (gap.find("\r\n") != std::string_view::npos ? 1 : 0));
    return breaks == 1;
  };
  // The last word of a line, ASCII lower-cased.
  auto ends_in_function_word = [&](size_t i) {
    static constexpr std::string_view kWords[] = {
        "the",   "a",   "an",   "of",   "to",   "by", "in",   "on",
        "at",    "for", "from", "with", "and",  "or", "that", "its",
        "their", "his", "her",  "into", "than", "as"};
    const std::string_view l = line(i);
    size_t b = l.size();
    while (b > 0 && absl::ascii_isalpha(static_cast<unsigned char>(l[b - 1]))) {
      --b;
    }
    if (b == l.size() || (b > 0 && l[b - 1] != ' ')) return false;
    const std::string w = absl::AsciiStrToLower(std::string(l.substr(b)));
    return std::find(std::begin(kWords), std::end(kWords), w) !=
           std::end(kWords);
  };
  // Lines i and i + 1 run a sentence on by case: the next starts in lower
  // case (counted in `on`), or (English) i ends in a function word. By
  // case the text is wrapped when at least three pairs of lines run on in
  // lower case, and half of the pairs whose first line ends no clause.
  std::vector<char> by_case(p.size(), 0);
  size_t open = 0, on = 0, pairs = 0;
  // And by the width its lines reach (internal::FullWrappedLines, as the
  // shingle runs read the text): a full line runs on into one that starts
  // with a word whatever its case (a name, a figure: 15% of the breaks of
  // BBC's articles through `fold -s -w 72` come before a capital or a
  // digit, review 50b-01) and in scripts without case; not into a line in
  // capitals (a subheading), a bullet or a dash.
  std::vector<internal::WrapCandidate> candidates;
  std::vector<size_t> which;
  for (size_t i = 0; i + 1 < p.size(); ++i) {
    if (!adjacent(i)) continue;
    ++pairs;
    if (EndsClause(line(i))) continue;
    ++open;
    const std::string_view next = line(i + 1);
    const bool lower = StartsLower(next);
    on += lower ? 1 : 0;
    by_case[i] = lower || (english && ends_in_function_word(i)) ? 1 : 0;
    if (StartsWithWord(next) && !InCapitals(next)) {
      candidates.push_back(
          {line(i),
           next.substr(0, std::min(next.find_first_of(" \t"), next.size()))});
      which.push_back(i);
    }
  }
  const bool wrapped_by_case = on >= 3 && on * 2 >= open;
  std::vector<char> full;
  bool wrapped_by_width = internal::FullWrappedLines(candidates, &full);
  if (wrapped_by_width) {
    wrapped_by_width =
        static_cast<size_t>(std::count(full.begin(), full.end(), 1)) * 2 >=
        pairs;
  }
  if (!wrapped_by_case && !wrapped_by_width) return;
  std::vector<char> join(p.size(), 0);
  if (wrapped_by_case) join = by_case;
  if (wrapped_by_width) {
    for (size_t k = 0; k < which.size(); ++k) join[which[k]] |= full[k];
  }
  std::vector<Span> joined;
  joined.push_back(p[0]);
  for (size_t i = 1; i < p.size(); ++i) {
    if (join[i - 1]) {
      joined.back().end = p[i].end;
    } else {
      joined.push_back(p[i]);
    }
  }
  p = std::move(joined);
}

Segmentation Segment(std::string_view text, const SegmentOptions& options) {
  Segmentation seg;
  size_t pos = 0;
  // The next CR and LF at or after `pos` (text.size() if none), each byte
  // searched once by memchr: find_first_of("\r\n") calls memchr on the
  // set for every byte, 14% of the claims' segment step.
  auto find = [&](char c) {
    const size_t at = text.find(c, pos);
    return at == std::string_view::npos ? text.size() : at;
  };
  size_t next_cr = find('\r'), next_lf = find('\n');
  while (pos < text.size()) {
    // Lines end at LF, CRLF or a lone CR (classic Mac text), as the title
    // line is read (ingest.cc): at LF alone, a text with CR line ends was
    // one paragraph, so none of its lines could be its headline or
    // boilerplate, and an unclosed quote ran to the text's end.
    if (next_cr < pos) next_cr = find('\r');
    if (next_lf < pos) next_lf = find('\n');
    const size_t nl = std::min(next_cr, next_lf);
    AddTrimmed(text, static_cast<uint32_t>(pos), static_cast<uint32_t>(nl),
               &seg.paragraphs);
    pos = nl + 1;
  }
  const std::string_view language =
      std::string_view(options.locale)
          .substr(0, options.locale.find_first_of("_-@"));
  const bool english = language == "en";
  const bool russian = language == "ru";
  JoinWrappedLines(text, english, &seg.paragraphs);

  SentenceBreaker* breaker = SentenceBreakerFor(options.locale);
  const std::span<const std::string_view> months =
      OrdinalMonths(options.locale);
  for (const Span& p : seg.paragraphs) {
    if (breaker == nullptr) {
      seg.sentences.push_back(p);
    } else {
      icu::BreakIterator* it = breaker->it.get();
      // ICU reads UTF-16 through a plain array, UTF-8 through an access
      // function per chunk: converting first and mapping the boundaries back
      // is faster than the UTF-8 UText (which was most of the time).
      thread_local Utf16 u;
      ToUtf16(text.substr(p.begin, p.size()), &u);
      // The line breaks of joined lines (JoinWrappedLines) are spaces to
      // the sentence breaker, which ends a sentence at every one.
      const std::string_view para = text.substr(p.begin, p.size());
      if (para.find('\n') != std::string_view::npos ||
          para.find('\r') != std::string_view::npos) {
        for (size_t k = 0; k < u.size; ++k) {
          if (u.units[k] == '\n' || u.units[k] == '\r') u.units[k] = ' ';
        }
      }
      UErrorCode status = U_ZERO_ERROR;
      UText* ut = utext_openUChars(nullptr, u.units.data(),
                                   static_cast<int64_t>(u.size), &status);
      it->setText(ut, status);
      int32_t b = it->first();
      for (int32_t e = it->next(); e != icu::BreakIterator::DONE;
           e = it->next()) {
        if (static_cast<size_t>(e) < u.size &&
            breaker->exceptions->At(u.units.data(), e,
                                    static_cast<int32_t>(u.size))) {
          continue;
        }
        if (!months.empty() && static_cast<size_t>(e) < u.size &&
            IsOrdinalDateBreak(text, p.begin, p.begin + u.offset[e], months)) {
          continue;
        }
        if (english && static_cast<size_t>(e) < u.size &&
            IsInitialismBreak(text, p.begin, p.begin + u.offset[e])) {
          continue;
        }
        if (russian && static_cast<size_t>(e) < u.size &&
            IsRussianAbbreviationBreak(text, p.begin, p.begin + u.offset[e])) {
          continue;
        }
        if (russian) {
          AddRussianSentence(text, p.begin + u.offset[b], p.begin + u.offset[e],
                             &seg.sentences);
        } else if (english) {
          AddEnglishSentence(text, p.begin + u.offset[b], p.begin + u.offset[e],
                             &seg.sentences);
        } else {
          AddTrimmed(text, p.begin + u.offset[b], p.begin + u.offset[e],
                     &seg.sentences);
        }
        b = e;
      }
      utext_close(ut);  // The iterator keeps its own shallow clone.
      // A huge paragraph's buffers (6 bytes a byte) are freed, not kept for
      // the thread's lifetime; the iterator's clone of the text is not read
      // again before the next setText.
      if (u.units.size() > kKeptUtf16Units) u = Utf16();
    }
    FindQuotes(text, p, options.min_quote_words, &seg.quotes);
  }
  return seg;
}

}  // namespace refrain

// Claim scoring (see claim_score.h). The score of a pair is a logistic
// regression (src/claim_model.h, fitted on MSRP train by
// bench/fit_claim_model.cc) over features of an alignment of the two texts'
// content words (same stem, WordNet synonym, or WordNet hypernym / derivation
// / similar-to / pertainym...), of their surface n-gram overlap, and of
// number and negation agreement. A claim quoted inside a longer sentence is
// also scored against just the part of that sentence it aligns with (the
// "window"), and the higher score wins.
#include "refrain/claim_score.h"

#include <libstemmer.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <iterator>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "claim_model.h"
#include "claims_internal.h"
#include "hash.h"
#include "refrain/normalize.h"
#include "refrain/segment.h"
#include "stopwords.h"
#include "utf8.h"
#include "wordnet.h"

namespace refrain {
namespace {

// ---------------------------------------------------------------------------
// Tuning constants (chosen by 10-fold cross-validation on MSRP train, see
// docs/quality.md).

// WordNet senses considered per lemma and part of speech, most frequent
// first: rare senses mostly add false matches ("state" = "situation").
constexpr uint32_t kMaxSenses = 5;
// Longest text considered, in content words (the rest is ignored): claims
// are sentences, and the alignment is quadratic.
constexpr size_t kMaxTerms = 200;
// Words whose senses are cached (about 200 bytes each); beyond this they are
// looked up again on every use.
constexpr size_t kMaxCachedWords = size_t{1} << 20;

// ---------------------------------------------------------------------------
// Stemming and numbers

// Snowball stemmers are not thread-safe: each thread keeps its own, one per
// language, freed when the thread exits.
class ThreadStemmers {
 public:
  ThreadStemmers() = default;
  ThreadStemmers(const ThreadStemmers&) = delete;
  ThreadStemmers& operator=(const ThreadStemmers&) = delete;
  ~ThreadStemmers() {
    for (auto& [language, stemmer] : stemmers_) sb_stemmer_delete(stemmer);
  }
  sb_stemmer* Get(const std::string& language) {
    for (auto& [l, s] : stemmers_) {
      if (l == language) return s;
    }
    sb_stemmer* s = sb_stemmer_new(language.c_str(), "UTF_8");
    if (s != nullptr) stemmers_.emplace_back(language, s);
    return s;
  }

 private:
  std::vector<std::pair<std::string, sb_stemmer*>> stemmers_;
};

sb_stemmer* StemmerFor(const std::string& language) {
  thread_local ThreadStemmers stemmers;
  return stemmers.Get(language);
}

// Where the digits of a number token end: a token of digits with '.' or
// ',' between digits (Tokenize keeps those together), optionally followed
// by a unit or ordinal suffix of at most three letters ("7.1bn", "20m",
// "5km", "3rd", "1990s"); 0 if `t` is not one.
size_t NumberEnd(std::string_view t) {
  if (t.empty() || !absl::ascii_isdigit(t[0])) return 0;
  size_t i = 0;
  while (i < t.size() &&
         (absl::ascii_isdigit(t[i]) || t[i] == '.' || t[i] == ',')) {
    ++i;
  }
  if (!absl::ascii_isdigit(t[i - 1])) return 0;
  if (t.size() - i > 3) return 0;
  for (size_t j = i; j < t.size(); ++j) {
    if (!absl::ascii_isalpha(t[j])) return 0;
  }
  return i;
}

// Whether a number token is written as a year: four digits from 1800 to
// 2100, or a decade ("1990s"). "2,000" is no year.
bool IsYear(std::string_view t) {
  if (t.size() == 5 && t.back() == 's') t.remove_suffix(1);
  if (t.size() != 4 || !std::all_of(t.begin(), t.end(), absl::ascii_isdigit)) {
    return false;
  }
  const int v = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 +
                (t[3] - '0');
  return v >= 1800 && v <= 2100;
}

// Whether year-like token i ("2000", IsYear) counts the plural word after
// it ("killed 2000 people", "1900 jobs were cut") rather than naming a
// year: a death toll of 2000 against one of 450 differs (review 44a-01:
// read as a year against a count, it was not flagged). A year before a
// plural is led by a determiner or a preposition of time ("the 2004
// elections", "its 2005 results", "in 2005 profits rose"): still a year.
bool CountsThings(std::string_view t, std::span<const Token> tokens, size_t i) {
  if (i + 1 >= tokens.size()) return false;
  std::string_view next =
      t.substr(tokens[i + 1].begin, tokens[i + 1].end - tokens[i + 1].begin);
  // "2000 people's homes": the plural before its possessive.
  for (std::string_view s : {"'s", "\u2019s"}) {
    if (next.size() > s.size() + 2 && next.ends_with(s)) {
      next.remove_suffix(s.size());
    }
  }
  // Only a space between them: "2000, people" or "2000-strong" is not it.
  if (tokens[i + 1].begin != tokens[i].end + 1 || t[tokens[i].end] != ' ') {
    return false;
  }
  const bool plural =
      next == "people" || next == "men" || next == "women" ||
      next == "children" ||
      (next.size() >= 3 && next.back() == 's' && next[next.size() - 2] != 's' &&
       next[next.size() - 2] != '\'' &&
       std::all_of(next.begin(), next.end(), absl::ascii_islower));
  if (!plural) return false;
  if (i == 0) return true;
  static constexpr std::string_view kYearLeads[] = {
      "the",    "in",    "since", "until", "till", "during",
      "before", "after", "its",   "their", "his",  "her",
      "our",    "this",  "that",  "last",  "next", "through"};
  std::string prev(
      t.substr(tokens[i - 1].begin, tokens[i - 1].end - tokens[i - 1].begin));
  absl::AsciiStrToLower(&prev);
  return std::find(std::begin(kYearLeads), std::end(kYearLeads), prev) ==
         std::end(kYearLeads);
}

// "2,000" -> "2000", "1,000.5" -> "1000.5"; a comma that is not a thousands
// separator is a decimal comma: "2,5" -> "2.5". Stops that group thousands,
// as German, Spanish and Italian write them, are dropped: several
// ("1.250.000"), or one before a comma ("1.250,5" -> "1250.5"); with
// `comma_decimal` (a language that writes "2,5"), also one before exactly
// three digits ("1.500" -> "1500"), which English reads as a fraction.
std::string CanonicalNumber(std::string_view t, bool comma_decimal) {
  {
    // Stops grouping thousands: every one before exactly three digits (then
    // the end, a stop or a comma), and several, or one before a comma, or
    // a language whose decimals take a comma.
    size_t stops = 0;
    bool grouped =
        t.find(',') == std::string_view::npos || t.find(',') > t.rfind('.');
    for (size_t k = t.find('.'); grouped && k != std::string_view::npos;
         k = t.find('.', k + 1)) {
      ++stops;
      const size_t end = t.find_first_of(".,", k + 1);
      grouped = (end == std::string_view::npos ? t.size() : end) - k - 1 == 3;
    }
    const bool comma_after =
        t.find(',') != std::string_view::npos && t.find(',') > t.find('.');
    if (grouped && stops > 0 && (stops > 1 || comma_after || comma_decimal)) {
      std::string out;
      for (char c : t) {
        if (c == ',') {
          out.push_back('.');
        } else if (c != '.') {
          out.push_back(c);
        }
      }
      return CanonicalNumber(out, false);
    }
  }
  bool thousands = true;
  size_t digits_since_comma = 0;
  bool seen_comma = false, seen_dot = false;
  for (char c : t) {
    if (c == ',') {
      if (seen_dot || (seen_comma && digits_since_comma != 3)) {
        thousands = false;
      }
      seen_comma = true;
      digits_since_comma = 0;
    } else if (c == '.') {
      if (seen_comma && digits_since_comma != 3) thousands = false;
      seen_dot = true;
    } else if (!seen_dot) {
      ++digits_since_comma;
    }
  }
  if (seen_comma && !seen_dot && digits_since_comma != 3) thousands = false;
  std::string out;
  out.reserve(t.size());
  for (char c : t) {
    if (c == ',') {
      if (!thousands) out.push_back('.');
    } else {
      out.push_back(c);
    }
  }
  // One value, one term: "7.0" is "7" and "12.50" is "12.5" (a magnitude
  // 7.0 quake restated as magnitude 7 was flagged numbers_differ). A '.'
  // before exactly three digits may group thousands ("1.000" and "2.500" in
  // German), so such a fraction is left as written.
  if (const size_t dot = out.find('.'); dot != std::string::npos &&
                                        dot == out.rfind('.') &&
                                        out.size() - dot - 1 != 3) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out;
}

// The power of ten a scale suffix ("7.1bn", "20m", "5k") or word ("7.1
// billion") stands for; 0 if none.
int ScaleSuffix(std::string_view s) {
  if (s == "k") return 3;
  if (s == "m") return 6;
  if (s == "bn" || s == "b") return 9;
  if (s == "tn" || s == "trn") return 12;
  return 0;
}
// In English and the languages of the stemmers news is written in, as the
// normalizer leaves them (case-folded): "1,25 Millionen", "1,5 Mrd.", "2
// млн", "3 milliards" (review 51b-03). Spanish "billón" is 10^12, "mil
// millones" 10^9 (ReadNumber).
int ScaleWord(std::string_view s) {
  static constexpr std::pair<std::string_view, int> kWords[] = {
      {"thousand", 3},   {"million", 6},   {"billion", 9},    {"trillion", 12},
      {"tausend", 3},    {"tsd", 3},       {"mille", 3},      {"md", 9},
      {"mds", 9},        {"mil", 3},       {"mila", 3},       {"тыс", 3},
      {"тысяч", 3},      {"тысячи", 3},    {"тысяча", 3},     {"millionen", 6},
      {"mio", 6},        {"millions", 6},  {"millones", 6},   {"millón", 6},
      {"milione", 6},    {"milioni", 6},   {"mln", 6},        {"млн", 6},
      {"миллион", 6},    {"миллиона", 6},  {"миллионов", 6},  {"milhão", 6},
      {"milhões", 6},    {"miljoen", 6},   {"miljoner", 6},   {"milliarde", 9},
      {"milliarden", 9}, {"mrd", 9},       {"milliard", 9},   {"milliards", 9},
      {"miliardo", 9},   {"miliardi", 9},  {"mld", 9},        {"млрд", 9},
      {"миллиард", 9},   {"миллиарда", 9}, {"миллиардов", 9}, {"bilhão", 9},
      {"bilhões", 9},    {"miljard", 9},   {"miljarder", 9},  {"billón", 12},
      {"billones", 12}};
  for (const auto& [word, power] : kWords) {
    if (s == word) return power;
  }
  return 0;
}

// `num` (canonical: digits, at most one '.') times 10^k, canonical again:
// ("1.4", 6) -> "1400000", ("2.25", 1) -> "22.5".
std::string ShiftDecimal(std::string_view num, int k) {
  const size_t dot = num.find('.');
  std::string whole(num.substr(0, dot));
  std::string frac(dot == std::string_view::npos ? std::string_view()
                                                 : num.substr(dot + 1));
  const size_t moved = std::min<size_t>(frac.size(), static_cast<size_t>(k));
  whole.append(frac, 0, moved);
  frac.erase(0, moved);
  whole.append(static_cast<size_t>(k) - moved, '0');
  const size_t lead = std::min(whole.find_first_not_of('0'), whole.size() - 1);
  whole.erase(0, lead);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return frac.empty() ? whole : absl::StrCat(whole, ".", frac);
}

// ---------------------------------------------------------------------------
// Features

// Every candidate feature. "min"/"max" are over the two directions (a
// against b, b against a), which makes each feature symmetric; "coverage" of
// a side is the share of its content words (IDF-weighted unless "ucov")
// aligned with some word of the other side at the given level or better.
enum Feature : int {
  kCovExactMin,      // Coverage by the same stem (or number).
  kCovExactMax,      //
  kCovSynMin,        // ... or a shared WordNet synset.
  kCovSynMax,        //
  kCovRelMin,        // ... or a WordNet hypernym / near relation.
  kCovRelMax,        //
  kUcovRelMin,       // As cov_rel, each word weighing 1.
  kUcovRelMax,       //
  kUnmatchedMin,     // ln(1 + content words aligned with nothing).
  kUnmatchedMax,     //
  kUnmatchedIdfMin,  // Their IDF weight (IDF / largest IDF), summed.
  kUnmatchedIdfMax,  //
  kUnmatchedOovMin,  // Unaligned words unknown to WordNet (names, numbers).
  kUnmatchedOovMax,  //
  kLcsMin,           // Longest common subsequence of aligned words over
  kLcsMax,           //   the longer / shorter side's length.
  kBigramDice,       // Content-stem bigrams found on the other side.
  kTok1Min,          // Clipped n-gram precision of all tokens (stop words
  kTok1Max,          //   included), n = 1..4, as in BLEU.
  kTok2Min,          //
  kTok2Max,          //
  kTok3Min,          //
  kTok3Max,          //
  kTok4Min,          //
  kTok4Max,          //
  kIdfCosine,        // IDF-weighted cosine of the stem counts.
  kJaccard,          // Jaccard similarity of the stem sets.
  kNumMismatch,      // Share of the numbers not on both sides.
  kNumConflict,      // 1 if both sides state numbers and some differ.
  kNegMismatch,      // 1 if exactly one side is negated.
  kLenRatio,         // Shorter / longer, in content words.
  kShortLen,         // Content words of the shorter side.
  kNumFeatures
};

constexpr const char* kFeatureNames[kNumFeatures] = {
    "cov_exact_min",     "cov_exact_max",     "cov_syn_min",
    "cov_syn_max",       "cov_rel_min",       "cov_rel_max",
    "ucov_rel_min",      "ucov_rel_max",      "unmatched_min",
    "unmatched_max",     "unmatched_idf_min", "unmatched_idf_max",
    "unmatched_oov_min", "unmatched_oov_max", "lcs_min",
    "lcs_max",           "bigram_dice",       "tok1_min",
    "tok1_max",          "tok2_min",          "tok2_max",
    "tok3_min",          "tok3_max",          "tok4_min",
    "tok4_max",          "idf_cosine",        "jaccard",
    "num_mismatch",      "num_conflict",      "neg_mismatch",
    "len_ratio",         "short_len"};

// Alignment levels between two content words, best last.
constexpr uint8_t kNoMatch = 0;
constexpr uint8_t kRelated = 1;  // WordNet hypernym or near relation.
constexpr uint8_t kSynonym = 2;  // A shared WordNet synset.
constexpr uint8_t kExact = 3;    // Same stem (or same number).

// WordNet senses of one word.
struct WordSenses {
  std::vector<uint32_t> syn;  // Its synsets, sorted.
  // syn + their hypernyms + their near relations (derivation, similar-to,
  // pertainym, participle, also-see, verb group, attribute), sorted.
  std::vector<uint32_t> rel;
  // The antonyms of syn (WordNet::Antonyms), sorted.
  std::vector<uint32_t> anto;
  // 256-bit Bloom signatures of syn and rel: two words whose signatures do
  // not meet cannot be related, which settles most pairs without a merge.
  uint64_t syn_sig[4] = {0, 0, 0, 0};
  uint64_t rel_sig[4] = {0, 0, 0, 0};
  // A sparser (1024-bit) Bloom filter of rel for single-id membership
  // tests: rel holds about a hundred ids, which fill a third of rel_sig, so
  // rel_sig alone would send most tests on to the binary search.
  uint64_t rel_bits[16] = {};
};

// Bit of `id` in a 256-bit (SynBit) or 1024-bit (RelBit) Bloom filter, by
// Fibonacci hashing.
uint32_t SynBit(uint32_t id) { return (id * 0x9E3779B1u) >> 24; }
uint32_t RelBit(uint32_t id) { return (id * 0x9E3779B1u) >> 22; }

void AddToSignature(uint32_t bit, uint64_t* sig) {
  sig[bit >> 6] |= uint64_t{1} << (bit & 63);
}

// Whether some id of `ids` is in `set` (sorted), all of whose ids are in the
// Bloom filter `bits` (bit of an id: bit_of): the filter rules out most ids
// without a search. Membership tests of the few synsets of one word beat a
// merge with the hundred or so relations of the other.
template <typename BitOf>
bool AnyIn(const std::vector<uint32_t>& ids, const std::vector<uint32_t>& set,
           const uint64_t* bits, BitOf bit_of) {
  for (uint32_t id : ids) {
    const uint32_t bit = bit_of(id);
    if ((bits[bit >> 6] >> (bit & 63) & 1) != 0 &&
        std::binary_search(set.begin(), set.end(), id)) {
      return true;
    }
  }
  return false;
}

// Alignment level of two words WordNet knows (whose stems differ) and that
// MayRelate(): a shared synset, else a synset of one among the relations
// (rel) of the other.
uint8_t SenseLevel(const WordSenses& x, const WordSenses& y) {
  if (AnyIn(x.syn, y.syn, y.syn_sig, SynBit)) return kSynonym;
  if (AnyIn(x.syn, y.rel, y.rel_bits, RelBit) ||
      AnyIn(y.syn, x.rel, x.rel_bits, RelBit)) {
    return kRelated;
  }
  return kNoMatch;
}

// SenseLevel() for a caller that does not tell synonyms from the other
// relations: kRelated for both. The relations of a word include its own
// synsets, so a shared synset is found by these two tests too, and the
// synset test that SenseLevel() makes first is saved.
uint8_t RelatedLevel(const WordSenses& x, const WordSenses& y) {
  return AnyIn(x.syn, y.rel, y.rel_bits, RelBit) ||
                 AnyIn(y.syn, x.rel, x.rel_bits, RelBit)
             ? kRelated
             : kNoMatch;
}

// WordNet plus a cache of the senses of the words met so far. One per
// WordNet directory per process, shared by every scorer using it.
class Lexicon {
 public:
  explicit Lexicon(std::unique_ptr<wordnet::WordNet> wn) : wn_(std::move(wn)) {}

  // out[i] = the senses of words[i] (null if WordNet does not know it), for
  // each i in `which`. Thread-safe. The pointers stay valid for the
  // Lexicon's lifetime, or, once the cache is full, until `overflow` (the
  // caller's) is cleared. The lock is taken once for all the words, not once
  // per word: threads preparing texts at the same time otherwise spend more
  // time queueing on it than looking up.
  void Senses(const TermList& words, std::span<const uint32_t> which,
              const WordSenses** out,
              std::vector<std::unique_ptr<WordSenses>>* overflow) const {
    thread_local std::vector<uint32_t> missing;
    missing.clear();
    {
      std::shared_lock lock(mu_);
      for (uint32_t i : which) {
        auto it =
            cache_.find(absl::string_view(words[i].data(), words[i].size()));
        if (it != cache_.end()) {
          out[i] = it->second;
        } else {
          missing.push_back(i);
        }
      }
    }
    if (missing.empty()) return;
    thread_local std::vector<std::unique_ptr<WordSenses>> found;
    found.clear();
    for (uint32_t i : missing) found.push_back(Lookup(words[i]));
    std::unique_lock lock(mu_);
    for (size_t k = 0; k < missing.size(); ++k) {
      out[missing[k]] =
          Insert(words[missing[k]], std::move(found[k]), overflow);
    }
  }

 private:
  // Caches `ws`, the senses of `word`, unless another thread did first;
  // returns the cached senses. Holds mu_ exclusively.
  const WordSenses* Insert(
      std::string_view word, std::unique_ptr<WordSenses> ws,
      std::vector<std::unique_ptr<WordSenses>>* overflow) const {
    const absl::string_view key(word.data(), word.size());
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    if (cache_.size() >= kMaxCachedWords) {
      overflow->push_back(std::move(ws));
      return overflow->back().get();
    }
    const WordSenses* p = nullptr;
    if (ws != nullptr) {
      owned_.push_back(std::move(ws));
      p = owned_.back().get();
    }
    cache_.emplace(key, p);
    return p;
  }

  std::unique_ptr<WordSenses> Lookup(std::string_view word) const {
    auto ws = std::make_unique<WordSenses>();
    wn_->Synsets(word, kMaxSenses, &ws->syn);
    if (ws->syn.empty()) return nullptr;
    std::sort(ws->syn.begin(), ws->syn.end());
    ws->syn.erase(std::unique(ws->syn.begin(), ws->syn.end()), ws->syn.end());
    ws->rel = ws->syn;
    for (uint32_t s : ws->syn) {
      for (uint32_t h : wn_->Hypernyms(s)) ws->rel.push_back(h);
      for (uint32_t r : wn_->Near(s)) ws->rel.push_back(r);
    }
    std::sort(ws->rel.begin(), ws->rel.end());
    ws->rel.erase(std::unique(ws->rel.begin(), ws->rel.end()), ws->rel.end());
    for (uint32_t s : ws->syn) {
      for (uint32_t a : wn_->Antonyms(s)) ws->anto.push_back(a);
    }
    std::sort(ws->anto.begin(), ws->anto.end());
    ws->anto.erase(std::unique(ws->anto.begin(), ws->anto.end()),
                   ws->anto.end());
    for (uint32_t id : ws->syn) AddToSignature(SynBit(id), ws->syn_sig);
    for (uint32_t id : ws->rel) {
      AddToSignature(SynBit(id), ws->rel_sig);
      AddToSignature(RelBit(id), ws->rel_bits);
    }
    return ws;
  }

  std::unique_ptr<wordnet::WordNet> wn_;
  mutable std::shared_mutex mu_;
  // Word -> its senses (null: unknown to WordNet), owned by owned_.
  mutable absl::flat_hash_map<std::string, const WordSenses*> cache_;
  mutable std::vector<std::unique_ptr<WordSenses>> owned_;
};

// Loads each WordNet directory once per process.
absl::StatusOr<std::shared_ptr<const Lexicon>> SharedLexicon(
    const std::string& dir) {
  static std::mutex mu;
  static auto* loaded =
      new absl::flat_hash_map<std::string, std::weak_ptr<const Lexicon>>();
  std::lock_guard lock(mu);
  if (auto it = loaded->find(dir); it != loaded->end()) {
    if (std::shared_ptr<const Lexicon> l = it->second.lock()) return l;
  }
  absl::StatusOr<std::unique_ptr<wordnet::WordNet>> wn =
      wordnet::WordNet::Load(dir, wordnet::WordNet::DefaultCacheDir());
  if (!wn.ok()) return wn.status();
  auto lexicon = std::make_shared<const Lexicon>(*std::move(wn));
  (*loaded)[dir] = lexicon;
  return lexicon;
}

}  // namespace

// ---------------------------------------------------------------------------
// TermList

TermList::TermList(std::initializer_list<std::string_view> terms) {
  for (std::string_view t : terms) push_back(t);
}

TermList::TermList(const std::vector<std::string>& terms) {
  for (const std::string& t : terms) push_back(t);
}

void TermList::AssignRange(const TermList& other, size_t first, size_t last) {
  clear();
  if (first >= last) return;
  const uint32_t base = first == 0 ? 0 : other.ends_[first - 1];
  chars_.assign(other.chars_, base, other.ends_[last - 1] - base);
  for (size_t i = first; i < last; ++i) ends_.push_back(other.ends_[i] - base);
}

std::vector<std::string> TermList::ToStrings() const {
  return std::vector<std::string>(begin(), end());
}

bool TermList::operator<(const TermList& o) const {
  return std::lexicographical_compare(begin(), end(), o.begin(), o.end());
}

// ---------------------------------------------------------------------------
// TermAnalyzer

absl::StatusOr<TermAnalyzer> TermAnalyzer::Create(
    const TermAnalyzerOptions& given) {
  // One name per language from here on ("de", "deu" and "ger" are
  // "german"), so that every list the analyzer consults (stop words,
  // negation, elisions, the Russian spelling rule) knows it by that name.
  TermAnalyzerOptions options = given;
  options.language = CanonicalLanguage(given.language);
  if (StemmerFor(options.language) == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no Snowball stemmer for language \"", options.language,
        "\": --language takes ", StemmerLanguageNames(),
        " (or an ISO 639 code of one: de, deu, ger). For Chinese, Japanese, "
        "Korean, Thai and other languages without a stemmer leave --language "
        "unset: their words are compared as ICU cuts them, unstemmed, "
        "without a stop list"));
  }
  absl::StatusOr<std::shared_ptr<const StopWordList>> stop =
      StopWordsOf(options.language, options.stop_words_dir);
  if (!stop.ok()) return stop.status();
  TermAnalyzer a;
  a.options_ = options;
  a.stop_words_ = *std::move(stop);
  return a;
}

bool TermAnalyzer::IsStopWord(std::string_view normalized_word) const {
  return stop_words_->Contains(normalized_word);
}

std::string_view TermAnalyzer::Word(std::string_view token,
                                    std::string* storage) const {
  std::string_view w = token;
  // Russian writes one letter as ё or е ("всё"/"все", "её"/"ее", "ещё"):
  // Snowball's stop list and stems spell е, so "всё" and "её" were
  // content words where "все" and "ее" are stop words.
  if (options_.language == "russian" &&
      token.find("\u0451") != std::string_view::npos) {
    storage->assign(token);
    // Both are two bytes: D1 91 becomes D0 B5 in place.
    for (size_t k = 0; (k = storage->find("\u0451", k)) != std::string::npos;
         k += 2) {
      storage->replace(k, 2, "\u0435");
    }
    w = *storage;
  }
  // Greek words are compared without their accents: Lucene's Greek stop
  // list is written so (its GreekLowerCaseFilter), news copy drops or
  // moves accents ("ειναι" / "είναι"), and Snowball's Greek stemmer strips
  // them itself. Every accented lower-case vowel is two bytes, as is its
  // bare form.
  if (options_.language == "greek") {
    static constexpr std::pair<std::string_view, std::string_view> kBare[] = {
        {"\u03ac", "\u03b1"}, {"\u03ad", "\u03b5"}, {"\u03ae", "\u03b7"},
        {"\u03af", "\u03b9"}, {"\u0390", "\u03b9"}, {"\u03ca", "\u03b9"},
        {"\u03cc", "\u03bf"}, {"\u03cd", "\u03c5"}, {"\u03b0", "\u03c5"},
        {"\u03cb", "\u03c5"}, {"\u03ce", "\u03c9"}};
    for (const auto& [accented, bare] : kBare) {
      if (w.find(accented) == std::string_view::npos) continue;
      if (w.data() != storage->data()) {
        storage->assign(w);
        w = *storage;
      }
      for (size_t k = 0; (k = storage->find(accented, k)) != std::string::npos;
           k += 2) {
        storage->replace(k, 2, bare);
      }
    }
  }
  if (w.size() > 2 && w.ends_with("'s")) w.remove_suffix(2);  // Possessive.
  // "l'économie" is "économie" with its article (French, Italian).
  w.remove_prefix(stop_words_->ElidedPrefix(w));
  return w;
}

std::string TermAnalyzer::Stem(std::string_view normalized_word) const {
  // Words repeat endlessly in news, and a cache hit costs a fraction of the
  // Snowball call. Per thread, per language, bounded.
  thread_local std::string cache_language;
  thread_local absl::flat_hash_map<std::string, std::string> cache;
  if (cache_language != options_.language || cache.size() > (1u << 18)) {
    cache.clear();
    cache_language = options_.language;
  }
  const absl::string_view key(normalized_word.data(), normalized_word.size());
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  std::string stem = StemUncached(normalized_word);
  cache.emplace(key, stem);
  return stem;
}

std::string TermAnalyzer::StemUncached(std::string_view normalized_word) const {
  sb_stemmer* s = StemmerFor(options_.language);
  if (s == nullptr) return std::string(normalized_word);
  const sb_symbol* r = sb_stemmer_stem(
      s, reinterpret_cast<const sb_symbol*>(normalized_word.data()),
      static_cast<int>(normalized_word.size()));
  if (r == nullptr) return std::string(normalized_word);  // Out of memory.
  return std::string(reinterpret_cast<const char*>(r),
                     static_cast<size_t>(sb_stemmer_length(s)));
}

namespace {

// What Analyze derives from one (non-number) token on its own, cached per
// thread: news repeats its words endlessly, and one look-up by the token's
// hash, which Analyze computes anyway, replaces a negation scan, a
// stop-list look-up and a stem-cache look-up, each hashing the word again.
// 24 bytes, the strings in the cache's pool: with three std::string each
// (128 bytes a slot) and a stem cache beside it, BBC's 32k words held 12
// MB per thread, every page of it faulted in fresh.
// English figures written in words, for NumbersDiffer only
// (UnitTerms::spelled): "three million" against "five million", "twelve
// thousand" against "20,000", "finished second" against "finished fourth"
// (review 45b-03: only digits were compared). An ordinal is its number, as
// "2nd" is.
struct NumberWord {
  std::string_view word;
  uint32_t value;
  enum Kind : uint8_t { kUnit, kHundred, kScale } kind;
};
constexpr NumberWord kNumberWords[] = {
    {"one", 1, NumberWord::kUnit},
    {"two", 2, NumberWord::kUnit},
    {"three", 3, NumberWord::kUnit},
    {"four", 4, NumberWord::kUnit},
    {"five", 5, NumberWord::kUnit},
    {"six", 6, NumberWord::kUnit},
    {"seven", 7, NumberWord::kUnit},
    {"eight", 8, NumberWord::kUnit},
    {"nine", 9, NumberWord::kUnit},
    {"ten", 10, NumberWord::kUnit},
    {"eleven", 11, NumberWord::kUnit},
    {"twelve", 12, NumberWord::kUnit},
    {"thirteen", 13, NumberWord::kUnit},
    {"fourteen", 14, NumberWord::kUnit},
    {"fifteen", 15, NumberWord::kUnit},
    {"sixteen", 16, NumberWord::kUnit},
    {"seventeen", 17, NumberWord::kUnit},
    {"eighteen", 18, NumberWord::kUnit},
    {"nineteen", 19, NumberWord::kUnit},
    {"twenty", 20, NumberWord::kUnit},
    {"thirty", 30, NumberWord::kUnit},
    {"forty", 40, NumberWord::kUnit},
    {"fifty", 50, NumberWord::kUnit},
    {"sixty", 60, NumberWord::kUnit},
    {"seventy", 70, NumberWord::kUnit},
    {"eighty", 80, NumberWord::kUnit},
    {"ninety", 90, NumberWord::kUnit},
    {"first", 1, NumberWord::kUnit},
    {"second", 2, NumberWord::kUnit},
    {"third", 3, NumberWord::kUnit},
    {"fourth", 4, NumberWord::kUnit},
    {"fifth", 5, NumberWord::kUnit},
    {"sixth", 6, NumberWord::kUnit},
    {"seventh", 7, NumberWord::kUnit},
    {"eighth", 8, NumberWord::kUnit},
    {"ninth", 9, NumberWord::kUnit},
    {"tenth", 10, NumberWord::kUnit},
    {"hundred", 100, NumberWord::kHundred},
    {"thousand", 1000, NumberWord::kScale},
    {"million", 1000000, NumberWord::kScale},
    {"billion", 1000000000, NumberWord::kScale}};

// 1 + the index of `token` (any case) in kNumberWords, 0 if none.
uint8_t NumberWordOf(std::string_view token) {
  if (token.size() < 3 || token.size() > 9) return 0;
  std::string lower(token);
  absl::AsciiStrToLower(&lower);
  for (size_t k = 0; k < std::size(kNumberWords); ++k) {
    if (kNumberWords[k].word == lower) return static_cast<uint8_t>(k + 1);
  }
  return 0;
}

// A run of number words, read as one figure: "two hundred and fifty
// thousand" (an "and" between them), "twenty-five"; "first two" and "two
// three" are two. Tokens [first, last] of the unit.
struct SpelledRun {
  uint64_t total = 0, current = 0;
  size_t first = 0, last = 0;
  bool any = false;
  bool ordinal = false;  // Ended by an ordinal: nothing adds to it.
  // Whether `w` continues the figure so far.
  bool Continues(const NumberWord& w) const {
    if (!any) return true;
    if (ordinal) return false;
    if (w.kind != NumberWord::kUnit) return true;
    const uint64_t tens = current % 100;
    return current == 0 || tens == 0 ||
           (tens >= 20 && tens % 10 == 0 && w.value < 10);
  }
  void Add(const NumberWord& w, size_t token) {
    if (!any) first = token;
    any = true;
    last = token;
    ordinal = w.word.ends_with("st") || w.word.ends_with("nd") ||
              w.word.ends_with("rd") || w.word.ends_with("th");
    switch (w.kind) {
      case NumberWord::kUnit:
        current += w.value;
        break;
      case NumberWord::kHundred:
        current = std::max<uint64_t>(current, 1) * w.value;
        break;
      case NumberWord::kScale:
        total += std::max<uint64_t>(current, 1) * w.value;
        current = 0;
        break;
    }
  }
};

struct TokenInfo {
  // The token's first 8 bytes, zero past its end (Head8): a hit on a token
  // of up to 8 bytes, most of them, is confirmed without reading the pool,
  // where comparing the token's bytes had been 15% of analyzing a unit
  // (a call to memcmp and a cache miss for each token, stop words too).
  uint64_t head = 0;
  // The token as in the text (the cache key, checked on a hit), then its
  // word unless that is the token itself, then its stem if content: at
  // `at` in the pool, one after the other.
  uint32_t at = 0;
  uint16_t token_size = 0;
  uint16_t word_size = 0;
  uint16_t stem_size = 0;
  // The word is the token (no possessive 's, elided article or Russian
  // ё), so its hash is the token's: the cache's key.
  bool word_is_token : 1 = true;
  bool negation : 1 = false;
  // A verb of denial (DenialCueOf): like a negation, it negates the rest of
  // its clause for Contrasts (UnitTerms::negations); before_to: before "to"
  // it negates the verb after it.
  bool denial : 1 = false;
  bool denial_before_to : 1 = false;
  bool denial_only_before_to : 1 = false;  // "yet": a denial before "to" only.
  bool denial_noun : 1 = false;  // "failure": after a determiner only.
  // The token opens a clause, so a negation before it stops there (English:
  // "and", "but", "because", "which", "if", ...).
  bool opens_clause : 1 = false;
  bool content : 1 = false;  // Neither a stop word nor a single ASCII letter.
  HedgeCue hedge = HedgeCue::kNone;  // HedgeCueOf the token.
  uint8_t number_word = 0;           // English: NumberWordOf the token.
};
static_assert(sizeof(TokenInfo) == 24, "a cache slot stays 24 bytes");

// TokenInfo::head of `token`, which lies in a buffer ending at `end`: one
// unaligned load where 8 bytes from the token's start stay in the buffer.
uint64_t Head8(std::string_view token, const char* end) {
  const size_t n = std::min<size_t>(token.size(), 8);
  uint64_t x = 0;
  if constexpr (std::endian::native == std::endian::little) {
    if (end - token.data() >= 8) {
      std::memcpy(&x, token.data(), 8);
      return n == 8 ? x : x & ((uint64_t{1} << (8 * n)) - 1);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    x |= uint64_t{static_cast<unsigned char>(token[i])} << (8 * i);
  }
  return x;
}

// The per-thread cache of TokenInfo, by the token's hash.
struct TokenCache {
  std::string language;
  absl::flat_hash_map<uint64_t, TokenInfo> infos;
  std::string pool;

  std::string_view token(const TokenInfo& i) const {
    return std::string_view(pool).substr(i.at, i.token_size);
  }
  std::string_view word(const TokenInfo& i) const {
    if (i.word_is_token) return token(i);
    return std::string_view(pool).substr(i.at + i.token_size, i.word_size);
  }
  std::string_view stem(const TokenInfo& i) const {
    const size_t word_at = i.word_is_token ? 0 : i.word_size;
    return std::string_view(pool).substr(i.at + i.token_size + word_at,
                                         i.stem_size);
  }
};

}  // namespace

// Whether `gap`, the text between two tokens, ends a clause: a comma,
// semicolon, colon, full stop, question or exclamation mark, bracket,
// quotation mark or dash. A hyphen alone joins ("anti-war"); with a space
// beside it, it is a dash ("lord - said").
bool BreaksClause(std::string_view gap) {
  for (size_t k = 0; k < gap.size(); ++k) {
    const auto ch = static_cast<unsigned char>(gap[k]);
    if (std::string_view(",;:.!?()[]\"").find(static_cast<char>(ch)) !=
        std::string_view::npos) {
      return true;
    }
    if (ch == '-' && gap.size() > 1) return true;
    // U+2013/2014 (dashes), U+201C/201D/201E (quotes): E2 80 93..9E.
    if (ch == 0xE2 && k + 2 < gap.size() &&
        static_cast<unsigned char>(gap[k + 1]) == 0x80) {
      const auto c3 = static_cast<unsigned char>(gap[k + 2]);
      if (c3 == 0x93 || c3 == 0x94 || (c3 >= 0x9C && c3 <= 0x9E)) return true;
    }
    // U+00AB, U+00BB (guillemets).
    if (ch == 0xC2 && k + 1 < gap.size() &&
        (static_cast<unsigned char>(gap[k + 1]) == 0xAB ||
         static_cast<unsigned char>(gap[k + 1]) == 0xBB)) {
      return true;
    }
  }
  return false;
}

// Whether `gap` (text between two tokens) holds a currency sign: $, £, €,
// ¥ or ₹.
bool HasCurrencySign(std::string_view gap) {
  for (std::string_view sign : {"$", "\u00A3", "\u20AC", "\u00A5", "\u20B9"}) {
    if (gap.find(sign) != std::string_view::npos) return true;
  }
  return false;
}

// English words that open a clause of their own (a negation before them
// does not reach past them): conjunctions, subordinators, relatives.
bool OpensClause(std::string_view word) {
  static constexpr std::string_view kWords[] = {
      "and",    "but",     "or",      "because", "although", "though",
      "while",  "whereas", "if",      "unless",  "until",    "which",
      "who",    "whom",    "whose",   "when",    "where",    "after",
      "before", "since",   "despite", "as"};
  return std::find(std::begin(kWords), std::end(kWords), word) !=
         std::end(kWords);
}

// Whether tokens[i] of the normalized `text` stands in a subordinate
// clause (English): a condition, what may not happen ("strike if the
// company fails to increase wages"), or a concession or a relative clause,
// beside the sentence's statement ("Although the bank failed to raise rates
// in March, it will raise them in May", "Ministers who refused to back the
// war now back the plan"; review 47b-06).
bool InSubordinateClause(std::string_view text, std::span<const Token> tokens,
                         size_t i) {
  static constexpr std::string_view kOpeners[] = {
      "if",      "unless", "whether", "although", "though", "while",
      "whereas", "who",    "whom",    "whose",    "which"};
  for (size_t k = i; k > 0; --k) {
    const Token& prev = tokens[k - 1];
    if (BreaksClause(text.substr(prev.end, tokens[k].begin - prev.end))) {
      return false;
    }
    const std::string_view w = text.substr(prev.begin, prev.end - prev.begin);
    if (std::find(std::begin(kOpeners), std::end(kOpeners), w) !=
        std::end(kOpeners)) {
      return true;
    }
    if (OpensClause(w)) return false;
  }
  return false;
}

size_t ReadNumber(std::string_view text, std::span<const Token> tokens,
                  size_t i, std::string* value, bool comma_decimal) {
  auto token_at = [&](size_t k) {
    return k < tokens.size()
               ? text.substr(tokens[k].begin, tokens[k].end - tokens[k].begin)
               : std::string_view();
  };
  std::string_view w = token_at(i);
  size_t digits = NumberEnd(w);
  if (digits == 0) return 0;
  // '%' is no token: "3%" is the token "3".
  size_t next = i + 1;
  // Thousands grouped by spaces, as French and Russian write them ("1 250
  // 000", "10 000,5"): one to three digits, then groups of three, one space
  // apart, the last of which may hold the decimals.
  std::string spaced;
  if (comma_decimal && digits == w.size() && w.size() <= 3 &&
      w.find_first_of(".,") == std::string_view::npos) {
    spaced.assign(w);
    while (next < tokens.size() &&
           tokens[next].begin == tokens[next - 1].end + 1 &&
           text[tokens[next - 1].end] == ' ') {
      const std::string_view g = token_at(next);
      if (g.size() < 3 || NumberEnd(g) != g.size() ||
          g.substr(0, 3).find_first_of(".,") != std::string_view::npos ||
          (g.size() > 3 &&
           (g.size() == 4 || (g[3] != ',' && g[3] != '.') ||
            g.find_first_of(".,", 4) != std::string_view::npos))) {
        break;
      }
      spaced.append(g.substr(0, 3));
      ++next;
      if (g.size() > 3) {  // The decimals.
        spaced.push_back('.');
        spaced.append(g.substr(4));
        break;
      }
    }
    if (next == i + 1) spaced.clear();
  }
  if (!spaced.empty()) {
    w = spaced;
    digits = w.size();
  }
  *value = CanonicalNumber(w.substr(0, digits), comma_decimal);
  const std::string_view suffix = w.substr(digits);
  int scale = ScaleSuffix(suffix);
  if (suffix.empty() && (scale = ScaleWord(token_at(next))) != 0) {
    // "mil millones" (Spanish, 10^9), "mil milhões" (Portuguese).
    if (scale == 3 && ScaleWord(token_at(next + 1)) == 6) {
      scale = 9;
      ++next;
    }
    ++next;
  }
  if (scale != 0) {
    *value = ShiftDecimal(*value, scale);
  } else {
    value->append(suffix);  // "5km", "3rd", "1990s" keep theirs.
  }
  if (token_at(next) == "percent") {
    ++next;
  } else if (token_at(next) == "per" && token_at(next + 1) == "cent") {
    next += 2;
  }
  return next - i;
}

namespace {

// IsNegationAt's exception: English "no" at tokens[i] before a bare figure.
bool IsNumberSign(std::string_view text, std::span<const Token> tokens,
                  size_t i) {
  if (i + 1 >= tokens.size() ||
      text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin) != "no") {
    return false;
  }
  // "no £5,000 bonus" is an amount, no rank (review 49a-02).
  if (HasCurrencySign(
          text.substr(tokens[i].end, tokens[i + 1].begin - tokens[i].end))) {
    return false;
  }
  const std::string_view next =
      text.substr(tokens[i + 1].begin, tokens[i + 1].end - tokens[i + 1].begin);
  // A rank is a small whole number ("No 1", "No 10"); "no 5,000 bonus",
  // "no 2005 figures" negate.
  return NumberEnd(next) == next.size() && next.size() <= 3 &&
         next.find_first_of(",.") == std::string_view::npos;
}

// Whether token i is glued to a neighbour by a joiner of URLs and paths and
// no space ("acme.example/no/board", "yes/no"): not a word of the
// sentence's own, so no negation (review 49a-01). Not a hyphen: "a
// no-confidence vote" says what "a vote of no confidence" says, and
// "do-not-call" what "Do Not Call" does (MSRP holds both pairs).
bool InCompound(std::string_view text, std::span<const Token> tokens,
                size_t i) {
  auto joined = [&](size_t left) {  // Tokens left and left + 1.
    const std::string_view gap = text.substr(
        tokens[left].end, tokens[left + 1].begin - tokens[left].end);
    return !gap.empty() &&
           gap.find_first_not_of("/._=&?#@\\:") == std::string_view::npos;
  };
  return (i > 0 && joined(i - 1)) || (i + 1 < tokens.size() && joined(i));
}

// Whether a negation word at tokens[i] negates where it stands: not the
// "No" of "No 10" (English), nor a part of a URL. The one test of a cue's
// context for the analyzer and for IsNegationAt (report.html).
bool NegatesInPlace(std::string_view text, std::span<const Token> tokens,
                    size_t i, bool english) {
  return !(english && IsNumberSign(text, tokens, i)) &&
         !InCompound(text, tokens, i);
}

// Whether the first letter or digit of `text` (past quotation marks,
// brackets and spaces) is a capital letter.
bool OpensWithCapital(std::string_view text) {
  int32_t i = 0;
  const auto n = static_cast<int32_t>(text.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(text.data(), i, n, c);
    if (c < 0) return false;
    if (u_isalnum(c)) return u_isupper(c);
  }
  return false;
}

// Appends the hedge whose cue is tokens[i] (HedgeCueOf: `cue`), at
// `position` of UnitTerms::tokens, weak for a kBeforeTo cue not followed
// by "to"; none for "may" the month ("in May", "the May budget", "5 May",
// "May 2005") or the surname ("Mrs May", "May said"), nor for "May" that
// opens a unit with its capital (`first_capital`): a modal does not open a
// news sentence ("May I ..." asks, it does not hedge), a month often does,
// while a quoted fragment ("may cut jobs") opens in lower case.
void AddHedge(std::string_view text, std::span<const Token> tokens, size_t i,
              uint32_t position, HedgeCue cue, bool first_capital,
              std::vector<UnitTerms::Hedge>* hedges) {
  auto token_at = [&](size_t k) {
    return k < tokens.size()
               ? text.substr(tokens[k].begin, tokens[k].end - tokens[k].begin)
               : std::string_view();
  };
  const std::string_view word = token_at(i);
  const std::string_view next = token_at(i + 1);
  if (cue == HedgeCue::kWeakBeforeTo && next != "to") return;
  const bool weak = cue == HedgeCue::kWeak || cue == HedgeCue::kWeakBeforeTo ||
                    (cue == HedgeCue::kBeforeTo && next != "to");
  if (word == "may") {
    // Words a modal cannot follow ("the may", "during may").
    static constexpr std::string_view kBefore[] = {
        "in",     "on",      "of",      "since",      "until",  "till",
        "by",     "from",    "last",    "next",       "early",  "late",
        "mid",    "this",    "the",     "a",          "before", "after",
        "during", "between", "through", "throughout", "end",    "each",
        "every",  "mrs",     "ms",      "mr",         "miss",   "theresa"};
    const std::string_view prev = i > 0 ? token_at(i - 1) : std::string_view();
    if ((i == 0 && first_capital) ||
        std::find(std::begin(kBefore), std::end(kBefore), prev) !=
            std::end(kBefore) ||
        (!prev.empty() && NumberEnd(prev) == prev.size()) ||
        (!next.empty() && NumberEnd(next) == next.size()) || next == "said" ||
        next == "says" || next == "told") {
      return;
    }
  }
  UnitTerms::Hedge h;
  h.cue = position;
  const bool to = cue == HedgeCue::kBeforeTo && !weak;
  h.scope = position + (to ? 2 : 1);
  h.text = std::string(word);
  if (to) h.text += " to";
  h.weak = weak;
  hedges->push_back(std::move(h));
}

// Whether the denial cue tokens[i], of a kind that negates before "to"
// (a noun cue: kNounBeforeTo), does: "to" follows it, and a noun cue
// follows a determiner or a possessive ("the", "its", "this", "the
// council's").
bool NegatesBeforeTo(std::string_view text, std::span<const Token> tokens,
                     size_t i, bool noun) {
  auto token = [&](size_t k) {
    return text.substr(tokens[k].begin, tokens[k].end - tokens[k].begin);
  };
  if (i + 1 >= tokens.size() || token(i + 1) != "to") return false;
  if (!noun) return true;
  if (i == 0) return false;
  const std::string_view prev = token(i - 1);
  static constexpr std::string_view kDeterminers[] = {
      "the", "a",    "an", "its",  "their", "his",   "her",
      "our", "your", "my", "this", "that",  "these", "those"};
  return prev.ends_with("'s") ||
         std::find(std::begin(kDeterminers), std::end(kDeterminers), prev) !=
             std::end(kDeterminers);
}

}  // namespace

bool IsNegationAt(std::string_view text, std::span<const Token> tokens,
                  size_t i, std::string_view language) {
  const std::string_view token =
      text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin);
  if (const DenialCue d = DenialCueOf(token, language);
      d == DenialCue::kBeforeTo || d == DenialCue::kOnlyBeforeTo ||
      d == DenialCue::kNounBeforeTo) {
    return NegatesBeforeTo(text, tokens, i, d == DenialCue::kNounBeforeTo);
  }
  return IsNegationCue(token, language) &&
         NegatesInPlace(text, tokens, i, IsEnglishLanguage(language));
}

namespace {
// A word's first 7 bytes, ASCII lower-cased, and its length: equal for
// "MPs" and "mps", "Blanchflower" and "blanchflower".
uint64_t WordKey(std::string_view w) {
  uint64_t key = 0;
  for (size_t i = 0; i < w.size() && i < 7; ++i) {
    key |= static_cast<uint64_t>(static_cast<unsigned char>(
               absl::ascii_tolower(static_cast<unsigned char>(w[i]))))
           << (8 * i);
  }
  return key | static_cast<uint64_t>(std::min<size_t>(w.size(), 255)) << 56;
}
}  // namespace

UnitTerms TermAnalyzer::Analyze(std::string_view text) const {
  // Analyzed into reused buffers and copied out at their exact size:
  // growing the unit's own vectors cost an allocation per doubling, and
  // reserving a slot per token would hold memory for every stop word.
  thread_local UnitTerms scratch;
  AnalyzeInto(text, &scratch);
  return scratch;
}

void TermAnalyzer::AnalyzeInto(std::string_view text, UnitTerms* terms,
                               bool with_capitals) const {
  UnitTerms& out = *terms;
  out.stems.clear();
  out.words.clear();
  out.numbers.clear();
  out.conversions.clear();
  out.years.clear();
  out.spelled.clear();
  out.figures.clear();
  out.negated = false;
  out.negations.clear();
  out.hedges.clear();
  out.tokens.clear();
  out.stem_positions.clear();
  out.capitalized.clear();
  // The words of the original text that start with an ASCII capital, each
  // as its first 8 bytes lower-cased and its length: matched against the
  // content words (normalized, lower-cased) as they are found. A unit
  // holds a few, so a scan of them is cheaper than a set.
  thread_local std::vector<uint64_t> capitals;
  capitals.clear();
  // One compare a byte: only a capital after a non-word byte starts work.
  for (size_t i = 0; with_capitals && i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i] - 'A') >= 26 ||
        (i > 0 &&
         absl::ascii_isalnum(static_cast<unsigned char>(text[i - 1])))) {
      continue;
    }
    size_t e = i + 1;
    while (e < text.size() &&
           absl::ascii_isalnum(static_cast<unsigned char>(text[e]))) {
      ++e;
    }
    capitals.push_back(WordKey(text.substr(i, e - i)));
    i = e - 1;
  }
  auto capitalized = [&](std::string_view word) {
    if (capitals.empty()) return false;
    const uint64_t key = WordKey(word);
    return std::find(capitals.begin(), capitals.end(), key) != capitals.end();
  };
  thread_local std::string normalized;
  NormalizeInto(text, &normalized);
  thread_local std::vector<Token> tokens;
  Tokenize(normalized, &tokens);
  const std::string_view t = normalized;
  const bool english = IsEnglishLanguage(options_.language);
  // Per thread, per language, bounded. Tokens too long for the 16-bit
  // sizes (over 65,535 bytes: no word) are analyzed without the cache.
  thread_local TokenCache cache;
  if (cache.language != options_.language || cache.infos.size() > (1u << 18) ||
      cache.pool.size() > (1u << 26)) {
    cache.infos.clear();
    cache.pool.clear();
    cache.language = options_.language;
  }
  thread_local TokenInfo uncached;
  thread_local std::string uncached_strings;
  // The token's info, the hash of its word, and its word and stem (empty
  // unless content; valid until the next call).
  struct Looked {
    const TokenInfo& info;
    uint64_t hash;
    std::string_view word, stem;
  };
  const char* const text_end = t.data() + t.size();
  // `h`: the token's hash (HashBytes with kTokenSeed).
  auto token_info = [&](std::string_view token, uint64_t h) -> Looked {
    const bool fits = token.size() <= 0xFFFF;
    const uint64_t head = Head8(token, text_end);
    TokenInfo* slot = &uncached;
    if (fits) {
      auto [it, inserted] = cache.infos.try_emplace(h);
      slot = &it->second;
      if (!inserted && slot->token_size == token.size() && slot->head == head &&
          (token.size() <= 8 || cache.token(*slot) == token)) {
        const std::string_view word = cache.word(*slot);
        return {*slot,
                slot->word_is_token
                    ? h
                    : internal::HashBytes(word, internal::kTokenSeed),
                slot->content ? word : std::string_view(), cache.stem(*slot)};
      }
    }
    // New, or another token with the same 64-bit hash: (re)computed.
    TokenInfo& info = *slot;
    info = TokenInfo();
    info.head = head;
    info.negation = IsNegationCue(token, options_.language);
    const DenialCue denial = DenialCueOf(token, options_.language);
    info.denial = denial != DenialCue::kNone;
    info.denial_noun = denial == DenialCue::kNounBeforeTo;
    info.denial_only_before_to =
        denial == DenialCue::kOnlyBeforeTo || info.denial_noun;
    info.denial_before_to =
        denial == DenialCue::kBeforeTo || info.denial_only_before_to;
    info.opens_clause = english && OpensClause(token);
    info.hedge = HedgeCueOf(token, options_.language);
    if (english) info.number_word = NumberWordOf(token);
    std::string storage;
    const std::string_view w = Word(token, &storage);
    info.word_is_token = w == token;
    const uint64_t hash =
        info.word_is_token ? h : internal::HashBytes(w, internal::kTokenSeed);
    // Single ASCII letters are initials or leftovers of "U.S.".
    info.content = !IsStopWord(w) &&
                   !(w.size() == 1 && static_cast<unsigned char>(w[0]) < 0x80);
    const std::string stem = info.content ? StemUncached(w) : std::string();
    if (!fits) {
      // Past the 16-bit sizes: the word and stem kept for this call only.
      const std::string_view word = info.content ? w : std::string_view();
      uncached_strings.assign(word);
      uncached_strings.append(stem);
      const std::string_view p = uncached_strings;
      return {info, hash, p.substr(0, word.size()), p.substr(word.size())};
    }
    // A Snowball stem is no longer than its word (the stemmers only cut or
    // rewrite in place), but its size is checked all the same. The word is
    // kept for a stop word too (its hash is needed on a hit), unless it is
    // the token.
    const size_t stem_size = std::min<size_t>(stem.size(), 0xFFFF);
    info.at = static_cast<uint32_t>(cache.pool.size());
    info.token_size = static_cast<uint16_t>(token.size());
    info.word_size = static_cast<uint16_t>(w.size());
    info.stem_size = static_cast<uint16_t>(stem_size);
    cache.pool.append(token);
    if (!info.word_is_token) cache.pool.append(w);
    cache.pool.append(stem, 0, stem_size);
    return {info, hash, info.content ? cache.word(info) : std::string_view(),
            cache.stem(info)};
  };
  TermList& stems = out.stems;
  TermList& words = out.words;
  std::vector<uint32_t>& stem_positions = out.stem_positions;
  // Per position of out.tokens, its (first) token, and whether that opens
  // a clause (TokenInfo::opens_clause).
  thread_local std::vector<uint32_t> token_at;
  thread_local std::vector<char> opens_clause;
  token_at.clear();
  opens_clause.clear();
  out.tokens.reserve(tokens.size());
  // Every token's hash first, so that the cache's slot of a token a few
  // places ahead is fetched while this one is analyzed: a dump's rarer
  // words miss every cache level, and waiting for their slots was 40% of
  // the time spent in this function (perf annotate, BBC's sentences).
  thread_local std::vector<uint64_t> token_hash;
  token_hash.resize(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    token_hash[i] = internal::HashBytes(
        t.substr(tokens[i].begin, tokens[i].end - tokens[i].begin),
        internal::kTokenSeed);
  }
  constexpr size_t kAhead = 4;
  for (size_t i = 0; i < std::min(kAhead, tokens.size()); ++i) {
    cache.infos.prefetch(token_hash[i]);
  }
  // Conversions (UnitTerms::conversions): a bracket opened before a token
  // under `bracket_until` follows a figure, directly or one word later;
  // and whether such a bracket is still open.
  size_t bracket_until = 0;
  bool in_brackets_after_figure = false;
  // Figures' places, for NumbersDiffer's figures in words: "value prev
  // next", the words right before and after it, lower-cased (empty when
  // punctuation comes between).
  auto place = [&](const std::string& value, size_t first, size_t last) {
    std::string p = value;
    p += ' ';
    if (first > 0 && t.find_first_not_of(' ', tokens[first - 1].end) ==
                         tokens[first].begin) {
      p += t.substr(tokens[first - 1].begin,
                    tokens[first - 1].end - tokens[first - 1].begin);
    }
    p += ' ';
    if (last + 1 < tokens.size() &&
        t.find_first_not_of(" -", tokens[last].end) == tokens[last + 1].begin) {
      p += t.substr(tokens[last + 1].begin,
                    tokens[last + 1].end - tokens[last + 1].begin);
    }
    absl::AsciiStrToLower(&p);
    return p;
  };
  SpelledRun spelled;
  auto flush_spelled = [&] {
    if (!spelled.any) return;
    const uint64_t value = spelled.total + spelled.current;
    std::string p = place(std::to_string(value), spelled.first, spelled.last);
    // "one" and "first" alone are mostly no count ("one of them", "at
    // first"); "three-quarters" is a share.
    const std::string_view next = std::string_view(p).substr(p.rfind(' ') + 1);
    if (value != 1 && next != "quarter" && next != "quarters" &&
        next != "thirds" && next != "half") {
      out.spelled.push_back(p);
    }
    spelled = SpelledRun();
  };
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i + kAhead < tokens.size())
      cache.infos.prefetch(token_hash[i + kAhead]);
    const auto position = static_cast<uint32_t>(out.tokens.size());
    token_at.push_back(static_cast<uint32_t>(i));
    opens_clause.push_back(0);
    std::string_view gap;  // The text since the previous token.
    if (in_brackets_after_figure || i < bracket_until) {
      const size_t from = i == 0 ? 0 : tokens[i - 1].end;
      gap = t.substr(from, tokens[i].begin - from);
      for (char c : gap) {
        if (c == ')') in_brackets_after_figure = false;
        if (c == '(') in_brackets_after_figure = i < bracket_until;
      }
    }
    // One figure, however written: "1.4m", "1.4 million" and "1,400,000"
    // are one term, 1400000.
    std::string num;
    if (const size_t n = ReadNumber(t, tokens, i, &num, !english); n != 0) {
      flush_spelled();
      out.figures.push_back(place(num, i, i + n - 1));
      const bool conversion = in_brackets_after_figure && HasCurrencySign(gap);
      if (n == 1 &&
          IsYear(t.substr(tokens[i].begin, tokens[i].end - tokens[i].begin)) &&
          !(english && CountsThings(t, tokens, i))) {
        out.years.push_back(num);
      }
      i += n - 1;
      bracket_until = i + 3;
      out.tokens.push_back(internal::HashBytes(num, internal::kTokenSeed));
      stem_positions.push_back(position);
      stems.push_back(num);
      words.push_back(num);
      if (with_capitals) out.capitalized.push_back(false);
      out.numbers.push_back(num);
      if (conversion) out.conversions.push_back(num);
      continue;
    }
    const auto [info, hash, word, stem] =
        token_info(t.substr(tokens[i].begin, tokens[i].end - tokens[i].begin),
                   token_hash[i]);
    if (info.number_word != 0) {
      const NumberWord& w = kNumberWords[info.number_word - 1];
      if (!spelled.Continues(w)) flush_spelled();
      spelled.Add(w, i);
    } else if (spelled.any &&
               t.substr(tokens[i].begin, tokens[i].end - tokens[i].begin) !=
                   "and") {
      flush_spelled();
    }
    // "No 10" (Downing Street), "the No. 2 computer maker", "No 1 seed":
    // "no" before a bare figure abbreviates "number" and negates nothing
    // ("no 10pm curfew" still negates); nor does a part of a URL.
    if (info.negation) {
      if (NegatesInPlace(t, tokens, i, english)) {
        out.negated = true;
        out.negations.push_back({.cue = position});
      }
    } else if (info.denial) {
      // "denied by the spokesman" is passive: what is denied came before.
      const std::string_view next =
          i + 1 < tokens.size()
              ? t.substr(tokens[i + 1].begin,
                         tokens[i + 1].end - tokens[i + 1].begin)
              : std::string_view();
      // "the failure to act", not "heart failure to rise" (review 48c-02).
      const bool before_to = info.denial_before_to &&
                             NegatesBeforeTo(t, tokens, i, info.denial_noun);
      if (next != "by" && (before_to || !info.denial_only_before_to)) {
        // "did not fail to approve" affirms: the two cancel (review 47b-06).
        const bool doubled = before_to && !out.negations.empty() &&
                             !out.negations.back().denial &&
                             out.negations.back().cue + 1 == position;
        if (doubled) {
          out.negations.pop_back();
        } else {
          out.negations.push_back(
              {.cue = position,
               .denial = true,
               .before_to = before_to && !InSubordinateClause(t, tokens, i)});
        }
      }
    }
    if (info.hedge != HedgeCue::kNone) {
      AddHedge(t, tokens, i, position, info.hedge,
               i == 0 && OpensWithCapital(text), &out.hedges);
    }
    opens_clause.back() = info.opens_clause;
    out.tokens.push_back(hash);
    if (!info.content) continue;
    stem_positions.push_back(position);
    stems.push_back(stem);
    words.push_back(word);
    if (with_capitals) out.capitalized.push_back(capitalized(word));
  }
  flush_spelled();
  // Each cue's scope is its clause, which ends where the text between two
  // tokens breaks it or a word opens another. The cues ascend, and so do
  // their ends: one pass over the tokens finds them all (a scan per cue
  // was quadratic in a long run of cues without a break: 100,000 "not"
  // took 20 s).
  const auto num_positions = static_cast<uint32_t>(token_at.size());
  // `limit(cue)`: a position the search need not pass (ascending too).
  auto set_ends = [&](auto& cues, auto limit) {
    uint32_t end = 0;
    for (auto& cue : cues) {
      end = std::max(end, cue.cue + 1);
      const uint32_t stop = std::min(num_positions, limit(cue));
      while (end < stop && !opens_clause[end]) {
        const Token& prev = tokens[token_at[end] - 1];
        const Token& next = tokens[token_at[end]];
        if (BreaksClause(t.substr(prev.end, next.begin - prev.end))) break;
        ++end;
      }
      cue.end = std::min(end, stop);
    }
  };
  set_ends(out.negations, [&](const auto&) { return num_positions; });
  // A hedge governs its first three positions at most (Contrasts), and a
  // weak one none: weak cues are common ("is to", "if", "will"), and
  // searching each one's whole clause cost 3% of a BBC scan's CPU.
  set_ends(out.hedges, [](const UnitTerms::Hedge& h) {
    return h.weak ? h.scope : h.scope + 3;
  });
}

// ---------------------------------------------------------------------------
// IdfTable

struct IdfTable::Impl {
  absl::flat_hash_map<std::string, uint64_t> df;
};

namespace {
// Copy-on-write: a table shared by copies is cloned before it changes.
template <typename Impl>
Impl& Mutable(std::shared_ptr<Impl>& p) {
  if (!p) {
    p = std::make_shared<Impl>();
  } else if (p.use_count() > 1) {
    p = std::make_shared<Impl>(*p);
  }
  return *p;
}
}  // namespace

namespace {

bool Holds(const TermList& list, std::string_view x) {
  return std::find(list.begin(), list.end(), x) != list.end();
}

// Whether x's figure v is missing from y's, conversions left out: "$11bn
// (£5.7bn)" states $11bn, which "an $11bn fraud" states too. A conversion
// still counts as y's: "£5.7bn" is stated by "$11bn (£5.7bn)".
bool NotShared(const UnitTerms& x, const UnitTerms& y, std::string_view v) {
  return !Holds(x.conversions, v) && !Holds(y.numbers, v);
}

}  // namespace

std::pair<size_t, size_t> NumbersNotShared(const UnitTerms& a,
                                           const UnitTerms& b) {
  auto only = [](const UnitTerms& x, const UnitTerms& y) {
    size_t count = 0;
    for (std::string_view v : x.numbers) count += NotShared(x, y, v);
    return count;
  };
  return {only(a, b), only(b, a)};
}

namespace {
// A figure's place, "value prev next" (UnitTerms::spelled), in its parts.
std::array<std::string_view, 3> SplitPlace(std::string_view place) {
  const size_t i = place.find(' ');
  const size_t j = place.find(' ', i + 1);
  if (i == std::string_view::npos || j == std::string_view::npos) {
    return {place, {}, {}};
  }
  return {place.substr(0, i), place.substr(i + 1, j - i - 1),
          place.substr(j + 1)};
}

// Whether x states the figure v in words (UnitTerms::spelled).
bool SpelledHolds(const UnitTerms& x, std::string_view v) {
  for (std::string_view s : x.spelled) {
    if (s.size() > v.size() && s.starts_with(v) && s[v.size()] == ' ') {
      return true;
    }
  }
  return false;
}
}  // namespace

bool NumbersDiffer(const UnitTerms& a, const UnitTerms& b) {
  // Whether x states a figure y does not, a year or not as `years` says.
  auto only = [](const UnitTerms& x, const UnitTerms& y, bool years) {
    for (std::string_view v : x.numbers) {
      if (NotShared(x, y, v) && !SpelledHolds(y, v) &&
          Holds(x.years, v) == years) {
        return true;
      }
    }
    return false;
  };
  // A figure in words (English) that y states otherwise in its place: the
  // same word before or after it ("exceeded five million" / "exceeded 4.8
  // million", "seven nominations" / "three nominations"). Small figures in
  // words are common ("the two formats" beside "backed by 100 firms"), so
  // unlike digits they need their place.
  auto spelled_differs = [](const UnitTerms& x, const UnitTerms& y) {
    for (std::string_view xs : x.spelled) {
      const auto [v, before, after] = SplitPlace(xs);
      if (Holds(y.numbers, v) || SpelledHolds(y, v)) continue;
      for (const TermList* list : {&y.spelled, &y.figures}) {
        for (std::string_view ys : *list) {
          const auto [w, y_before, y_after] = SplitPlace(ys);
          // A year, or a figure with its unit ("6km"), is no count.
          if (Holds(x.numbers, w) || SpelledHolds(x, w) || Holds(y.years, w) ||
              std::any_of(w.begin(), w.end(), absl::ascii_isalpha)) {
            continue;
          }
          if ((!before.empty() && before == y_before) ||
              (!after.empty() && after == y_after)) {
            return true;
          }
        }
      }
    }
    return false;
  };
  // Whether x states a year-like figure y does not, before the word y
  // states a figure of its own (no year) before: 2000 against 450
  // "menschen" are counts.
  auto count_as_year = [](const UnitTerms& x, const UnitTerms& y) {
    for (std::string_view xf : x.figures) {
      const auto [v, x_before, word] = SplitPlace(xf);
      if (word.empty() || !Holds(x.years, v) || !NotShared(x, y, v)) continue;
      for (std::string_view yf : y.figures) {
        const auto [w, y_before, y_word] = SplitPlace(yf);
        if (y_word == word && !Holds(y.years, w) && NotShared(y, x, w)) {
          return true;
        }
      }
    }
    return false;
  };
  return (only(a, b, false) && only(b, a, false)) ||
         (only(a, b, true) && only(b, a, true)) || count_as_year(a, b) ||
         count_as_year(b, a) || spelled_differs(a, b) || spelled_differs(b, a);
}

void IdfTable::AddStems(const TermList& stems) {
  Impl& impl = Mutable(impl_);
  ++units_;
  thread_local std::vector<std::string_view> distinct;
  distinct.assign(stems.begin(), stems.end());
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  for (std::string_view s : distinct) {
    ++impl.df[absl::string_view(s.data(), s.size())];
  }
}

void IdfTable::Merge(const IdfTable& other) {
  if (other.impl_) {
    Impl& impl = Mutable(impl_);
    for (const auto& [stem, df] : other.impl_->df) impl.df[stem] += df;
  }
  units_ += other.units_;
}

IdfTable IdfTable::FromCounts(
    uint64_t units, std::span<const std::pair<std::string, uint64_t>> df) {
  IdfTable table;
  table.units_ = units;
  Impl& impl = Mutable(table.impl_);
  for (const auto& [stem, n] : df) impl.df[stem] += n;
  return table;
}

std::vector<std::pair<std::string, uint64_t>> IdfTable::Counts() const {
  std::vector<std::pair<std::string, uint64_t>> out;
  if (impl_) {
    out.reserve(impl_->df.size());
    for (const auto& [stem, df] : impl_->df) out.emplace_back(stem, df);
  }
  std::sort(out.begin(), out.end());
  return out;
}

double IdfTable::Idf(std::string_view stem) const {
  uint64_t df = 0;
  if (impl_) {
    auto it = impl_->df.find(absl::string_view(stem.data(), stem.size()));
    if (it != impl_->df.end()) df = it->second;
  }
  return IdfOf(units_, df);
}

bool IdfTable::empty() const {
  return units_ == 0 && (!impl_ || impl_->df.empty());
}

double IdfTable::IdfOf(uint64_t units, uint64_t df) {
  return std::log(static_cast<double>(units + 1) /
                  static_cast<double>(df + 1)) +
         1.0;
}

absl::StatusOr<IdfTable> IdfTable::FromFile(const std::string& path,
                                            const TermAnalyzer& analyzer) {
  absl::StatusOr<std::string> read = internal::ReadUtf8File(path);
  if (!read.ok()) return read.status();
  const std::string& text = *read;
  IdfTable table;
  std::string_view name = path;
  for (std::string_view ext : {".gz", ".zst"}) {
    if (name.ends_with(ext)) name.remove_suffix(ext.size());
  }
  if (name.ends_with(".txt")) {
    const Segmentation seg = Segment(text, SegmentOptions());
    for (const Span& s : seg.sentences) {
      table.Add(
          analyzer.Analyze(std::string_view(text).substr(s.begin, s.size())));
    }
    return table;
  }
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + pos, nl - pos);
    pos = nl + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    table.Add(analyzer.Analyze(line));
  }
  return table;
}

// ---------------------------------------------------------------------------
// ClaimScorer

// One text as Compute sees it: its terms and everything derived from them
// alone, so that a text scored against many others is derived once
// (ClaimScorer::Prepare).
struct ClaimScorer::Prepared::Side {
  const UnitTerms* terms = nullptr;
  size_t n = 0;  // Content words considered: min(stems, kMaxTerms).
  // Per content word [0, n): a hash of its stem (equal stems, equal
  // hashes: only equal hashes need a string compare), its IDF weight
  // relative to the largest possible IDF, and its WordNet senses (null:
  // unknown, a number, or no WordNet). senses is empty when terms->words
  // has fewer than n words (Compute then gives all zeros).
  std::vector<uint64_t> hash;
  std::vector<double> w;
  std::vector<const WordSenses*> senses;
  // Parallel to senses: each word's syn_sig then rel_sig, all zeros
  // without senses (so MayRelate fails), side by side in one array: the
  // pair loop tests every word of one text against every word of the
  // other, and the senses themselves lie all over the heap.
  std::vector<std::array<uint64_t, 8>> sigs;
  // Each distinct stem once, at its first position, with its count.
  std::vector<std::pair<uint32_t, double>> firsts;
  // Sum over distinct stems of (count x weight)^2: the squared norm of the
  // IDF-weighted stem counts.
  double norm = 0;
  // Sorted hashes of the token n-grams, n = 1..4.
  std::vector<uint64_t> grams[4];
  // What was derived for Compute beyond the word alignment: bit n - 1 of
  // grams_made set if grams[n - 1] was (else it is empty), and counted if
  // firsts and norm were. Scoring derives only what the model's features
  // read; Features() derives everything.
  uint8_t grams_made = 0;
  bool counted = false;
  // Whether Compute tells WordNet synonyms (kSynonym) from the other
  // relations (kRelated) for this text. False when it is prepared for a
  // model that reads no synonym feature: Compute then gives kRelated for
  // both, and the model's features are the same.
  bool synonyms = true;
  // Senses looked up past a full Lexicon cache: owned here.
  std::vector<std::unique_ptr<WordSenses>> overflow;
};

namespace {

using Side = ClaimScorer::Prepared::Side;

// Side::sigs from Side::senses.
void FillSigs(Side* s) {
  s->sigs.resize(s->senses.size());
  for (size_t i = 0; i < s->senses.size(); ++i) {
    std::array<uint64_t, 8>& sig = s->sigs[i];
    sig.fill(0);
    if (const WordSenses* ws = s->senses[i]; ws != nullptr) {
      std::copy(ws->syn_sig, ws->syn_sig + 4, sig.begin());
      std::copy(ws->rel_sig, ws->rel_sig + 4, sig.begin() + 4);
    }
  }
}

// Whether x.syn may meet y.rel or x.rel may meet y.syn (no false
// negatives), from two Side::sigs entries.
bool MayRelate(const std::array<uint64_t, 8>& x,
               const std::array<uint64_t, 8>& y) {
  uint64_t any = 0;
  for (int k = 0; k < 4; ++k) any |= (x[k] & y[4 + k]) | (x[4 + k] & y[k]);
  return any != 0;
}

// |A ∩ B| of two sorted arrays with repeats (each common value counted as
// often as it occurs in both), as IntersectionSize() would count it, without
// the unpredictable branch per step.
size_t MultisetIntersectionSize(const std::vector<uint64_t>& a,
                                const std::vector<uint64_t>& b) {
  size_t i = 0, j = 0, n = 0;
  while (i < a.size() && j < b.size()) {
    const uint64_t x = a[i], y = b[j];
    n += x == y;
    i += x <= y;
    j += y <= x;
  }
  return n;
}

bool SameStem(const Side& x, size_t i, const Side& y, size_t j) {
  return x.hash[i] == y.hash[j] && x.terms->stems[i] == y.terms->stems[j];
}

// Fills the fields of `s` that come from its content words [0, s->n) given
// hash and w: firsts and norm.
void CountStems(Side* s) {
  s->counted = true;
  s->firsts.clear();
  s->norm = 0;
  for (size_t i = 0; i < s->n; ++i) {
    bool seen = false;
    for (size_t k = 0; k < i && !seen; ++k) seen = SameStem(*s, k, *s, i);
    if (seen) continue;  // Counted at its first occurrence.
    double t = 0;
    for (size_t k = i; k < s->n; ++k) t += SameStem(*s, k, *s, i);
    s->norm += t * t * s->w[i] * s->w[i];
    s->firsts.emplace_back(static_cast<uint32_t>(i), t);
  }
}

// Sorted n-gram hashes of `tokens`, n = 1..4, for each n whose bit n - 1
// is set in `which`: the hash of the n-gram at i extends that of the
// (n-1)-gram at i by one token.
void TokenGrams(const std::vector<uint64_t>& tokens, uint8_t which, Side* s) {
  s->grams_made = which;
  const size_t len = std::min(tokens.size(), 4 * kMaxTerms);
  thread_local std::vector<uint64_t> h;
  h.assign(tokens.begin(), tokens.begin() + static_cast<long>(len));
  for (size_t g = 1; g <= 4; ++g) {
    std::vector<uint64_t>& out = s->grams[g - 1];
    out.clear();
    if (len < g) continue;
    if (g > 1) {
      for (size_t i = 0; i + g <= len; ++i) {
        h[i] = internal::Mix64(h[i] ^ tokens[i + g - 1]);
      }
    }
    if ((which >> (g - 1) & 1) == 0) continue;
    out.assign(h.begin(), h.begin() + static_cast<long>(len - g + 1));
    std::sort(out.begin(), out.end());
  }
}

// The stem counts (if `counts`) and the n-grams (`grams`, as in TokenGrams)
// of `s`, whose content words are set, from its tokens.
void Derive(const std::vector<uint64_t>& tokens, bool counts, uint8_t grams,
            Side* s) {
  s->counted = false;
  if (counts) CountStems(s);
  TokenGrams(tokens, grams, s);
}

}  // namespace

ClaimScorer::Prepared::Prepared() = default;
ClaimScorer::Prepared::~Prepared() = default;
ClaimScorer::Prepared::Prepared(Prepared&&) noexcept = default;
ClaimScorer::Prepared& ClaimScorer::Prepared::operator=(Prepared&&) noexcept =
    default;

struct ClaimScorer::Impl {
  std::shared_ptr<const Lexicon> lexicon;  // Null: no WordNet.
  // The model, resolved to feature indexes.
  double intercept = 0;
  std::vector<std::pair<int, double>> weights;
  // What Prepare derives for the model's features alone (Side::grams_made,
  // Side::counted): the n-grams of the tok<n> features it reads, and the
  // stem counts if it reads idf_cosine or jaccard.
  uint8_t model_grams = 0;
  bool model_counts = false;
  bool model_synonyms = false;  // The model reads cov_syn_min or _max.

  // What a Side is prepared for: every feature (Features()), or the model's.
  enum class For { kAllFeatures, kModel };

  // Where the shorter of two texts sits in the longer: the longer's content
  // words [begin, end); and where the longer sits in the shorter, the
  // shorter's [shorter_begin, shorter_end).
  struct Window {
    const Side* shorter = nullptr;
    const Side* longer = nullptr;
    size_t begin = 0, end = 0;
    size_t shorter_begin = 0, shorter_end = 0;
  };

  void Prepare(const UnitTerms& t, const IdfTable& idf, For what,
               Side* s) const {
    Prepare(t, idf.units(), what, s, [&](size_t i) {
      return std::pair(idf.Idf(t.stems[i]),
                       internal::HashBytes(t.stems[i], internal::kTokenSeed));
    });
  }
  // `stem(i)`: the IDF and the hash (HashBytes with kTokenSeed) of stem i;
  // `idf_units`: the units the IDF counts.
  template <typename StemFn>
  void Prepare(const UnitTerms& t, uint64_t idf_units, For what, Side* s,
               StemFn stem) const;
  // Fills f[0, kNumFeatures) for the pair and, if `window` is set, *window.
  // Features the two sides were not both prepared for stay 0 (the model
  // does not read them).
  void Compute(const Side& one, const Side& two, double* f,
               Window* window) const;
  // Fills f with the features of the shorter text against `w`, its window
  // in the longer one (from Compute); false (f untouched) when the
  // containment path does not apply: the shorter is too short, not short
  // enough relative to the longer, or aligned with all of it.
  bool ComputeWindow(const Window& w, double* f) const;
  // Fills f with the features of the two windows of `w` against each other
  // (the shared core of two texts that each add words of their own); false
  // (f untouched) when either window is shorter than kSharedCoreMinWords,
  // both are their whole texts, or the two are no near-copy of each other
  // (kSharedCoreMinExact) or state different figures.
  bool ComputeCore(const Window& w, double* f) const;
  // The score of a pair: the model's, or its window's or (capped) shared
  // core's if higher.
  double Score(const Side& a, const Side& b) const;

  double Model(const double* f) const {
    double z = intercept;
    for (const auto& [index, weight] : weights) z += weight * f[index];
    return 1.0 / (1.0 + std::exp(-z));
  }
};

template <typename StemFn>
void ClaimScorer::Impl::Prepare(const UnitTerms& t, uint64_t idf_units,
                                For what, Side* s, StemFn stem) const {
  s->terms = &t;
  const size_t n = std::min(t.stems.size(), kMaxTerms);
  s->n = n;
  // IDF weights, relative to the largest possible IDF (an unseen stem).
  const double max_idf = std::log(static_cast<double>(idf_units + 1)) + 1.0;
  s->hash.resize(n);
  s->w.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const auto [stem_idf, hash] = stem(i);
    s->hash[i] = hash;
    s->w[i] = stem_idf / max_idf;
  }
  // WordNet senses (numbers have none).
  s->overflow.clear();
  s->senses.clear();
  if (t.words.size() >= n) {
    s->senses.assign(n, nullptr);
    if (lexicon) {
      thread_local std::vector<uint32_t> which;
      which.clear();
      for (size_t i = 0; i < n; ++i) {
        const std::string_view w = t.words[i];
        if (!w.empty() && !absl::ascii_isdigit(w[0])) {
          which.push_back(static_cast<uint32_t>(i));
        }
      }
      lexicon->Senses(t.words, which, s->senses.data(), &s->overflow);
    }
    FillSigs(s);
  } else {
    s->sigs.clear();
  }
  const bool all = what == For::kAllFeatures;
  s->synonyms = all || model_synonyms;
  Derive(t.tokens, all || model_counts, all ? 0xF : model_grams, s);
}

void ClaimScorer::Impl::Compute(const Side& one, const Side& two, double* f,
                                Window* window) const {
  std::fill(f, f + kNumFeatures, 0.0);
  // A canonical order (shorter first) makes every feature exactly
  // symmetric, rounding included.
  const TermList& one_stems = one.terms->stems;
  const TermList& two_stems = two.terms->stems;
  const bool swap =
      two_stems.size() < one_stems.size() ||
      (two_stems.size() == one_stems.size() && two_stems < one_stems);
  const Side& a = swap ? two : one;
  const Side& b = swap ? one : two;
  const size_t n = a.n;
  const size_t m = b.n;
  if (window != nullptr) *window = Window{&a, &b, 0, 0};
  if (n == 0 || m == 0 || a.senses.size() < n || b.senses.size() < m) return;
  const std::vector<double>& wa = a.w;
  const std::vector<double>& wb = b.w;
  const std::vector<const WordSenses*>& sa = a.senses;
  const std::vector<const WordSenses*>& sb = b.senses;

  // Alignment level of every pair of content words, and each word's best.
  // exact_a[i]: how many words of b have a's word i's stem (for the cosine).
  thread_local std::vector<uint8_t> level, best_a, best_b;
  thread_local std::vector<uint32_t> exact_a;
  level.assign(n * m, kNoMatch);
  best_a.assign(n, kNoMatch);
  best_b.assign(m, kNoMatch);
  exact_a.assign(n, 0);
  {
    // Through local pointers and values: stores of uint8_t may alias
    // anything, and would otherwise reload every vector's data pointer on
    // each step of this, the hottest loop of the scorer.
    const uint64_t* hash_b = b.hash.data();
    const std::array<uint64_t, 8>* sigs_b = b.sigs.data();
    uint8_t* best_b_row = best_b.data();
    const bool synonyms = a.synonyms || b.synonyms;
    for (size_t i = 0; i < n; ++i) {
      uint8_t* row = level.data() + i * m;
      const uint64_t hash_i = a.hash[i];
      const std::array<uint64_t, 8> sigs_i = a.sigs[i];
      uint8_t best = kNoMatch;
      uint32_t exact = 0;
      for (size_t j = 0; j < m; ++j) {
        uint8_t l = kNoMatch;
        if (hash_i == hash_b[j] && a.terms->stems[i] == b.terms->stems[j]) {
          l = kExact;
          ++exact;
        } else if (MayRelate(sigs_i, sigs_b[j])) {
          l = synonyms ? SenseLevel(*sa[i], *sb[j])
                       : RelatedLevel(*sa[i], *sb[j]);
        }
        row[j] = l;
        best = std::max(best, l);
        best_b_row[j] = std::max(best_b_row[j], l);
      }
      best_a[i] = best;
      exact_a[i] = exact;
    }
  }
  auto set_min_max = [f](int min_index, double x, double y) {
    f[min_index] = std::min(x, y);
    f[min_index + 1] = std::max(x, y);
  };

  // Coverage of each side by the other.
  struct Coverage {
    double exact = 0, syn = 0, rel = 0, urel = 0;
    double unmatched = 0, unmatched_idf = 0, unmatched_oov = 0;
  };
  auto coverage = [](const std::vector<double>& w,
                     const std::vector<uint8_t>& best,
                     const std::vector<const WordSenses*>& ws, size_t len) {
    Coverage c;
    double total = 0;
    for (size_t i = 0; i < len; ++i) {
      total += w[i];
      if (best[i] >= kExact) c.exact += w[i];
      if (best[i] >= kSynonym) c.syn += w[i];
      if (best[i] >= kRelated) {
        c.rel += w[i];
        c.urel += 1;
      } else {
        c.unmatched += 1;
        c.unmatched_idf += w[i];
        if (ws[i] == nullptr) c.unmatched_oov += 1;
      }
    }
    c.exact /= total;
    c.syn /= total;
    c.rel /= total;
    c.urel /= static_cast<double>(len);
    c.unmatched = std::log1p(c.unmatched);
    return c;
  };
  const Coverage ca = coverage(wa, best_a, sa, n);
  const Coverage cb = coverage(wb, best_b, sb, m);
  set_min_max(kCovExactMin, ca.exact, cb.exact);
  set_min_max(kCovSynMin, ca.syn, cb.syn);
  set_min_max(kCovRelMin, ca.rel, cb.rel);
  set_min_max(kUcovRelMin, ca.urel, cb.urel);
  set_min_max(kUnmatchedMin, ca.unmatched, cb.unmatched);
  set_min_max(kUnmatchedIdfMin, ca.unmatched_idf, cb.unmatched_idf);
  set_min_max(kUnmatchedOovMin, ca.unmatched_oov, cb.unmatched_oov);

  if (window != nullptr) {
    // The densest run of each side's aligned words: the span that maximizes
    // the IDF weight of its aligned words minus that of its unaligned ones
    // (Kadane), so stray matches far away do not stretch it.
    auto densest = [](const std::vector<uint8_t>& best,
                      const std::vector<double>& w, size_t len, size_t* begin,
                      size_t* end) {
      double top = 0, run = 0;
      size_t run_begin = 0;
      for (size_t j = 0; j < len; ++j) {
        if (run <= 0) {
          run = 0;
          run_begin = j;
        }
        run += best[j] >= kRelated ? w[j] : -w[j];
        if (run > top) {
          top = run;
          *begin = run_begin;
          *end = j + 1;
        }
      }
    };
    densest(best_b, wb, m, &window->begin, &window->end);
    densest(best_a, wa, n, &window->shorter_begin, &window->shorter_end);
  }

  // Word order: longest common subsequence of aligned words.
  thread_local std::vector<uint16_t> lcs_rows;
  lcs_rows.assign(2 * (m + 1), 0);
  uint16_t* lcs_prev = lcs_rows.data();
  uint16_t* lcs_cur = lcs_prev + (m + 1);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* row = level.data() + i * m;
    for (size_t j = 0; j < m; ++j) {
      lcs_cur[j + 1] = row[j] >= kRelated
                           ? static_cast<uint16_t>(lcs_prev[j] + 1)
                           : std::max(lcs_prev[j + 1], lcs_cur[j]);
    }
    std::swap(lcs_prev, lcs_cur);
  }
  const auto lcs = static_cast<double>(lcs_prev[m]);
  set_min_max(kLcsMin, lcs / static_cast<double>(m),
              lcs / static_cast<double>(n));

  // Content-stem bigrams of each side found on the other, over all bigrams.
  if (n >= 2 && m >= 2) {
    auto both = [&](size_t i, size_t j) {
      return level[i * m + j] == kExact && level[(i + 1) * m + j + 1] == kExact;
    };
    size_t shared = 0;
    for (size_t i = 0; i + 1 < n; ++i) {
      for (size_t j = 0; j + 1 < m; ++j) {
        if (both(i, j)) {
          ++shared;
          break;
        }
      }
    }
    for (size_t j = 0; j + 1 < m; ++j) {
      for (size_t i = 0; i + 1 < n; ++i) {
        if (both(i, j)) {
          ++shared;
          break;
        }
      }
    }
    f[kBigramDice] =
        static_cast<double>(shared) / static_cast<double>(n - 1 + m - 1);
  }

  // Surface overlap: clipped n-gram precision of all tokens, n = 1..4.
  for (size_t g = 1; g <= 4; ++g) {
    if (((a.grams_made & b.grams_made) >> (g - 1) & 1) == 0) continue;
    const std::vector<uint64_t>& ga = a.grams[g - 1];
    const std::vector<uint64_t>& gb = b.grams[g - 1];
    if (ga.empty() || gb.empty()) break;
    const auto s = static_cast<double>(MultisetIntersectionSize(ga, gb));
    set_min_max(kTok1Min + 2 * static_cast<int>(g - 1),
                s / static_cast<double>(ga.size()),
                s / static_cast<double>(gb.size()));
  }

  // IDF-weighted cosine of the stem counts, and Jaccard of the stem sets.
  if (a.counted && b.counted) {
    double dot = 0;
    size_t shared = 0;
    for (const auto& [i, ta] : a.firsts) {
      const auto tb = static_cast<double>(exact_a[i]);
      dot += ta * tb * wa[i] * wa[i];
      if (tb > 0) ++shared;
    }
    const size_t da = a.firsts.size(), db = b.firsts.size();
    f[kIdfCosine] = dot / std::sqrt(a.norm * b.norm);
    f[kJaccard] =
        static_cast<double>(shared) / static_cast<double>(da + db - shared);
  }

  // Numbers and negation.
  const UnitTerms& ua = *a.terms;
  const UnitTerms& ub = *b.terms;
  if (!ua.numbers.empty() || !ub.numbers.empty()) {
    const auto [only_a, only_b] = NumbersNotShared(ua, ub);
    f[kNumMismatch] =
        static_cast<double>(only_a + only_b) /
        static_cast<double>(ua.numbers.size() + ub.numbers.size());
    f[kNumConflict] = only_a > 0 && only_b > 0 ? 1.0 : 0.0;
  }
  f[kNegMismatch] = ua.negated != ub.negated ? 1.0 : 0.0;
  f[kLenRatio] = static_cast<double>(n) / static_cast<double>(m);
  f[kShortLen] = static_cast<double>(n);
}

namespace {

// The content words [begin, end) of `s` as a text of their own in *slice
// and *side: its words, tokens, hashes, weights and senses are s's (the
// senses stay owned by s); what holds for the whole text (its figures,
// whether it is negated: a negation anywhere in s still counts) too.
void SliceOf(const Side& s, size_t begin, size_t end, UnitTerms* slice,
             Side* side) {
  const UnitTerms& l = *s.terms;
  slice->stems.AssignRange(l.stems, begin, end);
  slice->words.AssignRange(l.words, begin, end);
  slice->capitalized.clear();
  if (l.capitalized.size() >= end) {
    slice->capitalized.assign(l.capitalized.begin() + static_cast<long>(begin),
                              l.capitalized.begin() + static_cast<long>(end));
  }
  slice->numbers.clear();
  for (std::string_view word : slice->words) {
    if (!word.empty() && absl::ascii_isdigit(word[0]))
      slice->numbers.push_back(word);
  }
  slice->conversions = l.conversions;
  slice->years = l.years;
  slice->spelled = l.spelled;
  slice->figures = l.figures;
  slice->negated = l.negated;
  slice->tokens.clear();
  slice->stem_positions.clear();
  if (l.stem_positions.size() >= end &&
      l.stem_positions[end - 1] < l.tokens.size()) {
    const uint32_t first = l.stem_positions[begin];
    const uint32_t last = l.stem_positions[end - 1];
    slice->tokens.assign(l.tokens.begin() + first, l.tokens.begin() + last + 1);
    for (size_t k = begin; k < end; ++k) {
      slice->stem_positions.push_back(l.stem_positions[k] - first);
    }
  }
  const auto b = static_cast<long>(begin), e = static_cast<long>(end);
  side->terms = slice;
  side->n = end - begin;
  side->hash.assign(s.hash.begin() + b, s.hash.begin() + e);
  side->w.assign(s.w.begin() + b, s.w.begin() + e);
  side->senses.assign(s.senses.begin() + b, s.senses.begin() + e);
  side->sigs.assign(s.sigs.begin() + b, s.sigs.begin() + e);
  side->synonyms = s.synonyms;
  // Derived for what s was prepared for.
  Derive(slice->tokens, s.counted, s.grams_made, side);
}

}  // namespace

bool ClaimScorer::Impl::ComputeWindow(const Window& w, double* f) const {
  const size_t shorter = w.shorter->n;
  const size_t longer = w.longer->n;
  if (shorter < kContainedMinWords ||
      static_cast<double>(shorter) >
          kContainedMaxRatio * static_cast<double>(longer) ||
      w.end <= w.begin || w.end - w.begin >= longer) {
    return false;
  }
  thread_local UnitTerms slice;
  thread_local Side side;
  SliceOf(*w.longer, w.begin, w.end, &slice, &side);
  Compute(*w.shorter, side, f, nullptr);
  return true;
}

bool ClaimScorer::Impl::ComputeCore(const Window& w, double* f) const {
  const size_t in_shorter = w.shorter_end - w.shorter_begin;
  const size_t in_longer = w.end - w.begin;
  if (w.shorter_end <= w.shorter_begin || w.end <= w.begin ||
      std::min(in_shorter, in_longer) < kSharedCoreMinWords ||
      (in_shorter == w.shorter->n && in_longer == w.longer->n)) {
    return false;
  }
  // Figures that differ anywhere in the two texts: the run may stop just
  // after one ("Police said 300 protesters gathered ..." / "Organisers
  // claimed that 450 protesters gathered ...", review 46a-01).
  if (const auto [only_a, only_b] =
          NumbersNotShared(*w.shorter->terms, *w.longer->terms);
      only_a > 0 && only_b > 0) {
    return false;
  }
  thread_local UnitTerms slice_a, slice_b;
  thread_local Side side_a, side_b;
  SliceOf(*w.shorter, w.shorter_begin, w.shorter_end, &slice_a, &side_a);
  SliceOf(*w.longer, w.begin, w.end, &slice_b, &side_b);
  // Mostly capitalized words: names and titles ("said Professor David
  // Blanchflower, member of the Bank of England Monetary Policy Committee",
  // a list of bands, a dateline; review 46a-02, 03), no claim of their own.
  for (const UnitTerms* run : {&slice_a, &slice_b}) {
    const auto caps = static_cast<size_t>(
        std::count(run->capitalized.begin(), run->capitalized.end(), true));
    if (2 * caps > run->stems.size()) return false;
  }
  // Only a run the two share nearly word for word, in order, and whose
  // figures agree: a paraphrased core is the model's to judge whole (on
  // MSRP a looser core, any 10 aligned words, cost 0.6 points of accuracy
  // and lifted paraphrases of half a sentence on BBC).
  double g[kNumFeatures];
  Compute(side_a, side_b, g, nullptr);
  if (g[kCovExactMin] < kSharedCoreMinExact ||
      g[kLcsMin] < kSharedCoreMinExact || g[kNumConflict] > 0) {
    return false;
  }
  std::copy(g, g + kNumFeatures, f);
  return true;
}

double ClaimScorer::Impl::Score(const Side& a, const Side& b) const {
  if (a.terms->stems.empty() || b.terms->stems.empty()) return 0.0;
  // The same words in the same order (case, punctuation and brackets
  // aside) are the same statement. The model's logistic score of such a
  // pair stops at 0.971 while some rewordings reach 0.99, and a reader took
  // a copy scored under a paraphrase for a weaker match (review 40a-06).
  if (a.terms->tokens == b.terms->tokens) return 1.0;
  double f[kNumFeatures];
  Window w;
  Compute(a, b, f, &w);
  double p = Model(f);
  if (ComputeWindow(w, f)) p = std::max(p, Model(f));
  if (ComputeCore(w, f))
    p = std::max(p, std::min(Model(f), kSharedCoreMaxScore));
  return p;
}

absl::StatusOr<ClaimScorer> ClaimScorer::Create(
    const ClaimScorerOptions& options) {
  auto impl = std::make_shared<Impl>();
  if (!options.wordnet_dir.empty()) {
    absl::StatusOr<std::shared_ptr<const Lexicon>> lexicon =
        SharedLexicon(options.wordnet_dir);
    if (!lexicon.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot load WordNet from ", options.wordnet_dir, ": ",
          lexicon.status().message(),
          " (install wordnet-base, or score without WordNet by setting an "
          "empty WordNet directory)"));
    }
    impl->lexicon = *std::move(lexicon);
  }
  impl->intercept = claim_model::kIntercept;
  for (const claim_model::Weight& w : claim_model::kWeights) {
    const auto it =
        std::find_if(std::begin(kFeatureNames), std::end(kFeatureNames),
                     [&](const char* name) { return w.feature == name; });
    if (it == std::end(kFeatureNames)) {
      return absl::InternalError(
          absl::StrCat("claim model uses unknown feature ",
                       absl::string_view(w.feature.data(), w.feature.size())));
    }
    const int index = static_cast<int>(it - std::begin(kFeatureNames));
    impl->weights.emplace_back(index, w.weight);
    if (index >= kTok1Min && index <= kTok4Max) {
      impl->model_grams |= static_cast<uint8_t>(1u << ((index - kTok1Min) / 2));
    }
    if (index == kIdfCosine || index == kJaccard) impl->model_counts = true;
    if (index == kCovSynMin || index == kCovSynMax) {
      impl->model_synonyms = true;
    }
  }
  ClaimScorer scorer;
  scorer.impl_ = std::move(impl);
  return scorer;
}

ClaimScorer::Prepared ClaimScorer::Prepare(const UnitTerms& terms,
                                           const IdfTable& idf) const {
  Prepared p;
  p.side_ = std::make_unique<Side>();
  impl_->Prepare(terms, idf, Impl::For::kModel, p.side_.get());
  return p;
}

ClaimScorer::Prepared ClaimScorer::Prepare(const UnitTerms& terms,
                                           std::span<const double> stem_idf,
                                           std::span<const uint64_t> stem_hash,
                                           uint64_t idf_units) const {
  Prepared p;
  p.side_ = std::make_unique<Side>();
  impl_->Prepare(
      terms, idf_units, Impl::For::kModel, p.side_.get(),
      [&](size_t i) { return std::pair(stem_idf[i], stem_hash[i]); });
  return p;
}

double ClaimScorer::Score(const Prepared& a, const Prepared& b) const {
  if (a.side_ == nullptr || b.side_ == nullptr) return 0.0;
  return impl_->Score(*a.side_, *b.side_);
}

namespace {

// Whether a sense of one word is an antonym of a sense of the other.
bool Opposite(const WordSenses& x, const WordSenses& y) {
  auto meets = [](const std::vector<uint32_t>& p,
                  const std::vector<uint32_t>& q) {
    for (uint32_t id : p) {
      if (std::binary_search(q.begin(), q.end(), id)) return true;
    }
    return false;
  };
  return meets(x.syn, y.anto) || meets(y.syn, x.anto);
}

// Whether the token right after content word i of `s` is a particle that
// makes a phrasal verb of it ("forced out", "pulled out"): WordNet's
// antonyms of the verbs (force ~ push, pull) do not hold of the phrases
// (review 45b-04: "forced out" / "pulled out" were opposites).
bool BeforeParticle(const Side& s, size_t i) {
  static const std::array<uint64_t, 6> kParticles = {
      internal::HashBytes("out", internal::kTokenSeed),
      internal::HashBytes("off", internal::kTokenSeed),
      internal::HashBytes("up", internal::kTokenSeed),
      internal::HashBytes("down", internal::kTokenSeed),
      internal::HashBytes("away", internal::kTokenSeed),
      internal::HashBytes("back", internal::kTokenSeed)};
  if (i >= s.terms->stem_positions.size()) return false;
  const uint32_t q = s.terms->stem_positions[i];
  const std::vector<uint64_t>& tokens = s.terms->tokens;
  return q + 1 < tokens.size() &&
         std::find(kParticles.begin(), kParticles.end(), tokens[q + 1]) !=
             kParticles.end();
}

// English verbs and nouns of a figure's direction, by stem, that WordNet
// does not give as antonyms of each other ("gained" / "lost", "grew" /
// "shrank", "rose" / "dropped", "profit" / "loss"; review 45b-04): +1 up,
// -1 down, 0 neither.
int Direction(std::string_view stem) {
  static constexpr std::string_view kUp[] = {
      "rise",  "rose",    "risen",  "gain",   "grow",  "grew",
      "grown", "increas", "climb",  "jump",   "surg",  "soar",
      "rais",  "expand",  "profit", "higher", "boost", "rebound"};
  static constexpr std::string_view kDown[] = {
      "fall",   "fell",   "fallen", "drop",    "lost",  "lose",  "shrink",
      "shrank", "shrunk", "declin", "decreas", "plung", "slump", "sank",
      "sink",   "tumbl",  "loss",   "lower",   "slid",  "slide", "cut"};
  if (std::find(std::begin(kUp), std::end(kUp), stem) != std::end(kUp)) {
    return 1;
  }
  if (std::find(std::begin(kDown), std::end(kDown), stem) != std::end(kDown)) {
    return -1;
  }
  return 0;
}

// Whether the token before content word i of `s` (before an article
// too, with `past_article`) is one of `words`. False if the place of the
// word is unknown (a unit built by hand).
bool After(const Side& s, size_t i, std::span<const uint64_t> words,
           bool past_article = false) {
  static const std::array<uint64_t, 3> kArticles = {
      internal::HashBytes("the", internal::kTokenSeed),
      internal::HashBytes("a", internal::kTokenSeed),
      internal::HashBytes("an", internal::kTokenSeed)};
  auto in = [](std::span<const uint64_t> set, uint64_t t) {
    return std::find(set.begin(), set.end(), t) != set.end();
  };
  if (i >= s.terms->stem_positions.size()) return false;
  uint32_t q = s.terms->stem_positions[i];
  const std::vector<uint64_t>& tokens = s.terms->tokens;
  if (q == 0 || q > tokens.size()) return false;
  if (past_article && q >= 2 && in(kArticles, tokens[q - 1])) --q;
  return in(words, tokens[q - 1]);
}

// Whether content word i of `s` is a passive's agent: after "by", or "by"
// and an article ("was accused by Ukraine", "by the United States").
bool AfterBy(const Side& s, size_t i) {
  static const std::array<uint64_t, 1> kBy = {
      internal::HashBytes("by", internal::kTokenSeed)};
  return After(s, i, kBy, /*past_article=*/true);
}

// Whether content word i of `s` comes right after a form of "be" (a
// passive: "issues to be discussed", "was accused"), whose subject and
// object trade places with the active's.
bool AfterBe(const Side& s, size_t i) {
  static const std::array<uint64_t, 7> kBe = {
      internal::HashBytes("be", internal::kTokenSeed),
      internal::HashBytes("been", internal::kTokenSeed),
      internal::HashBytes("being", internal::kTokenSeed),
      internal::HashBytes("is", internal::kTokenSeed),
      internal::HashBytes("are", internal::kTokenSeed),
      internal::HashBytes("was", internal::kTokenSeed),
      internal::HashBytes("were", internal::kTokenSeed)};
  return After(s, i, kBe);
}

// Whether content word i of `s` comes right after "and", "or" or "nor":
// the last item of a list ("France, Germany and Spain").
bool AfterConjunction(const Side& s, size_t i) {
  static const std::array<uint64_t, 3> kAnd = {
      internal::HashBytes("and", internal::kTokenSeed),
      internal::HashBytes("or", internal::kTokenSeed),
      internal::HashBytes("nor", internal::kTokenSeed)};
  return After(s, i, kAnd);
}

// Sets c->swapped_first and _second if two words or names that a and b
// hold once each trade places around a third, next to both, the rest in the
// same order (Contrast). A run of shared words next to each other in the
// same order on both sides counts as one ("United States", "imposed
// tariffs on").
void SwappedRoles(const Side& a, const Side& b,
                  const std::vector<uint8_t>& best_a,
                  ClaimScorer::Contrast* c) {
  auto once = [](const Side& s, size_t i) {
    for (size_t k = 0; k < s.n; ++k) {
      if (k != i && SameStem(s, k, s, i)) return false;
    }
    return true;
  };
  // The words both hold once: (index in a, index in b), in a's order.
  std::vector<std::pair<size_t, size_t>> shared;
  for (size_t i = 0; i < a.n; ++i) {
    if (best_a[i] != kExact || !once(a, i)) continue;
    for (size_t j = 0; j < b.n; ++j) {
      if (SameStem(a, i, b, j)) {
        if (once(b, j)) shared.emplace_back(i, j);
        break;
      }
    }
  }
  // Runs of them, each next to the one before on both sides: [begin, end)
  // of `shared`.
  struct Run {
    size_t begin, end;
  };
  std::vector<Run> runs;
  for (size_t x = 0; x < shared.size(); ++x) {
    if (x > 0 && shared[x].first == shared[x - 1].first + 1 &&
        shared[x].second == shared[x - 1].second + 1) {
      runs.back().end = x + 1;
    } else {
      runs.push_back({x, x + 1});
    }
  }
  auto a_first = [&](const Run& u) { return shared[u.begin].first; };
  auto a_last = [&](const Run& u) { return shared[u.end - 1].first; };
  auto b_first = [&](const Run& u) { return shared[u.begin].second; };
  auto b_last = [&](const Run& u) { return shared[u.end - 1].second; };
  // b's order is a's but for one pair of runs (r, t) with a run between
  // them: the first descent starts at r, the last ends at t.
  const size_t k = runs.size();
  size_t r = k, t = k;
  for (size_t x = 0; x + 1 < k && r == k; ++x) {
    if (b_first(runs[x]) > b_first(runs[x + 1])) r = x;
  }
  for (size_t x = k; x-- > 1 && t == k;) {
    if (b_first(runs[x - 1]) > b_first(runs[x])) t = x;
  }
  if (r == k || t != r + 2) return;
  std::vector<size_t> order;
  for (const Run& u : runs) order.push_back(b_first(u));
  std::swap(order[r], order[t]);
  if (!std::is_sorted(order.begin(), order.end())) return;
  // Subject, verb, object: the three are next to each other in both (as
  // content words), x v y in a and y v x in b. Restatements reorder their
  // parts freely ("one thing in public and another in private" / "in
  // private and ... in public", "Kenteris and compatriot Katerina Thanou" /
  // "Thanou, 30, and her compatriot Kostas Kenteris": 13 BBC matches with
  // any one pair swapped around any shared word).
  const Run &x = runs[r], &v = runs[r + 1], &y = runs[t];
  if (a_first(v) != a_last(x) + 1 || a_first(y) != a_last(v) + 1 ||
      b_first(v) != b_last(y) + 1 || b_first(x) != b_last(v) + 1) {
    return;
  }
  if (AfterBy(a, a_first(x)) || AfterBy(a, a_first(y)) ||
      AfterBy(b, b_first(x)) || AfterBy(b, b_first(y)) ||
      AfterBe(a, a_first(v)) || AfterBe(b, b_first(v))) {
    return;
  }
  // A list reordered ("France, Germany and Spain" / "Spain, Germany and
  // France"): nobody acts on anybody (review 44a-02). Its middle item is
  // one word right after the first, and the last follows it and a
  // conjunction; two clauses joined by "and" ("Russia attacked the port and
  // Ukraine condemned it", review 44c-04) have a longer middle.
  auto listed = [](const Side& s, size_t first, size_t middle, size_t last) {
    const std::vector<uint32_t>& at = s.terms->stem_positions;
    if (std::max({first, middle, last}) >= at.size()) return false;
    return at[middle] == at[first] + 1 && at[last] == at[middle] + 2 &&
           AfterConjunction(s, last);
  };
  if ((a_first(x) == a_last(x) && a_first(v) == a_last(v) &&
       listed(a, a_last(x), a_first(v), a_first(y))) ||
      (b_first(y) == b_last(y) && b_first(v) == b_last(v) &&
       listed(b, b_last(y), b_first(v), b_first(x)))) {
    return;
  }
  auto words = [&](const Run& u) {
    std::string out;
    for (size_t i = a_first(u); i <= a_last(u); ++i) {
      if (!out.empty()) out += ' ';
      out += a.terms->words[i];
    }
    return out;
  };
  c->swapped_first = words(x);
  c->swapped_second = words(y);
}

// ClaimScorer::Contrasts of two prepared texts. Only matches get here (a
// few thousand pairs of a dump), so the alignment is derived again rather
// than kept from the score.
ClaimScorer::Contrast OrderedContrastOf(const Side& a, const Side& b) {
  ClaimScorer::Contrast c;
  const size_t n = a.n, m = b.n;
  if (n == 0 || m == 0) return c;
  const bool senses = a.senses.size() >= n && b.senses.size() >= m;
  // Each word's best alignment with the other side.
  std::vector<uint8_t> best_a(n, kNoMatch), best_b(m, kNoMatch);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < m; ++j) {
      uint8_t l = kNoMatch;
      if (SameStem(a, i, b, j)) {
        l = kExact;
      } else if (senses && MayRelate(a.sigs[i], b.sigs[j])) {
        l = SenseLevel(*a.senses[i], *b.senses[j]);
      }
      best_a[i] = std::max(best_a[i], l);
      best_b[j] = std::max(best_b[j], l);
    }
  }
  // A side negates the shared claim if a negation word stands at most
  // three tokens before a word both sides hold, in its clause ("did not
  // approve" / "approved"), and the other side negates nothing: two sides
  // that both hold a negation ("pleaded not guilty to charges" / "denied
  // the charges", "will take no action against Mourinho" / "Mourinho will
  // not face any action") may put it in other places. A verb of denial
  // counts for the other side, not for the flag: "refuses to publish" /
  // "resisted calls to publish", "denied that Santini resigned because of
  // a clash" / "Santini resigned for personal reasons" say no opposite
  // things (BBC). But a verb of denial right before "to" and a word both
  // sides hold negates that word: "failed to approve" / "approved",
  // "refused to rule out" / "ruled out" (review 46a-04).
  // Whether word i of `s` (the verb after "failed to") is stated in `o`:
  // the same stem, or a synonym ("pay" / "paid"), not as an infinitive
  // after "to" ("called on the minister to resign", "a vote to approve":
  // asked for or planned, which "refused to resign" does not oppose;
  // review 47b-06) and not in a name ("their Cubic Expression" against
  // "yet to express").
  auto hash = [](std::string_view w) {
    return internal::HashBytes(w, internal::kTokenSeed);
  };
  const uint64_t to_hash = hash("to");
  const uint64_t be_hash = hash("be");
  // Before "to", words that state what follows was done: "managed to
  // approve", "agreed to", "was able to" (review 47c-04).
  static const std::vector<uint64_t> kDid = [] {
    std::vector<uint64_t> v;
    for (std::string_view w :
         {"able", "managed", "manages", "agreed", "agrees", "voted", "votes",
          "decided", "decides", "chose", "opted", "went", "moved"}) {
      v.push_back(internal::HashBytes(w, internal::kTokenSeed));
    }
    return v;
  }();
  auto stated = [&](const Side& s, size_t i, const Side& o) {
    const std::vector<uint32_t>& at = o.terms->stem_positions;
    if (at.size() < o.n) return false;
    const std::vector<uint64_t>& tokens = o.terms->tokens;
    const std::vector<bool>& capital = o.terms->capitalized;
    for (size_t j = 0; j < o.n; ++j) {
      const bool same = SameStem(s, i, o, j) ||
                        (senses && MayRelate(s.sigs[i], o.sigs[j]) &&
                         SenseLevel(*s.senses[i], *o.senses[j]) >= kSynonym);
      // "to approve", "to be approved" ("are still to be finalised").
      uint32_t k = at[j];
      if (k > 1 && tokens[k - 1] == be_hash) --k;
      const bool infinitive =
          k > 0 && tokens[k - 1] == to_hash &&
          !(k > 1 &&
            std::find(kDid.begin(), kDid.end(), tokens[k - 2]) != kDid.end());
      if (same && !infinitive &&
          !(j < capital.size() && capital[j] && at[j] > 0)) {
        return true;
      }
    }
    return false;
  };
  // Whether side `s` negates a word it shares with `o`; the positions of
  // the cues that do go to `cues`.
  auto negates = [&](const Side& s, const std::vector<uint8_t>& best,
                     const Side& o, std::vector<uint32_t>* cues) {
    // Without the words' places (a unit built by hand), none is negated.
    if (s.terms->stem_positions.size() < s.n) return false;
    // Whether word i of `s` stands in the clause of a negation.
    auto in_scope = [&](size_t i) {
      const uint32_t q = s.terms->stem_positions[i];
      for (const UnitTerms::Negation& neg : s.terms->negations) {
        if (q > neg.cue && q < neg.end) return true;
      }
      return false;
    };
    // Whether `s` also states word i outside every negation: a teaser that
    // repeats a headline and goes on "they cannot prevent ... a nuclear
    // strike" states "nuclear strike" as the headline does (review 52a-07:
    // flagged as negating the headline).
    auto also_stated = [&](size_t i) {
      for (size_t k = 0; k < s.n; ++k) {
        if (k != i && SameStem(s, k, s, i) && !in_scope(k)) return true;
      }
      return false;
    };
    bool any = false;
    for (const UnitTerms::Negation& neg : s.terms->negations) {
      if (neg.denial && !neg.before_to) continue;
      for (size_t i = 0; i < s.n; ++i) {
        const uint32_t q = s.terms->stem_positions[i];
        if (q <= neg.cue || q >= neg.end || also_stated(i)) continue;
        // After "failed to", the verb alone, "be" passed over ("has yet to
        // be approved"): a word of its object is no sign ("failing to take
        // drugs tests" / "missing drugs tests").
        const uint32_t verb = neg.cue + 2 < s.terms->tokens.size() &&
                                      s.terms->tokens[neg.cue + 2] == be_hash
                                  ? neg.cue + 3
                                  : neg.cue + 2;
        // A figure is no verb ("failed to 5%" is no failure to act).
        const std::string_view stem = s.terms->stems[i];
        const bool figure =
            !stem.empty() &&
            absl::ascii_isdigit(static_cast<unsigned char>(stem[0]));
        if (neg.denial
                ? q == verb && !figure && best[i] >= kSynonym && stated(s, i, o)
                : best[i] == kExact && q <= neg.cue + 3) {
          any = true;
          // A cue the unit holds but did not tokenize (built by hand)
          // still negates, unmarked.
          if (neg.cue < s.terms->tokens.size()) cues->push_back(neg.cue);
          break;
        }
      }
    }
    return any;
  };
  c.negation =
      b.terms->negations.empty() && negates(a, best_a, b, &c.negation_cues_a);
  if (!c.negation && a.terms->negations.empty()) {
    c.negation = negates(b, best_b, a, &c.negation_cues_b);
  }
  // A side hedges the shared claim if the first content word after a
  // hedge, at most two stop words on and in its clause, is one the other
  // side holds, or a synonym or relative of it: the word hedged ("is
  // tipped to win best film" / "won best film", "would value the club" /
  // "values the club"), not a word
  // further on ("is expected to attend the CES show" / "CES runs from 6
  // to 9 January", "may have peaked" / "left rates on hold"). And the other
  // side hedges nothing, weak cues included (two hedged sides may hedge in
  // different words), but for a weak cue that is the hedged word itself:
  // "police charged him" states what "police are expected to charge him"
  // forecast, though "charged" alone is a weak cue (an accusation).
  struct Hedged {
    const UnitTerms::Hedge* hedge;
    size_t word;  // The content word hedged.
  };
  // The first content word of `s` at or after token position q (s.n if
  // none); s's positions must be known.
  auto word_from = [](const Side& s, uint32_t q) {
    const std::vector<uint32_t>& at = s.terms->stem_positions;
    return static_cast<size_t>(
        std::lower_bound(at.begin(), at.begin() + static_cast<long>(s.n), q) -
        at.begin());
  };
  auto hedge = [&](const Side& s,
                   const std::vector<uint8_t>& best) -> std::optional<Hedged> {
    const std::vector<uint32_t>& at = s.terms->stem_positions;
    if (at.size() < s.n) return std::nullopt;
    for (const UnitTerms::Hedge& h : s.terms->hedges) {
      if (h.weak) continue;
      const size_t i = word_from(s, h.scope);
      if (i < s.n && at[i] < h.end && at[i] < h.scope + 3 &&
          best[i] >= kRelated) {
        return Hedged{&h, i};
      }
    }
    return std::nullopt;
  };
  // Whether `s` hedges nothing but, with weak cues, word `i` of `other`.
  auto states = [&](const Side& s, const Side& other, size_t i) {
    const std::vector<uint32_t>& at = s.terms->stem_positions;
    for (const UnitTerms::Hedge& h : s.terms->hedges) {
      if (!h.weak || at.size() < s.n) return false;
      const size_t j = word_from(s, h.cue);
      if (j >= s.n || at[j] != h.cue || !SameStem(s, j, other, i)) {
        return false;
      }
    }
    return true;
  };
  if (const std::optional<Hedged> h = hedge(a, best_a);
      h && states(b, a, h->word)) {
    c.hedge_a = h->hedge->text;
    if (h->hedge->cue < a.terms->tokens.size()) {
      c.hedge_cues_a = {h->hedge->cue};
    }
  }
  if (const std::optional<Hedged> h = hedge(b, best_b);
      h && states(a, b, h->word)) {
    c.hedge_b = h->hedge->text;
    if (h->hedge->cue < b.terms->tokens.size()) {
      c.hedge_cues_b = {h->hedge->cue};
    }
  }
  if (a.terms->words.size() >= n && b.terms->words.size() >= m) {
    SwappedRoles(a, b, best_a, &c);
  }
  if (!senses) return c;
  // Antonyms in the same slot: next to the same shared word ("prices rose
  // sharply" / "prices fell sharply"), so that "the first half of 2004" /
  // "the euro last year" in two sentences about the euro is no contrast.
  // Per word, the stem hash of the content word just before and just after
  // it if the other side holds that word (0: none).
  auto neighbours = [](const Side& s, const std::vector<uint8_t>& best) {
    std::vector<std::pair<uint64_t, uint64_t>> around(s.n, {0, 0});
    for (size_t i = 0; i < s.n; ++i) {
      if (i > 0 && best[i - 1] == kExact) around[i].first = s.hash[i - 1];
      if (i + 1 < s.n && best[i + 1] == kExact) {
        around[i].second = s.hash[i + 1];
      }
    }
    return around;
  };
  const auto around_a = neighbours(a, best_a);
  const auto around_b = neighbours(b, best_b);
  for (size_t i = 0; i < n; ++i) {
    // A word with an equal or synonym on the other side is not opposed.
    if (best_a[i] >= kSynonym || a.senses[i] == nullptr) continue;
    for (size_t j = 0; j < m; ++j) {
      if (best_b[j] >= kSynonym || b.senses[j] == nullptr) continue;
      const auto [before_a, after_a] = around_a[i];
      const auto [before_b, after_b] = around_b[j];
      const bool same_slot = (before_a != 0 && before_a == before_b) ||
                             (after_a != 0 && after_a == after_b);
      if (!same_slot) continue;
      const bool phrasal = BeforeParticle(a, i) && BeforeParticle(b, j);
      // (WordNet, which gave senses to both, is English.)
      const int direction =
          Direction(a.terms->stems[i]) * Direction(b.terms->stems[j]);
      if (direction < 0 || (!phrasal && Opposite(*a.senses[i], *b.senses[j]))) {
        c.antonym_a = a.terms->words[i];
        c.antonym_b = b.terms->words[j];
        return c;
      }
    }
  }
  return c;
}

// OrderedContrastOf in a canonical order of the two (Compute's: fewer
// stems first, then the lesser stems), so that the contrast is symmetric:
// with two antonym pairs, each order would report the one its own first
// side meets first.
ClaimScorer::Contrast ContrastOf(const Side& a, const Side& b) {
  const TermList& sa = a.terms->stems;
  const TermList& sb = b.terms->stems;
  if (sb.size() < sa.size() || (sb.size() == sa.size() && sb < sa)) {
    return OrderedContrastOf(b, a).Reversed();
  }
  return OrderedContrastOf(a, b);
}

}  // namespace

ClaimScorer::Contrast ClaimScorer::Contrast::Reversed() const {
  Contrast r = *this;
  std::swap(r.antonym_a, r.antonym_b);
  std::swap(r.swapped_first, r.swapped_second);
  std::swap(r.hedge_a, r.hedge_b);
  std::swap(r.negation_cues_a, r.negation_cues_b);
  std::swap(r.hedge_cues_a, r.hedge_cues_b);
  return r;
}

ClaimScorer::Contrast ClaimScorer::Contrasts(const Prepared& a,
                                             const Prepared& b) const {
  if (a.side_ == nullptr || b.side_ == nullptr) return Contrast();
  return ContrastOf(*a.side_, *b.side_);
}

namespace {
// Per-thread sides for the calls that take plain UnitTerms: their buffers
// are reused from pair to pair.
struct PairSides {
  Side a, b;
};
PairSides& ThreadSides() {
  thread_local PairSides sides;
  return sides;
}
}  // namespace

double ClaimScorer::Score(const UnitTerms& a, const UnitTerms& b,
                          const IdfTable& idf) const {
  if (a.stems.empty() || b.stems.empty()) return 0.0;
  PairSides& s = ThreadSides();
  impl_->Prepare(a, idf, Impl::For::kModel, &s.a);
  impl_->Prepare(b, idf, Impl::For::kModel, &s.b);
  return impl_->Score(s.a, s.b);
}

ClaimScorer::Contrast ClaimScorer::Contrasts(const UnitTerms& a,
                                             const UnitTerms& b,
                                             const IdfTable& idf) const {
  PairSides& s = ThreadSides();
  impl_->Prepare(a, idf, Impl::For::kModel, &s.a);
  impl_->Prepare(b, idf, Impl::For::kModel, &s.b);
  return ContrastOf(s.a, s.b);
}

double ClaimScorer::DefaultThreshold() { return claim_model::kThreshold; }

void ClaimScorer::Features(const UnitTerms& a, const UnitTerms& b,
                           const IdfTable& idf,
                           std::vector<double>* out) const {
  out->assign(kNumFeatures, 0.0);
  PairSides& s = ThreadSides();
  impl_->Prepare(a, idf, Impl::For::kAllFeatures, &s.a);
  impl_->Prepare(b, idf, Impl::For::kAllFeatures, &s.b);
  impl_->Compute(s.a, s.b, out->data(), nullptr);
}

bool ClaimScorer::PathFeatures(const UnitTerms& a, const UnitTerms& b,
                               const IdfTable& idf, bool shared_core,
                               std::vector<double>* out) const {
  out->assign(kNumFeatures, 0.0);
  PairSides& s = ThreadSides();
  impl_->Prepare(a, idf, Impl::For::kAllFeatures, &s.a);
  impl_->Prepare(b, idf, Impl::For::kAllFeatures, &s.b);
  Impl::Window w;
  impl_->Compute(s.a, s.b, out->data(), &w);
  if (shared_core ? impl_->ComputeCore(w, out->data())
                  : impl_->ComputeWindow(w, out->data())) {
    return true;
  }
  out->assign(kNumFeatures, 0.0);
  return false;
}

const std::vector<std::string>& ClaimScorer::FeatureNames() {
  static const auto* names = new std::vector<std::string>(
      std::begin(kFeatureNames), std::end(kFeatureNames));
  return *names;
}

}  // namespace refrain

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

#include <algorithm>
#include <cmath>
#include <fstream>
#include <mutex>
#include <shared_mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "claim_model.h"
#include "hash.h"
#include "refrain/normalize.h"
#include "refrain/segment.h"
#include "refrain/similarity.h"
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
// The containment path: a shorter text with at least this many content
// words, at most this fraction of the longer one's, is also scored against
// the window of the longer text it aligns with. MSRP annotators call "A" vs
// "A plus another clause" not equivalent, so a wider gate costs MSRP
// accuracy (0.65: -0.2 point; 1.0: -1.5 points) while claims need it.
constexpr size_t kMinContainedWords = 4;
constexpr double kMaxContainedRatio = 0.65;
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

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// A token of digits with '.' or ',' between digits (Tokenize keeps those
// together).
bool IsNumberToken(std::string_view t) {
  if (t.empty() || !IsAsciiDigit(t[0])) return false;
  for (char c : t) {
    if (!IsAsciiDigit(c) && c != '.' && c != ',') return false;
  }
  return true;
}

// "2,000" -> "2000", "1,000.5" -> "1000.5"; a comma that is not a thousands
// separator is a decimal comma: "2,5" -> "2.5".
std::string CanonicalNumber(std::string_view t) {
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
  return out;
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
  // 256-bit Bloom signatures of syn and rel: two words whose signatures do
  // not meet cannot be related, which settles most pairs without a merge.
  uint64_t syn_sig[4] = {0, 0, 0, 0};
  uint64_t rel_sig[4] = {0, 0, 0, 0};
};

void AddToSignature(uint32_t id, uint64_t* sig) {
  const uint32_t bit = (id * 0x9E3779B1u) >> 24;  // Fibonacci hashing.
  sig[bit >> 6] |= uint64_t{1} << (bit & 63);
}

// Whether x.syn may meet y.rel or x.rel may meet y.syn (no false negatives).
bool MayRelate(const WordSenses& x, const WordSenses& y) {
  uint64_t any = 0;
  for (int k = 0; k < 4; ++k) {
    any |= (x.syn_sig[k] & y.rel_sig[k]) | (x.rel_sig[k] & y.syn_sig[k]);
  }
  return any != 0;
}

bool Intersects(const std::vector<uint32_t>& x,
                const std::vector<uint32_t>& y) {
  auto i = x.begin(), j = y.begin();
  while (i != x.end() && j != y.end()) {
    if (*i < *j) {
      ++i;
    } else if (*j < *i) {
      ++j;
    } else {
      return true;
    }
  }
  return false;
}

// WordNet plus a cache of the senses of the words met so far. One per
// WordNet directory per process, shared by every scorer using it.
class Lexicon {
 public:
  explicit Lexicon(std::unique_ptr<wordnet::WordNet> wn) : wn_(std::move(wn)) {}

  // The senses of `word`; null if WordNet does not know it. Thread-safe.
  // The pointer stays valid for the Lexicon's lifetime, or, once the cache
  // is full, until `overflow` (the caller's) is cleared.
  const WordSenses* Senses(
      const std::string& word,
      std::vector<std::unique_ptr<WordSenses>>* overflow) const {
    {
      std::shared_lock lock(mu_);
      auto it = cache_.find(word);
      if (it != cache_.end()) return it->second;
    }
    std::unique_ptr<WordSenses> ws = Lookup(word);
    std::unique_lock lock(mu_);
    if (auto it = cache_.find(word); it != cache_.end()) return it->second;
    if (cache_.size() >= kMaxCachedWords) {
      overflow->push_back(std::move(ws));
      return overflow->back().get();
    }
    const WordSenses* p = nullptr;
    if (ws != nullptr) {
      owned_.push_back(std::move(ws));
      p = owned_.back().get();
    }
    cache_.emplace(word, p);
    return p;
  }

 private:
  std::unique_ptr<WordSenses> Lookup(const std::string& word) const {
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
    for (uint32_t id : ws->syn) AddToSignature(id, ws->syn_sig);
    for (uint32_t id : ws->rel) AddToSignature(id, ws->rel_sig);
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
      wordnet::WordNet::Load(dir);
  if (!wn.ok()) return wn.status();
  auto lexicon = std::make_shared<const Lexicon>(*std::move(wn));
  (*loaded)[dir] = lexicon;
  return lexicon;
}

}  // namespace

// ---------------------------------------------------------------------------
// TermAnalyzer

absl::StatusOr<TermAnalyzer> TermAnalyzer::Create(
    const TermAnalyzerOptions& options) {
  if (StemmerFor(options.language) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("no Snowball stemmer for language \"", options.language,
                     "\" (libstemmer names: english, russian, french, ...)"));
  }
  TermAnalyzer a;
  a.options_ = options;
  return a;
}

bool TermAnalyzer::IsStopWord(std::string_view normalized_word) const {
  return IsStopWordOf(options_.language, normalized_word);
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

UnitTerms TermAnalyzer::Analyze(std::string_view text) const {
  UnitTerms out;
  thread_local std::string normalized;
  NormalizeInto(text, &normalized);
  thread_local std::vector<Token> tokens;
  Tokenize(normalized, &tokens);
  const std::string_view t = normalized;
  out.tokens.reserve(tokens.size());
  for (const Token& tok : tokens) {
    std::string_view w = t.substr(tok.begin, tok.end - tok.begin);
    if (IsNegationCue(w)) out.negated = true;
    const auto position = static_cast<uint32_t>(out.tokens.size());
    if (IsNumberToken(w)) {
      std::string num = CanonicalNumber(w);
      out.tokens.push_back(internal::HashBytes(num, internal::kTokenSeed));
      out.stem_positions.push_back(position);
      out.stems.push_back(num);
      out.words.push_back(num);
      out.numbers.push_back(std::move(num));
      continue;
    }
    if (w.size() > 2 && w.ends_with("'s")) w.remove_suffix(2);  // Possessive.
    out.tokens.push_back(internal::HashBytes(w, internal::kTokenSeed));
    if (IsStopWord(w)) continue;
    // Single ASCII letters are initials or leftovers of "U.S.".
    if (w.size() == 1 && static_cast<unsigned char>(w[0]) < 0x80) continue;
    out.stem_positions.push_back(position);
    out.stems.push_back(Stem(w));
    out.words.emplace_back(w);
  }
  return out;
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

void IdfTable::Add(const UnitTerms& unit) {
  Impl& impl = Mutable(impl_);
  ++units_;
  thread_local std::vector<std::string_view> distinct;
  distinct.assign(unit.stems.begin(), unit.stems.end());
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
  return std::log(static_cast<double>(units_ + 1) /
                  static_cast<double>(df + 1)) +
         1.0;
}

absl::StatusOr<IdfTable> IdfTable::FromFile(const std::string& path,
                                            const TermAnalyzer& analyzer) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    return absl::DataLossError(absl::StrCat("error reading ", path));
  }
  std::string text = std::move(ss).str();
  internal::RepairUtf8(&text);
  IdfTable table;
  if (path.ends_with(".txt")) {
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

struct ClaimScorer::Impl {
  std::shared_ptr<const Lexicon> lexicon;  // Null: no WordNet.
  // The model, resolved to feature indexes.
  double intercept = 0;
  std::vector<std::pair<int, double>> weights;

  // Where the shorter of two texts sits in the longer: the longer's content
  // words [begin, end).
  struct Window {
    const UnitTerms* shorter = nullptr;
    const UnitTerms* longer = nullptr;
    size_t begin = 0, end = 0;
  };

  // Fills f[0, kNumFeatures) for the pair and, if `window` is set, *window.
  void Compute(const UnitTerms& one, const UnitTerms& two, const IdfTable& idf,
               double* f, Window* window) const;
  // Fills f with the features of the shorter text against `w`, its window
  // in the longer one (from Compute); false (f untouched) when the
  // containment path does not apply: the shorter is too short, not short
  // enough relative to the longer, or aligned with all of it.
  bool ComputeWindow(const Window& w, const IdfTable& idf, double* f) const;

  double Model(const double* f) const {
    double z = intercept;
    for (const auto& [index, weight] : weights) z += weight * f[index];
    return 1.0 / (1.0 + std::exp(-z));
  }
};

void ClaimScorer::Impl::Compute(const UnitTerms& one, const UnitTerms& two,
                                const IdfTable& idf, double* f,
                                Window* window) const {
  std::fill(f, f + kNumFeatures, 0.0);
  // A canonical order (shorter first) makes every feature exactly
  // symmetric, rounding included.
  const bool swap =
      two.stems.size() < one.stems.size() ||
      (two.stems.size() == one.stems.size() && two.stems < one.stems);
  const UnitTerms& a = swap ? two : one;
  const UnitTerms& b = swap ? one : two;
  const size_t n = std::min(a.stems.size(), kMaxTerms);
  const size_t m = std::min(b.stems.size(), kMaxTerms);
  if (window != nullptr) *window = Window{&a, &b, 0, 0};
  if (n == 0 || m == 0 || a.words.size() < n || b.words.size() < m) return;

  // IDF weights, relative to the largest possible IDF (an unseen stem).
  const double max_idf = std::log(static_cast<double>(idf.units() + 1)) + 1.0;
  thread_local std::vector<double> wa, wb;
  wa.resize(n);
  wb.resize(m);
  for (size_t i = 0; i < n; ++i) wa[i] = idf.Idf(a.stems[i]) / max_idf;
  for (size_t j = 0; j < m; ++j) wb[j] = idf.Idf(b.stems[j]) / max_idf;

  // WordNet senses (numbers have none).
  thread_local std::vector<const WordSenses*> sa, sb;
  thread_local std::vector<std::unique_ptr<WordSenses>> overflow;
  overflow.clear();
  sa.assign(n, nullptr);
  sb.assign(m, nullptr);
  if (lexicon) {
    auto senses = [&](const std::string& w) -> const WordSenses* {
      if (w.empty() || IsAsciiDigit(w[0])) return nullptr;
      return lexicon->Senses(w, &overflow);
    };
    for (size_t i = 0; i < n; ++i) sa[i] = senses(a.words[i]);
    for (size_t j = 0; j < m; ++j) sb[j] = senses(b.words[j]);
  }

  // Alignment level of every pair of content words, and each word's best.
  thread_local std::vector<uint8_t> level, best_a, best_b;
  level.assign(n * m, kNoMatch);
  best_a.assign(n, kNoMatch);
  best_b.assign(m, kNoMatch);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < m; ++j) {
      uint8_t l = kNoMatch;
      if (a.stems[i] == b.stems[j]) {
        l = kExact;
      } else if (sa[i] != nullptr && sb[j] != nullptr &&
                 MayRelate(*sa[i], *sb[j])) {
        if (Intersects(sa[i]->syn, sb[j]->syn)) {
          l = kSynonym;
        } else if (Intersects(sa[i]->syn, sb[j]->rel) ||
                   Intersects(sa[i]->rel, sb[j]->syn)) {
          l = kRelated;
        }
      }
      level[i * m + j] = l;
      best_a[i] = std::max(best_a[i], l);
      best_b[j] = std::max(best_b[j], l);
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
    // The densest run of the longer side's aligned words: the span that
    // maximizes the IDF weight of its aligned words minus that of its
    // unaligned ones (Kadane), so stray matches far away do not stretch it.
    double best = 0, run = 0;
    size_t run_begin = 0;
    for (size_t j = 0; j < m; ++j) {
      if (run <= 0) {
        run = 0;
        run_begin = j;
      }
      run += best_b[j] >= kRelated ? wb[j] : -wb[j];
      if (run > best) {
        best = run;
        window->begin = run_begin;
        window->end = j + 1;
      }
    }
  }

  // Word order: longest common subsequence of aligned words.
  thread_local std::vector<uint16_t> lcs_prev, lcs_cur;
  lcs_prev.assign(m + 1, 0);
  lcs_cur.assign(m + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < m; ++j) {
      lcs_cur[j + 1] = level[i * m + j] >= kRelated
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
  {
    thread_local std::vector<uint64_t> ga, gb;
    auto grams = [](const std::vector<uint64_t>& t, size_t g,
                    std::vector<uint64_t>* out) {
      out->clear();
      const size_t len = std::min(t.size(), 4 * kMaxTerms);
      for (size_t i = 0; i + g <= len; ++i) {
        uint64_t h = t[i];
        for (size_t k = 1; k < g; ++k) h = internal::Mix64(h ^ t[i + k]);
        out->push_back(h);
      }
      std::sort(out->begin(), out->end());
    };
    for (size_t g = 1; g <= 4; ++g) {
      grams(a.tokens, g, &ga);
      grams(b.tokens, g, &gb);
      if (ga.empty() || gb.empty()) break;
      const auto s = static_cast<double>(IntersectionSize<uint64_t>(ga, gb));
      set_min_max(kTok1Min + 2 * static_cast<int>(g - 1),
                  s / static_cast<double>(ga.size()),
                  s / static_cast<double>(gb.size()));
    }
  }

  // IDF-weighted cosine of the stem counts, and Jaccard of the stem sets.
  {
    double dot = 0, na = 0, nb = 0;
    size_t shared = 0, da = 0, db = 0;
    for (size_t i = 0; i < n; ++i) {
      if (std::find(a.stems.begin(), a.stems.begin() + static_cast<long>(i),
                    a.stems[i]) != a.stems.begin() + static_cast<long>(i)) {
        continue;  // Counted at its first occurrence.
      }
      ++da;
      double ta = 0, tb = 0;
      for (size_t k = i; k < n; ++k) ta += a.stems[k] == a.stems[i];
      for (size_t j = 0; j < m; ++j) tb += level[i * m + j] == kExact;
      na += ta * ta * wa[i] * wa[i];
      dot += ta * tb * wa[i] * wa[i];
      if (tb > 0) ++shared;
    }
    for (size_t j = 0; j < m; ++j) {
      if (std::find(b.stems.begin(), b.stems.begin() + static_cast<long>(j),
                    b.stems[j]) != b.stems.begin() + static_cast<long>(j)) {
        continue;
      }
      ++db;
      double tb = 0;
      for (size_t k = j; k < m; ++k) tb += b.stems[k] == b.stems[j];
      nb += tb * tb * wb[j] * wb[j];
    }
    f[kIdfCosine] = dot / std::sqrt(na * nb);
    f[kJaccard] =
        static_cast<double>(shared) / static_cast<double>(da + db - shared);
  }

  // Numbers and negation.
  if (!a.numbers.empty() || !b.numbers.empty()) {
    size_t only_a = 0, only_b = 0;
    for (const std::string& x : a.numbers) {
      only_a +=
          std::find(b.numbers.begin(), b.numbers.end(), x) == b.numbers.end();
    }
    for (const std::string& y : b.numbers) {
      only_b +=
          std::find(a.numbers.begin(), a.numbers.end(), y) == a.numbers.end();
    }
    f[kNumMismatch] = static_cast<double>(only_a + only_b) /
                      static_cast<double>(a.numbers.size() + b.numbers.size());
    // Each side states a number the other does not: "20" vs "200" (one side
    // merely adding a date is not a conflict).
    f[kNumConflict] = only_a > 0 && only_b > 0 ? 1.0 : 0.0;
  }
  f[kNegMismatch] = a.negated != b.negated ? 1.0 : 0.0;
  f[kLenRatio] = static_cast<double>(n) / static_cast<double>(m);
  f[kShortLen] = static_cast<double>(n);
}

bool ClaimScorer::Impl::ComputeWindow(const Window& w, const IdfTable& idf,
                                      double* f) const {
  const size_t shorter = std::min(w.shorter->stems.size(), kMaxTerms);
  const size_t longer = std::min(w.longer->stems.size(), kMaxTerms);
  if (shorter < kMinContainedWords ||
      static_cast<double>(shorter) >
          kMaxContainedRatio * static_cast<double>(longer) ||
      w.end <= w.begin || w.end - w.begin >= longer) {
    return false;
  }
  const UnitTerms& l = *w.longer;
  thread_local UnitTerms slice;
  const auto begin = static_cast<long>(w.begin), end = static_cast<long>(w.end);
  slice.stems.assign(l.stems.begin() + begin, l.stems.begin() + end);
  slice.words.assign(l.words.begin() + begin, l.words.begin() + end);
  slice.numbers.clear();
  for (const std::string& word : slice.words) {
    if (!word.empty() && IsAsciiDigit(word[0])) slice.numbers.push_back(word);
  }
  // A negation anywhere in the longer text still counts.
  slice.negated = l.negated;
  slice.tokens.clear();
  slice.stem_positions.clear();
  if (l.stem_positions.size() >= w.end &&
      l.stem_positions[w.end - 1] < l.tokens.size()) {
    const uint32_t first = l.stem_positions[w.begin];
    const uint32_t last = l.stem_positions[w.end - 1];
    slice.tokens.assign(l.tokens.begin() + first, l.tokens.begin() + last + 1);
    for (size_t k = w.begin; k < w.end; ++k) {
      slice.stem_positions.push_back(l.stem_positions[k] - first);
    }
  }
  Compute(*w.shorter, slice, idf, f, nullptr);
  return true;
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
    impl->weights.emplace_back(static_cast<int>(it - std::begin(kFeatureNames)),
                               w.weight);
  }
  ClaimScorer scorer;
  scorer.impl_ = std::move(impl);
  return scorer;
}

double ClaimScorer::Score(const UnitTerms& a, const UnitTerms& b,
                          const IdfTable& idf) const {
  if (a.stems.empty() || b.stems.empty()) return 0.0;
  double f[kNumFeatures];
  Impl::Window w;
  impl_->Compute(a, b, idf, f, &w);
  double p = impl_->Model(f);
  if (impl_->ComputeWindow(w, idf, f)) p = std::max(p, impl_->Model(f));
  return p;
}

double ClaimScorer::DefaultThreshold() { return claim_model::kThreshold; }

void ClaimScorer::Features(const UnitTerms& a, const UnitTerms& b,
                           const IdfTable& idf,
                           std::vector<double>* out) const {
  out->assign(kNumFeatures, 0.0);
  impl_->Compute(a, b, idf, out->data(), nullptr);
}

bool ClaimScorer::WindowFeatures(const UnitTerms& a, const UnitTerms& b,
                                 const IdfTable& idf,
                                 std::vector<double>* out) const {
  out->assign(kNumFeatures, 0.0);
  Impl::Window w;
  impl_->Compute(a, b, idf, out->data(), &w);
  if (impl_->ComputeWindow(w, idf, out->data())) return true;
  out->assign(kNumFeatures, 0.0);
  return false;
}

const std::vector<std::string>& ClaimScorer::FeatureNames() {
  static const auto* names = new std::vector<std::string>(
      std::begin(kFeatureNames), std::end(kFeatureNames));
  return *names;
}

}  // namespace refrain

#include "refrain/claims.h"

#include <omp.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <span>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/types/span.h"
#include "claims_internal.h"
#include "hash.h"
#include "refrain/cluster.h"
#include "refrain/lsh.h"
#include "refrain/minhash.h"
#include "refrain/normalize.h"
#include "refrain/shingle.h"
#include "stopwords.h"

namespace refrain {
namespace {

// Wall seconds since the previous call (or construction).
class Lap {
 public:
  double operator()() {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - start_).count();
    start_ = now;
    return s;
  }

 private:
  std::chrono::steady_clock::time_point start_ =
      std::chrono::steady_clock::now();
};

// Identity of a line for boilerplate detection: its normalized tokens, so
// spacing, case and quote styles do not matter.
uint64_t LineKey(std::string_view original) {
  thread_local std::string n;  // No offset map needed: only the key.
  NormalizeInto(original, &n);
  thread_local std::vector<Token> tokens;
  Tokenize(n, &tokens);
  thread_local std::vector<uint64_t> hashes;
  hashes.clear();
  // TokenHash's values, read as the scan reads them: 16 bytes at a time
  // where the line has them (TokenHash alone may not read past the token,
  // which cost a third of segmenting for claims).
  for (const Token& t : tokens) {
    hashes.push_back(internal::TokenHashOf(n.data() + t.begin, t.end - t.begin,
                                           n.size() - t.begin));
  }
  return internal::HashBytes(hashes.data(), hashes.size() * sizeof(uint64_t),
                             internal::kShingleSeed);
}

// Candidate shingles of a unit: its stems and, optionally, stem bigrams,
// leaving out stems found in more texts than the frequent-stem cap ("said",
// "year", "government" in a news dump). Two units that share only such stems
// are not a claim repeated, and keeping them would make most of the dump
// candidates of each other. A unit left with fewer than three shingles keeps
// its three rarest stems instead.
//
// `stem(i)` gives the IDF and TokenHash of the unit's i-th stem, i < n.
template <typename StemFn>
std::vector<uint64_t> UnitShingles(size_t n, StemFn stem, bool bigrams,
                                   double min_idf) {
  std::vector<uint64_t> out;
  out.reserve(n * 2);
  uint64_t prev = 0;
  bool prev_kept = false;
  for (size_t i = 0; i < n; ++i) {
    const auto [stem_idf, h] = stem(i);
    const bool keep = stem_idf >= min_idf;
    if (keep) out.push_back(h);
    if (bigrams && i > 0 && (keep || prev_kept)) {
      uint64_t pair[2] = {prev, h};
      out.push_back(
          internal::HashBytes(pair, sizeof pair, internal::kShingleSeed));
    }
    prev = h;
    prev_kept = keep;
  }
  if (out.size() < 3) {
    std::vector<std::pair<double, uint64_t>> by_rarity;
    for (size_t i = 0; i < n; ++i) {
      const auto [stem_idf, h] = stem(i);
      by_rarity.emplace_back(-stem_idf, h);
    }
    std::sort(by_rarity.begin(), by_rarity.end());
    for (size_t i = 0; i < by_rarity.size() && i < 3; ++i) {
      out.push_back(by_rarity[i].second);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The IDF at or above which a stem is in the candidate shingles.
// `idf_units`: the distinct unit texts the IDF counts.
double MinShingleIdf(const ClaimOptions& options, uint64_t idf_units) {
  // idf(t) = ln((N + 1) / (df + 1)) + 1, so df <= cap <=> idf >= this.
  const double cap = std::max<double>(
      options.frequent_stem_min_units,
      options.frequent_stem_fraction * static_cast<double>(idf_units));
  return std::log((static_cast<double>(idf_units) + 1) / (cap + 1)) + 1;
}

// Candidate sketches of `num_units` units into `sigs`: the classic MinHash
// of UnitShingles, units x slots. shingles(u) gives unit u's. `slots`: the
// bands x rows of `lsh` that the claim LSH reads (56 of the 128 num_perm by
// default); classic MinHash slot i depends on i alone, so they are the
// first slots of a num_perm sketch, and the others are never computed.
template <typename ShinglesFn>
void SignShingles(size_t num_units, ShinglesFn shingles,
                  const ClaimOptions& options, const LshParams& lsh,
                  std::span<uint32_t> sigs) {
  // Units are small sets (about 20 shingles): the classic k-hash MinHash
  // costs k multiply-adds per shingle, while one-permutation hashing would
  // spend most of its time densifying ~k empty bins.
  MinHashOptions mo;
  mo.algorithm = MinHashAlgorithm::kClassic;
  mo.num_perm = lsh.bands * lsh.rows;
  mo.seed = options.seed;
  const MinHasher hasher(mo);
  const auto n = static_cast<int64_t>(num_units);
#pragma omp parallel for schedule(dynamic, 64)
  for (int64_t u = 0; u < n; ++u) {
    hasher.Sign(shingles(u), sigs.subspan(u * mo.num_perm, mo.num_perm));
  }
}

// Stems in more texts than the frequent-stem cap are left out of the
// shingles.
std::vector<uint32_t> SignClaimUnits(std::span<const TermList> unit_stems,
                                     const ClaimOptions& options,
                                     const LshParams& lsh,
                                     const IdfTable& idf) {
  const size_t n = unit_stems.size();
  const double min_idf = MinShingleIdf(options, idf.units());
  std::vector<uint32_t> sigs(n * lsh.bands * lsh.rows);
  SignShingles(
      n,
      [&](int64_t u) {
        const TermList& stems = unit_stems[u];
        return UnitShingles(
            stems.size(),
            [&](size_t i) {
              return std::pair(idf.Idf(stems[i]), TokenHash(stems[i]));
            },
            options.bigrams, min_idf);
      },
      options, lsh, sigs);
  return sigs;
}

// The `lsh.bands` band keys of each signature of `sigs` (units x bands x
// rows slots), flattened.
std::vector<uint64_t> BandKeysOf(std::span<const uint32_t> sigs,
                                 const LshParams& lsh) {
  const uint32_t k = lsh.bands * lsh.rows;
  const size_t n = k == 0 ? 0 : sigs.size() / k;
  std::vector<uint64_t> keys(n * lsh.bands);
  for (size_t u = 0; u < n; ++u) {
    const std::span<const uint32_t> sig = sigs.subspan(u * k, k);
    for (uint32_t b = 0; b < lsh.bands; ++b) {
      keys[u * lsh.bands + b] = BandKey(sig, lsh, b);
    }
  }
  return keys;
}

// scan --index: completes `idf` (the index's counts, then the texts of
// the documents it does not count yet, each once), signs every unit into
// `sigs`, and fills the outputs of `inc`.
absl::Status SketchForIndex(std::span<const ClaimUnit> units,
                            std::span<const TermList> stems,
                            std::span<const UnitTermsKey> keys,
                            const ClaimOptions& options, IdfTable* idf,
                            ClaimsIncremental* inc,
                            std::vector<uint32_t>* sigs) {
  // Views of the stems, not strings: a dump has about 15 stems a unit and
  // 30 distinct ones an article (strings, sorted, took 0.15 s of BBC's 2,226
  // articles, twice a scan).
  inc->unit_stems.assign(units.size(), TermList());
  absl::flat_hash_set<std::string_view, internal::ViewHash> distinct;
  std::vector<std::string_view> st;
  for (size_t u = 0; u < units.size(); ++u) {
    st.assign(stems[u].begin(), stems[u].end());
    std::sort(st.begin(), st.end());
    st.erase(std::unique(st.begin(), st.end()), st.end());
    for (std::string_view s : st) inc->unit_stems[u].push_back(s);
    distinct.insert(st.begin(), st.end());
  }
  std::vector<std::string> all(distinct.begin(), distinct.end());
  std::sort(all.begin(), all.end());
  if (inc->base_idf) {
    absl::StatusOr<IdfTable> base = inc->base_idf(all);
    if (!base.ok()) return base.status();
    idf->Merge(*base);
  }
  // The units that may count, then their texts not counted yet.
  std::vector<size_t> counting;
  std::vector<UnitTermsKey> counting_keys;
  for (size_t u = 0; u < units.size(); ++u) {
    if (!inc->counts_in_idf[units[u].doc]) continue;
    counting.push_back(u);
    counting_keys.push_back(keys[u]);
  }
  std::vector<char> counted(counting.size(), 0);
  if (inc->counted_texts && !counting.empty()) {
    absl::StatusOr<std::vector<char>> in_base =
        inc->counted_texts(counting_keys);
    if (!in_base.ok()) return in_base.status();
    counted = *std::move(in_base);
  }
  const std::vector<char> first = FirstOfEachText(counting_keys);
  for (size_t i = 0; i < counting.size(); ++i) {
    if (first[i] && !counted[i]) idf->AddStems(stems[counting[i]]);
  }
  inc->unit_keys.assign(keys.begin(), keys.end());
  const LshParams lsh = ClaimLshParams(options);
  *sigs = SignClaimUnits(stems, options, lsh, *idf);
  inc->unit_band_keys = BandKeysOf(*sigs, lsh);
  return absl::OkStatus();
}

// Sorts (term, weight) entries by term, adds up the weights of a repeated
// term (a term's weight is its count x IDF), and returns the Euclidean
// norm of the result: what the cosine gate divides by. One definition for
// the units x terms matrix and for WeighUnit, which must agree.
template <typename Term>
double SumRepeatsAndNorm(std::vector<std::pair<Term, double>>* entries) {
  std::vector<std::pair<Term, double>>& v = *entries;
  std::sort(v.begin(), v.end());
  size_t w = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (w > 0 && v[w - 1].first == v[i].first) {
      v[w - 1].second += v[i].second;
    } else {
      v[w++] = v[i];
    }
  }
  v.resize(w);
  double norm = 0;
  for (const auto& [t, x] : v) norm += x * x;
  return std::sqrt(norm);
}

}  // namespace

UnitVector WeighUnit(const TermList& stems, const IdfTable& idf) {
  UnitVector v;
  v.reserve(stems.size());
  for (std::string_view s : stems) {
    v.emplace_back(internal::HashBytes(s, internal::kTokenSeed), idf.Idf(s));
  }
  // Weighed as the units x terms matrix weighs its rows.
  const double norm = SumRepeatsAndNorm(&v);
  if (norm > 0) {
    for (auto& [h, x] : v) x /= norm;
  }
  return v;
}

double Dot(const UnitVector& a, const UnitVector& b) {
  double dot = 0;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].first < b[j].first) {
      ++i;
    } else if (b[j].first < a[i].first) {
      ++j;
    } else {
      dot += a[i++].second * b[j++].second;
    }
  }
  return dot;
}

namespace {

bool Contains(Span outer, Span inner) {
  return outer.begin <= inner.begin && inner.end <= outer.end;
}

}  // namespace

UnitTermsKey KeyOfTerms(const UnitTerms& t) {
  thread_local std::string bytes;
  bytes.clear();
  auto put = [&](const void* p, size_t n) {
    bytes.append(static_cast<const char*>(p), n);
  };
  // A list as its count, its end offsets and its characters: three appends
  // instead of two a term (term by term took about 5 of the 75 ms of BBC's
  // units step on one thread).
  auto put_list = [&](const TermList& list) {
    const auto n = static_cast<uint32_t>(list.size());
    put(&n, sizeof n);
    put(list.ends().data(), list.ends().size_bytes());
    put(list.chars().data(), list.chars().size());
  };
  put_list(t.stems);
  put_list(t.words);
  put_list(t.numbers);
  bytes.push_back(t.negated ? 1 : 0);
  const auto n = static_cast<uint32_t>(t.tokens.size());
  put(&n, sizeof n);
  put(t.tokens.data(), t.tokens.size() * sizeof(uint64_t));
  put(t.stem_positions.data(), t.stem_positions.size() * sizeof(uint32_t));
  const XXH128_hash_t h =
      XXH3_128bits_withSeed(bytes.data(), bytes.size(), internal::kTokenSeed);
  return UnitTermsKey{h.low64, h.high64};
}

const char* UnitKindName(UnitKind k) {
  switch (k) {
    case UnitKind::kHeadline:
      return "headline";
    case UnitKind::kQuote:
      return "quote";
    default:
      return "sentence";
  }
}

double EffectiveClaimThreshold(const ClaimOptions& options) {
  return options.threshold > 0 ? options.threshold
                               : ClaimScorer::DefaultThreshold();
}

std::string SentenceLocaleOf(std::string_view language) {
  const std::string code = IcuLanguageOf(language);
  return (code.empty() ? std::string("en") : code) + "@ss=standard";
}

absl::Status ValidateClaimOptions(const ClaimOptions& o) {
  // A language without a stemmer is a usage error wherever it is found:
  // found first by an index's parameter check, it read as an index built
  // with another language, to be rebuilt (review 44b-05).
  if (o.enabled) {
    absl::StatusOr<TermAnalyzer> analyzer =
        TermAnalyzer::Create(TermAnalyzerOptions{o.language});
    if (!analyzer.ok()) return analyzer.status();
  }
  if (o.min_content_words < 1 || o.min_content_words > 100) {
    return absl::InvalidArgumentError("--claim-min-words must be in 1..100");
  }
  if (o.boilerplate_min_stories < 2) {
    return absl::InvalidArgumentError("--boilerplate-min-stories must be >= 2");
  }
  if (o.num_perm < 8 || o.num_perm > 1024) {
    return absl::InvalidArgumentError("claim num_perm must be in 8..1024");
  }
  if (!(o.lsh_threshold > 0 && o.lsh_threshold < 1)) {
    return absl::InvalidArgumentError(
        "--claim-lsh-threshold must be in (0, 1)");
  }
  if (o.frequent_stem_min_units < 1 ||
      !(o.frequent_stem_fraction > 0 && o.frequent_stem_fraction <= 1)) {
    return absl::InvalidArgumentError("frequent-stem cap out of range");
  }
  if (o.max_bucket < 2)
    return absl::InvalidArgumentError("claim max_bucket must be >= 2");
  if (!(o.min_containment == 0 ||
        (o.min_containment >= 0.5 && o.min_containment <= 1))) {
    return absl::InvalidArgumentError(
        "--claim-min-containment must be 0 (off) or in [0.5, 1]");
  }
  if (!(o.min_cosine >= 0 && o.min_cosine < 1)) {
    return absl::InvalidArgumentError("--claim-min-cosine must be in [0, 1)");
  }
  if (!(o.threshold >= 0 && o.threshold <= 1)) {
    return absl::InvalidArgumentError("--claim-threshold must be in [0, 1]");
  }
  if (!(o.headline_threshold >= 0 && o.headline_threshold <= 1)) {
    return absl::InvalidArgumentError(
        "--claim-headline-threshold must be in [0, 1]");
  }
  if (!(o.min_story_similarity >= 0 && o.min_story_similarity <= 1)) {
    return absl::InvalidArgumentError(
        "--claim-min-story-similarity must be in [0, 1]");
  }
  if (!(o.unrelated_threshold >= 0 && o.unrelated_threshold <= 1)) {
    return absl::InvalidArgumentError(
        "--claim-unrelated-threshold must be in [0, 1]");
  }
  return absl::OkStatus();
}

LshParams ClaimLshParams(const ClaimOptions& options) {
  return OptimalLshParams(options.lsh_threshold, options.num_perm);
}

ClaimSegments SegmentForClaims(const Document& doc,
                               const SegmentOptions& segment) {
  ClaimSegments out;
  out.segmentation = Segment(doc.text, segment);
  for (const Span& p : out.segmentation.paragraphs) {
    out.paragraph_keys.push_back(
        LineKey(std::string_view(doc.text).substr(p.begin, p.size())));
  }
  return out;
}

absl::flat_hash_set<uint64_t> BoilerplateKeys(
    std::vector<std::pair<uint64_t, uint32_t>> key_story,
    const ClaimOptions& options) {
  absl::flat_hash_set<uint64_t> boilerplate;
  std::sort(key_story.begin(), key_story.end());
  key_story.erase(std::unique(key_story.begin(), key_story.end()),
                  key_story.end());
  for (size_t i = 0; i < key_story.size();) {
    size_t j = i;
    while (j < key_story.size() && key_story[j].first == key_story[i].first)
      ++j;
    if (j - i >= options.boilerplate_min_stories)
      boilerplate.insert(key_story[i].first);
    i = j;
  }
  return boilerplate;
}

// A sentence ending "<speaker> said:" (or told, added, warned, ...) only
// introduces the quote that follows it, in the next paragraph. It carries
// no claim, and everything it holds is an attribution: two of them, or one
// and a sentence by the same speaker, matched as restating each other (on
// BBC, 45 of 2,957 matches, all false).
bool IsQuoteLeadIn(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  if (s.empty() || s.back() != ':') return false;
  s.remove_suffix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  std::string verb;  // The last word, lower-cased.
  size_t b = s.size();
  while (b > 0 && absl::ascii_isalpha(static_cast<unsigned char>(s[b - 1])))
    --b;
  for (char c : s.substr(b)) verb.push_back(absl::ascii_tolower(c));
  return IsSpeechVerb(verb);
}

bool IsSpeechVerb(std::string_view lower) {
  static const absl::flat_hash_set<std::string_view, internal::ViewHash>
      kSpeech = {
          "said",      "says",      "say",       "added",     "adds",
          "told",      "tells",     "explained", "explains",  "warned",
          "warns",     "stated",    "states",    "argued",    "argues",
          "insisted",  "insists",   "wrote",     "writes",    "commented",
          "continued", "noted",     "notes",     "declared",  "declares",
          "replied",   "replies",   "admitted",  "admits",    "claimed",
          "asked",     "announced", "responded", "concluded", "acknowledged",
          "remarked",  "observed",  "urged",     "urges",     "suggested"};
  return kSpeech.contains(lower);
}

namespace {

// Verbs that attribute what follows (or precedes) to a speaker beyond the
// speech verbs: "X agreed that ...", "..., Y confirmed".
bool IsAttributionVerb(std::string_view lower) {
  static const absl::flat_hash_set<std::string_view, internal::ViewHash> kMore =
      {"agreed",   "agrees",    "believes",  "thinks",       "denied",
       "denies",   "confirmed", "confirms",  "predicted",    "predicts",
       "revealed", "reveals",   "hinted",    "hints",        "stressed",
       "stresses", "suggests",  "announces", "acknowledges", "tell",
       "warn",     "insist",    "argue",     "admit",        "believe",
       "think",    "deny",      "confirm",   "predict",      "reveal",
       "stress"};
  // Nouns as often as verbs: "the bottom 10 states", "the claims".
  static const absl::flat_hash_set<std::string_view, internal::ViewHash>
      kNouns = {"states", "notes", "claims", "comments"};
  return (IsSpeechVerb(lower) || kMore.contains(lower)) &&
         !kNouns.contains(lower);
}

// A word that starts a clause of its own inside what would be a speaker's
// name and title: "Britain has been more cautious but Mr Straw said",
// "Gazprom had been expected to win ... but is".
bool OpensOwnClause(std::string_view lower) {
  static const absl::flat_hash_set<std::string_view, internal::ViewHash>
      kWords = {"but",   "is",    "are",   "was",    "were", "be",
                "been",  "has",   "have",  "had",    "who",  "which",
                "that",  "whose", "did",   "does",   "do",   "will",
                "would", "can",   "could", "should", "may",  "might"};
  return kWords.contains(lower);
}

// Whether t[i] starts general punctuation (U+2000..U+206F: dashes, curly
// quotes), E2 80 xx or E2 81 xx.
bool IsGeneralPunctuation(std::string_view t, size_t i) {
  return static_cast<unsigned char>(t[i]) == 0xE2 && i + 2 < t.size() &&
         (static_cast<unsigned char>(t[i + 1]) & 0xFE) == 0x80;
}

bool IsWordByte(std::string_view t, size_t i) {
  const auto c = static_cast<unsigned char>(t[i]);
  if (c < 0x80) {
    // "146,000" and "5.8" are one word.
    const bool in_number = (c == ',' || c == '.') && i > 0 &&
                           i + 1 < t.size() && absl::ascii_isdigit(t[i - 1]) &&
                           absl::ascii_isdigit(t[i + 1]);
    return absl::ascii_isalnum(c) || c == '\'' || c == '-' || in_number;
  }
  return true;
}

// The words of AttributionSpans, as bytes of the text: runs of ASCII
// letters, digits and apostrophes, and any other character but general
// punctuation.
std::vector<Span> AttrWords(std::string_view t) {
  std::vector<Span> out;
  size_t i = 0;
  while (i < t.size()) {
    if (IsGeneralPunctuation(t, i)) {
      i += 3;
      continue;
    }
    if (!IsWordByte(t, i) || t[i] == '\'' || t[i] == '-') {
      ++i;
      continue;
    }
    const size_t b = i;
    while (i < t.size() && IsWordByte(t, i) && !IsGeneralPunctuation(t, i)) {
      ++i;
    }
    out.push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(i)});
  }
  return out;
}

// Position of the first quotation mark (" U+201C U+201D) in t[b, e), or
// npos; `comma` also finds ','.
size_t FindMark(std::string_view t, size_t b, size_t e, bool comma) {
  for (size_t i = b; i < e; ++i) {
    if (t[i] == '"' || (comma && t[i] == ',')) return i;
    if (static_cast<unsigned char>(t[i]) == 0xE2 && i + 2 < t.size() &&
        static_cast<unsigned char>(t[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(t[i + 2]) == 0x9C ||
         static_cast<unsigned char>(t[i + 2]) == 0x9D)) {
      return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::vector<Span> AttributionSpans(std::string_view t) {
  std::vector<Span> out;
  const std::vector<Span> w = AttrWords(t);
  const size_t n = w.size();
  if (n == 0) return out;
  std::vector<std::string> lowered(n);
  for (size_t k = 0; k < n; ++k) {
    lowered[k] = std::string(t.substr(w[k].begin, w[k].size()));
    absl::AsciiStrToLower(&lowered[k]);
  }
  auto lower = [&](size_t k) -> const std::string& { return lowered[k]; };
  auto span = [](size_t b, size_t e) {
    return Span{static_cast<uint32_t>(b), static_cast<uint32_t>(e)};
  };
  constexpr size_t npos = std::string_view::npos;
  // The gap before word k: from the end of word k - 1 (or the start).
  auto gap_begin = [&](size_t k) { return k == 0 ? size_t{0} : w[k - 1].end; };

  // A quotation that holds most of the unit: what lies outside it says who
  // said it.
  std::vector<size_t> marks;
  for (size_t i = FindMark(t, 0, t.size(), false); i != npos;
       i = FindMark(t, i + 1, t.size(), false)) {
    marks.push_back(i);
  }
  if (marks.size() >= 2 && marks.size() % 2 == 0) {
    size_t inside = 0;
    for (const Span& x : w) {
      for (size_t m = 0; m < marks.size(); m += 2) {
        if (x.begin > marks[m] && x.end <= marks[m + 1]) ++inside;
      }
    }
    if (inside >= 5 && 2 * inside >= n) {
      size_t from = 0;
      for (size_t m = 0; m < marks.size(); m += 2) {
        if (marks[m] > from) out.push_back(span(from, marks[m]));
        from = marks[m + 1] + (t[marks[m + 1]] == '"' ? 1 : 3);
      }
      if (from < t.size()) out.push_back(span(from, t.size()));
      return out;
    }
  }
  // A tail ", said Kevin Hogan, senior manager at Symantec." (of up to 12
  // words after the verb; "he said" too).
  for (size_t k = 1; k < n; ++k) {
    if (!IsSpeechVerb(lower(k)) || lower(k) == "states") continue;
    size_t j = k;
    if (j >= 2) {
      const std::string& p = lower(j - 1);
      if (p == "he" || p == "she" || p == "they" || p == "it") --j;
    }
    const size_t comma = FindMark(t, gap_begin(j), w[j].begin, true);
    // "X, analyst at Y, agreed that ...": the claim follows; a head.
    const bool that = k + 1 < n && lower(k + 1) == "that";
    if (j >= 1 && comma != npos && t[comma] == ',' && !that) {
      // The speaker, to the next comma: at most 8 words with a capital
      // ("said analyst Ray Neidl at Calyon Securities"), or none after "he
      // said". "said the bid undervalued the business" goes on with a
      // claim.
      size_t speaker = 0;
      bool capital = false;
      while (k + 1 + speaker < n &&
             t.find(',', w[k].end) >= w[k + 1 + speaker].end) {
        capital |= absl::ascii_isupper(
            static_cast<unsigned char>(t[w[k + 1 + speaker].begin]));
        ++speaker;
      }
      // ", he said, there was no need ...": a claim goes on after it; as
      // after ", announced Thursday, is also the largest ...".
      bool clause = false;
      for (size_t i = k + 1; i < n; ++i) clause |= OpensOwnClause(lower(i));
      // A named speaker may have a long title in apposition after a comma
      // (", said Professor David Blanchflower, member of the Bank of
      // England Monetary Policy Committee and economics professor at
      // Dartmouth": review 46a), lower-case where it starts.
      const size_t title = k + 1 + speaker;
      const bool long_title =
          speaker >= 1 && title < n &&
          !absl::ascii_isupper(static_cast<unsigned char>(t[w[title].begin]));
      if (n - 1 - k <= (long_title ? 24u : 12u) && !clause &&
          (speaker == 0 ? j < k && n - 1 - k <= 3 : speaker <= 8 && capital)) {
        out.push_back(span(comma, t.size()));
      }
      break;
    }
  }
  // An end ", the company said on its Web site." (up to 8 words before the
  // verb, none opening a clause of its own, and 4 after; no comma after it).
  for (size_t k = 1; k < n; ++k) {
    if (!IsSpeechVerb(lower(k)) || lower(k) == "states" ||
        t.find(',', w[k].end) != std::string_view::npos) {
      continue;
    }
    size_t j = k;  // The first word after the mark.
    while (j > 0 && FindMark(t, gap_begin(j), w[j].begin, true) == npos) --j;
    if (j == 0) break;
    const size_t mark = FindMark(t, gap_begin(j), w[j].begin, true);
    bool clause = false;
    for (size_t i = j; i < k; ++i) clause |= OpensOwnClause(lower(i));
    if (k - j >= 1 && k - j <= 8 && n - 1 - k <= 4 && !clause) {
      out.push_back(span(mark, t.size()));
    }
    break;
  }
  // A head "Conservative shadow foreign secretary Michael Ancram said
  // (that)": up to 12 words, no relative clause, and a claim of 3 words or
  // more after it.
  for (size_t k = 0; k < n; ++k) {
    if (!IsAttributionVerb(lower(k))) continue;
    size_t end = k;
    if (end + 1 < n && lower(end + 1) == "that") ++end;
    bool clause = false;
    for (size_t i = 0; i < k; ++i) clause |= OpensOwnClause(lower(i));
    // No quotation marks before the verb (the claim would be there), and
    // no comma but the two around a title in apposition ("Ian Fogg,
    // analyst at Jupiter Research, agreed"): "Microsoft presented several
    // options, the consortium said in a statement" is no head.
    const size_t mark = FindMark(t, gap_begin(k), w[k].begin, true);
    size_t commas = 0, quotes = 0;
    for (size_t i = FindMark(t, w[0].begin, w[k].begin, true); i != npos;
         i = FindMark(t, i + 1, w[k].begin, true)) {
      ++(t[i] == ',' ? commas : quotes);
    }
    const bool apposition = mark != npos && t[mark] == ',' && commas == 2 &&
                            FindMark(t, mark + 1, w[k].begin, true) == npos;
    if (k >= 1 && k <= 12 && n - 1 - end >= 3 && !clause && quotes == 0 &&
        (commas == 0 || apposition)) {
      out.push_back(span(w[0].begin, w[end].end));
    }
    break;
  }
  // "according to X", to the next , ; or full stop (not the point of
  // "5.8"): ", according to X." or "According to X, ...". "According to X
  // a blog is ..." has no mark where X ends, and is left whole.
  for (size_t k = 0; k + 1 < n; ++k) {
    if (lower(k) != "according" || lower(k + 1) != "to") continue;
    size_t e = w[k + 1].end;
    while (e < t.size() && t[e] != ',' && t[e] != ';' &&
           !(t[e] == '.' && (e + 1 == t.size() || t[e + 1] == ' '))) {
      ++e;
    }
    const size_t before = FindMark(t, gap_begin(k), w[k].begin, true);
    const bool after_comma = before != npos && t[before] == ',';
    if (after_comma || (e < t.size() && t[e] != '.')) {
      out.push_back(span(w[k].begin, e));
    }
    break;
  }
  return out;
}

std::string WithoutAttribution(std::string_view t) {
  std::string out(t);
  for (const Span& s : AttributionSpans(t)) {
    for (uint32_t i = s.begin; i < s.end && i < out.size(); ++i) out[i] = ' ';
  }
  return out;
}

// A line-up ("Cech, Paulo Ferreira, Carvalho, Terry, Gallas (Kezman 74),
// ...") states no claim, yet two line-ups of one team share most of their
// names and score as restatements: on BBC, 147 of 2,663 matches had one on
// a side; of the 5 in the labelled sample, 4 were wrong and the fifth was
// two identical line-ups (docs/quality.md). A claim needs a verb or a
// predicate, which in English is a lower-case word; lists of names have
// none but the particles of names and a few list words.
bool IsNameList(std::string_view s) {
  if (std::count(s.begin(), s.end(), ',') +
          std::count(s.begin(), s.end(), ';') <
      3)
    return false;
  static const absl::flat_hash_set<std::string_view, internal::ViewHash>
      kParticles = {"de",  "del", "della", "dal",  "da", "di", "van",
                    "von", "der", "den",   "du",   "la", "le", "el",
                    "al",  "bin", "ben",   "capt", "v",  "vs"};
  // Text in capitals throughout (some wire feeds) has no case to read.
  if (std::none_of(s.begin(), s.end(), [](char c) {
        return absl::ascii_islower(static_cast<unsigned char>(c));
      }))
    return false;
  int capitalized = 0;
  std::string word;
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!(absl::ascii_isalpha(c) || c >= 0x80)) {
      ++i;
      continue;
    }
    // A word: letters, non-ASCII bytes and inner apostrophes ("O'Neil").
    const size_t b = i;
    while (i < s.size()) {
      const auto x = static_cast<unsigned char>(s[i]);
      if (absl::ascii_isalpha(x) || x >= 0x80 ||
          (x == '\'' && i + 1 < s.size() &&
           absl::ascii_isalpha(static_cast<unsigned char>(s[i + 1])))) {
        ++i;
      } else {
        break;
      }
    }
    UChar32 first;
    int32_t at = 0;
    U8_NEXT(s.data() + b, at, static_cast<int32_t>(i - b), first);
    if (first < 0 || !u_islower(first)) {
      // Capitalized, or a letter without case (or not a letter).
      capitalized += first >= 0 && u_isupper(first) ? 1 : 0;
      continue;
    }
    word.assign(s.substr(b, i - b));
    absl::AsciiStrToLower(&word);
    if (!kParticles.contains(word) && !IsStopWordOf("english", word))
      return false;
  }
  return capitalized >= 4;
}

ClaimUnits AnalyzeDocumentUnits(
    const Document& doc, uint32_t d, const ClaimSegments& segments,
    const absl::flat_hash_set<uint64_t>& boilerplate,
    const TermAnalyzer& analyzer, const ClaimOptions& options) {
  const std::string_view text = doc.text;
  const Segmentation& s = segments.segmentation;
  ClaimUnits out;
  // The boilerplate lines and the headline line of this document.
  std::vector<Span> excluded;
  Span headline{};
  for (size_t p = 0; p < s.paragraphs.size(); ++p) {
    if (boilerplate.contains(segments.paragraph_keys[p]))
      excluded.push_back(s.paragraphs[p]);
  }
  // The first line that is the title: the first line of a text file, and
  // in a web page the h1 after the site's navigation lines.
  for (size_t p = 0; p < s.paragraphs.size() && !doc.title.empty(); ++p) {
    if (text.substr(s.paragraphs[p].begin, s.paragraphs[p].size()) ==
        doc.title) {
      headline = s.paragraphs[p];
      break;
    }
  }
  auto in_excluded = [&](Span sp) {
    for (const Span& e : excluded) {
      if (Contains(e, sp)) return true;
    }
    return false;
  };
  // Each unit kept, with what is kept of its terms. A unit's full terms
  // live only in a reused buffer while it is judged: most of them (tokens,
  // words, positions) serve no one until the scorer derives them again.
  struct Kept {
    ClaimUnit unit;
    UnitTermsKey key;
    TermList stems;
  };
  std::vector<Kept> units;
  thread_local UnitTerms sentence_terms, quote_terms;
  // `analyzed`: the span's terms if already known, else null. Returns how
  // many content words the unit has if kept, else 0.
  auto consider = [&](UnitKind kind, Span sp,
                      const UnitTerms* analyzed) -> size_t {
    if (in_excluded(sp)) {
      ++out.excluded.boilerplate;
      return 0;
    }
    const std::string_view unit_text = text.substr(sp.begin, sp.size());
    const bool english = IsEnglishLanguage(options.language);
    if (english && kind == UnitKind::kSentence && IsQuoteLeadIn(unit_text)) {
      ++out.excluded.lead_ins;
      return 0;
    }
    if (english && kind != UnitKind::kHeadline && IsNameList(unit_text)) {
      ++out.excluded.lists;
      return 0;
    }
    if (analyzed == nullptr) {
      analyzer.AnalyzeInto(unit_text, &sentence_terms, /*with_capitals=*/false);
      analyzed = &sentence_terms;
    }
    const size_t n = analyzed->stems.size();
    if (n < options.min_content_words) {
      ++out.excluded.too_short;
      return 0;
    }
    units.push_back(
        Kept{ClaimUnit{d, kind, sp}, KeyOfTerms(*analyzed), analyzed->stems});
    return n;
  };
  if (!headline.empty()) consider(UnitKind::kHeadline, headline, nullptr);
  std::vector<std::pair<Span, size_t>> sentence_sizes;  // for quote de-dup
  for (const Span& sp : s.sentences) {
    if (!headline.empty() && Contains(headline, sp)) continue;
    sentence_sizes.emplace_back(sp, consider(UnitKind::kSentence, sp, nullptr));
  }
  for (const Span& q : s.quotes) {
    analyzer.AnalyzeInto(text.substr(q.begin, q.size()), &quote_terms,
                         /*with_capitals=*/false);
    // A quote that is nearly its whole sentence adds nothing to it.
    // Sentences come in text order without overlapping, so the one that
    // may hold q is the last to begin at or before it (a look at every
    // sentence for every quote made an article of 160,000 quoted sentences
    // take 14 s instead of 0.8).
    auto after = std::upper_bound(
        sentence_sizes.begin(), sentence_sizes.end(), q.begin,
        [](uint32_t at, const auto& e) { return at < e.first.begin; });
    bool redundant = false;
    if (after != sentence_sizes.begin()) {
      const auto& [sp, size] = *std::prev(after);
      redundant = Contains(sp, q) && size > 0 &&
                  quote_terms.stems.size() * 10 >= size * 8;
    }
    if (!redundant) consider(UnitKind::kQuote, q, &quote_terms);
  }
  std::stable_sort(units.begin(), units.end(),
                   [](const Kept& x, const Kept& y) {
                     return x.unit.span.begin != y.unit.span.begin
                                ? x.unit.span.begin < y.unit.span.begin
                                : x.unit.kind < y.unit.kind;
                   });
  out.units.reserve(units.size());
  out.keys.reserve(units.size());
  out.stems.reserve(units.size());
  for (Kept& k : units) {
    out.units.push_back(k.unit);
    out.keys.push_back(k.key);
    out.stems.push_back(std::move(k.stems));
  }
  return out;
}

ClaimUnits ConcatUnits(std::vector<ClaimUnits>& parts) {
  // Each part moved to its place in parallel: one after the other, the
  // copy was a serial step of every scan (5% of BBC's units step).
  const auto num_parts = static_cast<int64_t>(parts.size());
  std::vector<size_t> first(parts.size() + 1, 0);
  ClaimUnits all;
  for (size_t p = 0; p < parts.size(); ++p) {
    first[p + 1] = first[p] + parts[p].units.size();
    all.excluded += parts[p].excluded;
  }
  const size_t total = first.back();
  all.units.resize(total);
  all.stems.resize(total);
  all.keys.resize(total);
#pragma omp parallel for schedule(dynamic, 64)
  for (int64_t p = 0; p < num_parts; ++p) {
    ClaimUnits& part = parts[p];
    std::copy(part.units.begin(), part.units.end(),
              all.units.begin() + first[p]);
    std::copy(part.keys.begin(), part.keys.end(), all.keys.begin() + first[p]);
    std::move(part.stems.begin(), part.stems.end(),
              all.stems.begin() + first[p]);
    part = ClaimUnits{};
  }
  return all;
}

std::vector<uint64_t> ClaimBandKeys(std::span<const TermList> stems,
                                    const ClaimOptions& options,
                                    const LshParams& lsh, const IdfTable& idf) {
  return BandKeysOf(SignClaimUnits(stems, options, lsh, idf), lsh);
}

std::vector<char> FirstOfEachText(std::span<const UnitTermsKey> keys) {
  std::vector<char> first(keys.size(), 0);
  absl::flat_hash_set<UnitTermsKey> seen;
  seen.reserve(keys.size());
  for (size_t u = 0; u < keys.size(); ++u) {
    first[u] = seen.insert(keys[u]).second ? 1 : 0;
  }
  return first;
}

namespace {

// Which pairs of documents a claim match may join, and whether two units
// can be copies of one another: by story (near-duplicate cluster) and, in
// an incremental scan, by newness.
class DocRelations {
 public:
  DocRelations(std::span<const uint32_t> story_of,
               const ClaimsIncremental* incremental,
               const ClaimOptions& options)
      : story_of_(story_of), incremental_(incremental), options_(options) {}

  uint32_t story(uint32_t d) const {
    return story_of_.empty() ? d : story_of_[d];
  }
  int newness(uint32_t d) const {
    return incremental_ != nullptr && incremental_->is_new[d] ? 1 : 0;
  }
  // Whether a match between units of documents da and db is reported: not
  // inside one document or one story unless asked, and (incremental) not
  // between two indexed documents, reported when the later was added.
  bool MayMatch(uint32_t da, uint32_t db) const {
    if (da == db && !options_.same_document) return false;
    if (da != db && story(da) == story(db) && !options_.within_duplicates) {
      return false;
    }
    return incremental_ == nullptr || newness(da) != 0 || newness(db) != 0;
  }
  // MayMatch of their documents, and never two overlapping spans of one
  // document: with same_document, a quote matched the sentence holding it
  // (its own words twice: 3,257 of BBC's 3,630 matches inside one article,
  // review, thirty-eighth session).
  bool MayMatch(const ClaimUnit& a, const ClaimUnit& b) const {
    if (a.doc == b.doc && a.span.begin < b.span.end &&
        b.span.begin < a.span.end) {
      return false;
    }
    return MayMatch(a.doc, b.doc);
  }

 private:
  std::span<const uint32_t> story_of_;
  const ClaimsIncremental* incremental_;
  const ClaimOptions& options_;
};

// Every stem occurrence as a term id, and each term's IDF and hash.
struct TermIds {
  // Unit u's occurrences are occ[begin[u], begin[u + 1]), in text order.
  std::vector<size_t> begin;
  std::vector<int32_t> occ;
  std::vector<double> idf;     // Per term.
  std::vector<uint64_t> hash;  // Per term: TokenHash of its stem.
  uint64_t idf_units = 0;      // Distinct unit texts the IDF counts.

  int64_t num_terms() const { return static_cast<int64_t>(idf.size()); }
  std::span<const int32_t> of(uint32_t u) const {
    return std::span<const int32_t>(occ).subspan(begin[u],
                                                 begin[u + 1] - begin[u]);
  }
};

// Numbers the units' stems in order of first use, exactly as one pass
// over the units would number them: the ids order the matrix columns, and
// with them the additions that make up the norms and cosines. Blocks of
// units are numbered in parallel with ids of their own, then merged in
// order. With `count_df`, the document frequencies of the units that
// `FirstOfEachText` marks are added to `idf` (else it already counts them).
absl::StatusOr<TermIds> NumberTerms(std::span<const TermList> stems,
                                    std::span<const UnitTermsKey> keys,
                                    bool count_df, IdfTable* idf) {
  const auto num_units = static_cast<uint32_t>(stems.size());
  TermIds ids;
  ids.begin.assign(num_units + 1, 0);
  for (uint32_t u = 0; u < num_units; ++u) {
    ids.begin[u + 1] = ids.begin[u] + stems[u].size();
  }
  if (ids.begin[num_units] >
      static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "claims: %d stem occurrences in %d units, over the 2^31 the units x "
        "terms matrix indexes; run with --no-claims",
        ids.begin[num_units], num_units));
  }
  std::vector<int32_t>& occ = ids.occ;
  occ.resize(ids.begin[num_units]);
  const int64_t blocks =
      std::min<int64_t>(num_units, 4 * int64_t{omp_get_max_threads()});
  auto block_begin = [&](int64_t k) {
    return static_cast<uint32_t>(k * num_units / blocks);
  };
  // Per block: its stems in order of first use. The views are of the stems
  // in `stems`, which outlive them.
  std::vector<std::vector<std::string_view>> block_stems(blocks);
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t k = 0; k < blocks; ++k) {
    absl::flat_hash_map<std::string_view, int32_t, internal::ViewHash> local;
    for (uint32_t u = block_begin(k); u < block_begin(k + 1); ++u) {
      size_t o = ids.begin[u];
      for (std::string_view stem : stems[u]) {
        auto [it, inserted] =
            local.try_emplace(stem, static_cast<int32_t>(local.size()));
        if (inserted) block_stems[k].push_back(stem);
        occ[o++] = it->second;
      }
    }
  }
  absl::flat_hash_map<std::string_view, int32_t, internal::ViewHash> term_id;
  std::vector<std::string_view> term_stem;
  std::vector<std::vector<int32_t>> block_ids(blocks);
  for (int64_t k = 0; k < blocks; ++k) {
    for (std::string_view stem : block_stems[k]) {
      auto [it, inserted] =
          term_id.try_emplace(stem, static_cast<int32_t>(term_id.size()));
      if (inserted) term_stem.push_back(stem);
      block_ids[k].push_back(it->second);
    }
  }
  std::vector<std::vector<std::string_view>>().swap(block_stems);
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t k = 0; k < blocks; ++k) {
    for (size_t o = ids.begin[block_begin(k)];
         o < ids.begin[block_begin(k + 1)]; ++o) {
      occ[o] = block_ids[k][occ[o]];
    }
  }
  const auto num_terms = static_cast<int64_t>(term_stem.size());
  // Each term's IDF and hash, looked up once.
  ids.idf.resize(num_terms);
  ids.hash.resize(num_terms);
  bool idf_known = false;
  uint64_t idf_units = 0;
  if (count_df) {
    // What IdfTable::Add of each distinct text would count, added per term.
    const std::vector<char> counted = FirstOfEachText(keys);
    uint64_t texts = 0;
    std::vector<uint64_t> df(num_terms, 0);
    std::vector<uint32_t> last_unit(num_terms, num_units);
    for (uint32_t u = 0; u < num_units; ++u) {
      if (!counted[u]) continue;
      ++texts;
      for (int32_t t : ids.of(u)) {
        if (last_unit[t] != u) {
          last_unit[t] = u;
          ++df[t];
        }
      }
    }
    if (idf->empty()) {
      // No background counts: the IDF follows from df alone, and a table
      // of them (a string key per term, built serially) is not needed:
      // from here on, `idf` only gives idf_units.
      for (int64_t t = 0; t < num_terms; ++t) {
        ids.idf[t] = IdfTable::IdfOf(texts, df[t]);
      }
      idf_known = true;
    } else {
      std::vector<std::pair<std::string, uint64_t>> counts(num_terms);
      for (int64_t t = 0; t < num_terms; ++t) {
        counts[t] = {std::string(term_stem[t]), df[t]};
      }
      idf->Merge(IdfTable::FromCounts(texts, counts));
    }
    if (idf_known) idf_units = texts;
  }
#pragma omp parallel for schedule(static)
  for (int64_t t = 0; t < num_terms; ++t) {
    if (!idf_known) ids.idf[t] = idf->Idf(term_stem[t]);
    ids.hash[t] = TokenHash(term_stem[t]);
  }
  ids.idf_units = idf_known ? idf_units : idf->units();
  return ids;
}

// Syndicated text repeats its units in every copy. A unit whose terms equal
// those of an earlier unit of the same story (and, in an incremental scan,
// of a document as new or as old) scores exactly as that unit against every
// other: the same cosine row, the same sketch, the same scorer inputs, and
// the same filters, since its partners' stories differ from both or from
// neither. Only the first of them (the leader) goes through candidates and
// scoring; each of its matches is then listed for every copy. Without this,
// a story in 45 outlets paired each of its sentences 45 x 45 times with
// every restatement elsewhere. With collapse_copies nothing is listed for
// the copies, so newness does not part them: an indexed first occurrence
// leads its new copies, its matches with indexed units were listed when
// the later was added, and those with new units are listed for it.
struct Copies {
  std::vector<uint32_t> leaders;    // Ascending.
  std::vector<uint32_t> leader_of;  // u itself for a leader.
  // Units grouped by leader: leader l's copies are of(l), ascending.
  std::vector<uint32_t> begin, copies;

  bool leads(uint32_t u) const { return leader_of[u] == u; }
  std::span<const uint32_t> of(uint32_t l) const {
    return std::span<const uint32_t>(copies).subspan(begin[l],
                                                     begin[l + 1] - begin[l]);
  }
};

Copies FindCopies(std::span<const ClaimUnit> units,
                  std::span<const UnitTermsKey> terms_key,
                  const DocRelations& rel, const ClaimOptions& options) {
  const auto num_units = static_cast<uint32_t>(units.size());
  Copies c;
  c.leader_of.resize(num_units);
  c.begin.assign(num_units + 1, 0);
  auto newness = [&](uint32_t d) {
    return options.collapse_copies ? 0 : rel.newness(d);
  };
  std::vector<uint64_t> key(num_units);
#pragma omp parallel for schedule(static)
  for (int64_t u = 0; u < static_cast<int64_t>(num_units); ++u) {
    const uint32_t d = units[u].doc;
    key[u] = absl::HashOf(rel.story(d), newness(d), terms_key[u].low,
                          terms_key[u].high);
  }
  // A key's first unit, and whether a later one is its copy. Two units
  // with one key but other terms (a collision of the 64-bit key) both stay
  // leaders.
  absl::flat_hash_map<uint64_t, uint32_t> first;
  first.reserve(num_units);
  for (uint32_t u = 0; u < num_units; ++u) {
    auto [it, inserted] = first.try_emplace(key[u], u);
    const uint32_t l = it->second;
    const uint32_t du = units[u].doc, dl = units[l].doc;
    const bool copy =
        !inserted && !options.same_document && !options.within_duplicates &&
        rel.story(du) == rel.story(dl) && newness(du) == newness(dl) &&
        terms_key[u] == terms_key[l];
    c.leader_of[u] = copy ? l : u;
    if (copy) {
      ++c.begin[l + 1];
    } else {
      c.leaders.push_back(u);
    }
  }
  for (uint32_t u = 0; u < num_units; ++u) c.begin[u + 1] += c.begin[u];
  c.copies.resize(c.begin[num_units]);
  std::vector<uint32_t> fill(c.begin.begin(), c.begin.end() - 1);
  for (uint32_t u = 0; u < num_units; ++u) {
    if (!c.leads(u)) c.copies[fill[c.leader_of[u]]++] = u;
  }
  return c;
}

using UnitPairs = std::vector<std::pair<uint32_t, uint32_t>>;

// The pairs of leaders, by their positions in copies.leaders (a < b), in
// which the shorter unit's distinct stems (at least kContainedMinWords) are
// at least options.min_containment of the longer's, which has at least
// 1 / kContainedMaxRatio times as many (closer sizes have a Jaccard the LSH
// finds; ClaimScorer's containment path has the same bounds, over content
// words with repeats): all of them whose shorter side has, among its
// rarest |A| - ceil(c |A|) + 1 stems (prefix filtering: a pair missing all
// of those cannot reach c), one under the frequent-stem cap whose posting
// list holds at most options.max_bucket units. Cost: those lists.
UnitPairs ContainmentPairs(const Copies& copies, const TermIds& ids,
                           const ClaimOptions& options) {
  const std::vector<uint32_t>& leaders = copies.leaders;
  const auto num_leaders = static_cast<int64_t>(leaders.size());
  const double min_idf = MinShingleIdf(options, ids.idf_units);
  // Leader i's distinct terms, sorted by id: terms[at[i], at[i] + len[i]),
  // in the room of its occurrences.
  std::vector<size_t> at(num_leaders + 1, 0);
  for (int64_t i = 0; i < num_leaders; ++i) {
    at[i + 1] = at[i] + ids.of(leaders[i]).size();
  }
  std::vector<int32_t> terms(at[num_leaders]);
  std::vector<uint32_t> len(num_leaders);
#pragma omp parallel for schedule(dynamic, 1024)
  for (int64_t i = 0; i < num_leaders; ++i) {
    const std::span<const int32_t> of = ids.of(leaders[i]);
    const auto first = terms.begin() + static_cast<int64_t>(at[i]);
    std::copy(of.begin(), of.end(), first);
    std::sort(first, first + static_cast<int64_t>(of.size()));
    len[i] = static_cast<uint32_t>(
        std::unique(first, first + static_cast<int64_t>(of.size())) - first);
  }
  auto terms_of = [&](int64_t i) {
    return std::span<const int32_t>(terms).subspan(at[i], len[i]);
  };
  // Posting lists of the terms under the cap: the leaders long enough to
  // hold a shorter unit, with their length, longest first (a probe stops
  // at the first too short).
  const auto min_container = static_cast<uint32_t>(
      std::ceil(static_cast<double>(kContainedMinWords) / kContainedMaxRatio));
  std::vector<uint32_t> by_length;  // By a counting sort on the length.
  {
    const uint32_t longest =
        num_leaders == 0 ? 0 : *std::max_element(len.begin(), len.end());
    std::vector<size_t> from(longest + 2, 0);
    for (int64_t i = 0; i < num_leaders; ++i) {
      if (len[i] >= min_container) ++from[longest - len[i] + 1];
    }
    for (uint32_t l = 0; l <= longest; ++l) from[l + 1] += from[l];
    by_length.resize(from[longest + 1]);
    for (int64_t i = 0; i < num_leaders; ++i) {
      if (len[i] >= min_container) {
        by_length[from[longest - len[i]]++] = static_cast<uint32_t>(i);
      }
    }
  }
  struct Posting {
    uint32_t len, leader;
  };
  const int64_t num_terms = ids.num_terms();
  std::vector<size_t> post_begin(num_terms + 1, 0);
  for (uint32_t i : by_length) {
    for (int32_t t : terms_of(i)) {
      if (ids.idf[t] >= min_idf) ++post_begin[t + 1];
    }
  }
  for (int64_t t = 0; t < num_terms; ++t) post_begin[t + 1] += post_begin[t];
  std::vector<Posting> postings(post_begin[num_terms]);
  {
    std::vector<size_t> fill(post_begin.begin(), post_begin.end() - 1);
    for (uint32_t i : by_length) {
      for (int32_t t : terms_of(i)) {
        if (ids.idf[t] >= min_idf) postings[fill[t]++] = Posting{len[i], i};
      }
    }
  }
  const double c = options.min_containment;
  std::vector<UnitPairs> found(omp_get_max_threads());
#pragma omp parallel
  {
    UnitPairs& mine = found[omp_get_thread_num()];
    std::vector<int32_t> prefix;
    std::vector<uint32_t> partners;  // Of one probe, each once.
    // The last probe that met each leader, plus 1: 4 bytes a leader and
    // thread (a sort of each probe's partners instead measured slower on
    // gen-10000, one run each: 0.98 against 0.69 s for the step).
    std::vector<uint32_t> seen(num_leaders, 0);
#pragma omp for schedule(dynamic, 256)
    for (int64_t a = 0; a < num_leaders; ++a) {
      const std::span<const int32_t> ta = terms_of(a);
      if (ta.size() < kContainedMinWords) continue;
      const auto need = static_cast<size_t>(
          std::ceil(c * static_cast<double>(ta.size()) - 1e-9));
      const auto min_longer = static_cast<uint32_t>(
          std::ceil(static_cast<double>(ta.size()) / kContainedMaxRatio));
      const size_t p = ta.size() - need + 1;
      prefix.assign(ta.begin(), ta.end());
      std::partial_sort(
          prefix.begin(), prefix.begin() + static_cast<int64_t>(p),
          prefix.end(), [&](int32_t x, int32_t y) {
            return ids.idf[x] != ids.idf[y] ? ids.idf[x] > ids.idf[y] : x < y;
          });
      partners.clear();
      for (size_t j = 0; j < p; ++j) {
        const int32_t t = prefix[j];
        if (ids.idf[t] < min_idf) break;  // Frequent: the rest are too.
        // A text in many stories is a leader in each, and its stems stay
        // rare (the cap counts texts): a list past max_bucket is skipped,
        // as the LSH pairs such a bucket with its first member only.
        if (post_begin[t + 1] - post_begin[t] > options.max_bucket) continue;
        for (size_t q = post_begin[t]; q < post_begin[t + 1]; ++q) {
          const auto [b_len, b] = postings[q];
          if (b_len < min_longer) break;  // And every later one.
          if (seen[b] == a + 1) continue;
          seen[b] = static_cast<uint32_t>(a + 1);
          partners.push_back(b);
        }
      }
      for (const uint32_t b : partners) {
        // Shared terms, stopping once the rest of A cannot reach `need`.
        const std::span<const int32_t> tb = terms_of(b);
        size_t shared = 0;
        auto x = ta.begin(), y = tb.begin();
        while (x != ta.end() && y != tb.end() &&
               shared + static_cast<size_t>(ta.end() - x) >= need) {
          if (*x < *y) {
            ++x;
          } else if (*y < *x) {
            ++y;
          } else {
            ++shared;
            ++x;
            ++y;
          }
        }
        if (shared >= need) {
          mine.emplace_back(std::min<uint32_t>(static_cast<uint32_t>(a), b),
                            std::max<uint32_t>(static_cast<uint32_t>(a), b));
        }
      }
    }
  }
  UnitPairs pairs;
  for (UnitPairs& f : found) {
    pairs.insert(pairs.end(), f.begin(), f.end());
    UnitPairs().swap(f);
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}

// The leaders' candidate pairs, (a, b) ascending with a < b, that may match
// (DocRelations::MayMatch): MinHash + LSH over their stem shingles, or all
// pairs (options.all_pairs). `sigs`: every unit's sketch if already made,
// else empty; freed here before the pairs are built. `indexed`: an index's
// units are among them, and it fixes the banding and needs claims on
// (which the remedies of a refusal leave out).
absl::StatusOr<UnitPairs> CandidatePairs(
    std::span<const ClaimUnit> units, const Copies& copies, const TermIds& ids,
    std::vector<uint32_t> sigs, const DocRelations& rel,
    const ClaimOptions& options, bool indexed) {
  const std::vector<uint32_t>& leaders = copies.leaders;
  const auto num_units = static_cast<uint32_t>(units.size());
  const auto num_leaders = static_cast<uint32_t>(leaders.size());
  UnitPairs pairs;
  if (options.all_pairs) {
    // Counted before any is made: the pairs grow with the product of the
    // documents' lengths, and two 2 MB documents (400 million pairs) or two
    // sentences repeated thousands of times (every pair a match) filled a
    // 24 GB machine.
    // A pair of leaders is listed once per pair of their copies (a
    // sentence a document repeats is a copy), unless copies are collapsed.
    auto listed = [&](uint32_t l) -> uint64_t {
      return options.collapse_copies ? 1 : copies.of(l).size() + 1;
    };
    uint64_t count = 0, scored = 0;
    for (uint32_t i = 0; i < num_leaders; ++i) {
      for (uint32_t j = i + 1; j < num_leaders; ++j) {
        if (rel.MayMatch(units[leaders[i]], units[leaders[j]])) {
          ++scored;
          count += listed(leaders[i]) * listed(leaders[j]);
        }
      }
    }
    // Every pair may be a match, and a match cost 3.5 KB from scoring to
    // the JSON written (two files of one sentence 1,000 times: 1 million
    // matches, 3.5 GB at the peak).
    constexpr uint64_t kBytesPerPair = 4096;
    if ((options.max_candidate_pairs != 0 &&
         count > options.max_candidate_pairs) ||
        (options.max_memory_bytes != 0 &&
         count > options.max_memory_bytes / kBytesPerPair)) {
      return absl::ResourceExhaustedError(absl::StrFormat(
          "claims: scoring every pair of units of the documents compared "
          "would score %d pairs (up to %.1f GB), over --claim-max-candidates "
          "%d or the memory available (%.1f GB): these documents are too "
          "long or too repetitive to compare unit by unit; scan them "
          "instead (refrain scan A B), whose claim LSH pairs only likely "
          "restatements, or add --collapse-copies if they repeat sentences",
          count, count * kBytesPerPair / 1e9, options.max_candidate_pairs,
          options.max_memory_bytes / 1e9));
    }
    pairs.reserve(scored);
    for (uint32_t i = 0; i < num_leaders; ++i) {
      for (uint32_t j = i + 1; j < num_leaders; ++j) {
        if (rel.MayMatch(units[leaders[i]], units[leaders[j]])) {
          pairs.emplace_back(leaders[i], leaders[j]);
        }
      }
    }
  } else {
    // Contained units first: their posting lists are freed before the
    // sketches and band tables exist, and the pairs found are merged into
    // the LSH's as those are written out.
    UnitPairs contained;
    if (options.min_containment > 0) {
      contained = ContainmentPairs(copies, ids, options);
    }
    const LshParams lsh = ClaimLshParams(options);
    const uint32_t k = lsh.bands * lsh.rows;
    LshIndex index(lsh, k);
    index.Reserve(num_leaders);
    if (sigs.empty()) {
      // Signed a chunk of leaders at a time into one buffer, whose band
      // keys are added before the next chunk is signed: the sketches of
      // all leaders (k words each: 9 MB on BBC) are never alive at once.
      constexpr size_t kChunk = 8192;
      std::vector<uint32_t> chunk(std::min<size_t>(num_leaders, kChunk) * k);
      const double min_idf = MinShingleIdf(options, ids.idf_units);
      for (size_t first = 0; first < num_leaders; first += kChunk) {
        const size_t m = std::min<size_t>(kChunk, num_leaders - first);
        const std::span<uint32_t> out(chunk.data(), m * k);
        SignShingles(
            m,
            [&](int64_t i) {
              const std::span<const int32_t> of =
                  ids.of(leaders[first + static_cast<size_t>(i)]);
              return UnitShingles(
                  of.size(),
                  [&](size_t j) {
                    return std::pair(ids.idf[of[j]], ids.hash[of[j]]);
                  },
                  options.bigrams, min_idf);
            },
            options, lsh, out);
        index.Add(out);
      }
    } else {
      // Every unit's sketch, made for the index: `sigs` itself with each
      // leader's row moved down to its place. Leaders ascend, so leader
      // i's row is at or after row i and still unread when row i is
      // written: no second copy of the sketches (gathered into one, it
      // added 46 MB to the MPI scan's rank 0 on gen-10000).
      for (size_t i = 0; i < num_leaders; ++i) {
        if (leaders[i] != i) {
          std::copy_n(sigs.begin() + size_t{leaders[i]} * k, k,
                      sigs.begin() + i * k);
        }
      }
      index.Add(std::span<const uint32_t>(sigs).first(size_t{num_leaders} * k));
      std::vector<uint32_t>().swap(sigs);
    }
    index.Build();
    const uint64_t bound =
        index.CandidatePairBound(options.max_bucket) + contained.size();
    if (options.max_candidate_pairs != 0 &&
        bound > options.max_candidate_pairs) {
      return absl::ResourceExhaustedError(absl::StrFormat(
          "claims: the claim LSH would emit %d candidate pairs (counted per "
          "band) for %d units, over --claim-max-candidates %d: the sentences "
          "of this dump share LSH buckets with too many others (many "
          "rewrites of the same text, or a narrow vocabulary). %s",
          bound, num_leaders, options.max_candidate_pairs,
          indexed
              ? "Raise --claim-max-candidates if memory allows (8 bytes a "
                "pair while they are sorted), or scan the dump in smaller "
                "parts: the index fixes the claim banding and needs claims on"
              : absl::StrFormat(
                    "Raise --claim-lsh-threshold (now %g) to cut the "
                    "candidates, raise --claim-max-candidates if memory "
                    "allows (8 bytes a pair while they are sorted), or run "
                    "with --no-claims",
                    options.lsh_threshold)));
    }
    pairs =
        std::move(index).CandidatePairs(options.max_bucket, nullptr, contained);
    UnitPairs().swap(contained);
    // Leader positions to units: increasing, so the pairs stay sorted.
    if (num_leaders < num_units) {
      for (auto& [a, b] : pairs) {
        a = leaders[a];
        b = leaders[b];
      }
    }
  }
  // Filtered in place: at scale the pairs are gigabytes, and a filtered
  // copy beside them would double that.
  size_t kept = 0;
  for (auto [a, b] : pairs) {
    if (rel.MayMatch(units[a], units[b])) pairs[kept++] = {a, b};
  }
  pairs.resize(kept);
  return pairs;
}

// Adds to `pairs` (sorted, unique) the nested relatives of each pair's
// units: with (q, x) a candidate, where quote q lies inside sentence s, (s,
// x) is one too, and the other way round. Of two nested matches only the
// higher-scoring one is listed (DropNestedMatches), so the choice must see
// both: a sentence whose attribution tail ("..., he said at the third
// ministerial conference of ...") kept it out of the LSH's buckets scored
// 0.954 in `compare`, which scores every pair, where the scan listed its
// quote at 0.928 (review, thirty-sixth session). A relative that is a copy
// stands in by its leader.
void AddNestedRelatives(std::span<const ClaimUnit> units,
                        std::span<const uint32_t> doc_first_unit,
                        const Copies& copies, const DocRelations& rel,
                        UnitPairs* pairs) {
  const auto num_units = static_cast<uint32_t>(units.size());
  // Each unit's relatives (units it holds or that hold it, of its own
  // document), as lists: links[begin[u] .. begin[u + 1]). A
  // document's units are in span order (by begin), so the units a unit
  // holds come after it, up to the first that begins past its end.
  std::vector<std::pair<uint32_t, uint32_t>> links;
  for (size_t d = 0; d + 1 < doc_first_unit.size(); ++d) {
    const uint32_t first = doc_first_unit[d], end = doc_first_unit[d + 1];
    for (uint32_t u = first; u < end; ++u) {
      const Span su = units[u].span;
      for (uint32_t v = u + 1; v < end && units[v].span.begin < su.end; ++v) {
        const Span sv = units[v].span;
        if (Contains(su, sv) || Contains(sv, su)) {
          links.emplace_back(u, v);
          links.emplace_back(v, u);
        }
      }
    }
  }
  if (links.empty()) return;
  std::sort(links.begin(), links.end());
  std::vector<uint32_t> begin(num_units + 1, 0);
  for (auto [u, v] : links) ++begin[u + 1];
  for (uint32_t u = 0; u < num_units; ++u) begin[u + 1] += begin[u];
  UnitPairs extra;
  auto add = [&](uint32_t from, uint32_t partner) {
    for (uint32_t i = begin[from]; i < begin[from + 1]; ++i) {
      const uint32_t r = copies.leader_of[links[i].second];
      if (r == partner || r == from ||
          !rel.MayMatch(units[r], units[partner])) {
        continue;
      }
      extra.emplace_back(std::min(r, partner), std::max(r, partner));
    }
  };
  for (auto [a, b] : *pairs) {
    if (begin[a] != begin[a + 1]) add(a, b);
    if (begin[b] != begin[b + 1]) add(b, a);
  }
  if (extra.empty()) return;
  std::sort(extra.begin(), extra.end());
  const size_t old_size = pairs->size();
  pairs->insert(pairs->end(), extra.begin(), extra.end());
  std::inplace_merge(pairs->begin(), pairs->begin() + old_size, pairs->end());
  pairs->erase(std::unique(pairs->begin(), pairs->end()), pairs->end());
}

// 32-bit indexes: 12 bytes an entry instead of 16, and the cosine step
// reads a partner's row from a random place in this matrix for every
// candidate.
using RowMatrix = Eigen::SparseMatrix<double, Eigen::RowMajor, int32_t>;

// The units x terms matrix. Rows: the IDF-weighted term counts of each
// leader, unit-normalized, by term id; copies are never a candidate, so
// their rows stay empty. Eigen's uncompressed storage gives row u room for
// all its occurrences and a count of its own, so every row is written in
// place, in parallel: no staging copy, no packing pass. Left uninitialized
// (as are the sketches): zeroing it first would be a serial pass over
// megabytes that are all written anyway.
// (An out-parameter: Eigen 3.4's SparseMatrix has no move constructor.)
void BuildUnitTermMatrix(const TermIds& ids, const Copies& copies,
                         RowMatrix* out) {
  const auto num_units = static_cast<uint32_t>(ids.begin.size() - 1);
  RowMatrix& x = *out;
  x.resize(num_units, ids.num_terms());
  {
    std::vector<int32_t> room(num_units, 0);
    for (uint32_t u = 0; u < num_units; ++u) {
      if (copies.leads(u)) room[u] = static_cast<int32_t>(ids.of(u).size());
    }
    x.reserve(room);
  }
#pragma omp parallel for schedule(dynamic, 256)
  for (int64_t u = 0; u < static_cast<int64_t>(num_units); ++u) {
    if (!copies.leads(static_cast<uint32_t>(u))) {
      x.innerNonZeroPtr()[u] = 0;
      continue;
    }
    thread_local std::vector<std::pair<int32_t, double>> tf;
    tf.clear();
    for (int32_t t : ids.of(static_cast<uint32_t>(u))) {
      tf.emplace_back(t, ids.idf[t]);
    }
    const double norm = SumRepeatsAndNorm(&tf);
    const size_t w = tf.size();
    const int32_t begin = x.outerIndexPtr()[u];
    for (size_t i = 0; i < w; ++i) {
      x.innerIndexPtr()[begin + i] = tf[i].first;
      x.valuePtr()[begin + i] = tf[i].second / norm;
    }
    x.innerNonZeroPtr()[u] = static_cast<int32_t>(w);
  }
}

// The candidates whose IDF-weighted cosine reaches options.min_cosine, with
// their cosines, in candidate order. Takes the candidates and the matrix
// and frees both: at scale they are gigabytes (gen-100000: 121 M
// candidates, 1 GB) that would otherwise sit beside the prepared texts of
// the score step.
struct GatedPairs {
  UnitPairs pairs;
  std::vector<double> cosine;  // Parallel to `pairs`.
};
GatedPairs CosineGate(UnitPairs candidates, RowMatrix&& matrix,
                      std::span<const ClaimUnit> units,
                      std::span<const uint32_t> doc_first_unit,
                      double min_cosine) {
  RowMatrix x;
  x.swap(matrix);
  // One Eigen sparse product per document: for document A, (A's units x
  // terms) * (partner units x terms)^T gives every candidate's cosine at
  // once. Columns are restricted to A's own terms, renumbered locally:
  // other terms add nothing to a dot product with A, and the product then
  // costs O(nonzeros), not O(terms in the dump). Candidates are sorted by
  // (a, b) and units by document, so each document's candidates are
  // contiguous.
  const auto num_units = static_cast<uint32_t>(units.size());
  std::vector<size_t> group_starts;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (i == 0 ||
        units[candidates[i].first].doc != units[candidates[i - 1].first].doc) {
      group_starts.push_back(i);
    }
  }
  group_starts.push_back(candidates.size());
  const int64_t groups = static_cast<int64_t>(group_starts.size()) - 1;
  // Per document, its candidates past the gate (index, cosine): a few
  // percent of the candidates, so nothing is kept per candidate.
  std::vector<std::vector<std::pair<size_t, double>>> passed(groups);
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t g = 0; g < groups; ++g) {
    const size_t begin = group_starts[g], end = group_starts[g + 1];
    const uint32_t da = units[candidates[begin].first].doc;
    const int64_t a0 = doc_first_unit[da], na = doc_first_unit[da + 1] - a0;
    // Local numbers of A's terms and of the partner units, in per-thread
    // arrays over all terms and units (reset after each document): array
    // look-ups instead of hashing in this innermost loop.
    thread_local std::vector<int32_t> local_term, local_row;
    if (local_term.size() < static_cast<size_t>(x.cols()))
      local_term.assign(x.cols(), -1);
    if (local_row.size() < num_units) local_row.assign(num_units, -1);
    thread_local std::vector<int64_t> terms_seen;
    thread_local std::vector<uint32_t> rows_seen;
    terms_seen.clear();
    rows_seen.clear();
    // xa = A's rows over the local terms; xbt = the partner rows over them,
    // transposed (local term x partner). Both are written in Eigen's
    // compressed layout directly, with the entries in the order
    // setFromTriplets and a row-major copy of the transpose would give
    // (by column within a row), so the product and every cosine are the
    // same bits as building them through triplets, without their sorts
    // and copies.
    thread_local std::vector<std::pair<int32_t, double>> row_entries;
    int64_t nnz_a = 0;
    for (int64_t r = a0; r < a0 + na; ++r) {
      for (RowMatrix::InnerIterator it(x, r); it; ++it, ++nnz_a) {
        int32_t& t = local_term[it.col()];
        if (t < 0) {
          t = static_cast<int32_t>(terms_seen.size());
          terms_seen.push_back(it.col());
        }
      }
    }
    const auto nt = static_cast<int64_t>(terms_seen.size());
    RowMatrix xa(na, nt);
    xa.resizeNonZeros(nnz_a);
    {
      int32_t k = 0;
      for (int64_t r = a0; r < a0 + na; ++r) {
        xa.outerIndexPtr()[r - a0] = k;
        row_entries.clear();
        for (RowMatrix::InnerIterator it(x, r); it; ++it) {
          row_entries.emplace_back(local_term[it.col()], it.value());
        }
        std::sort(row_entries.begin(), row_entries.end());
        for (const auto& [t, v] : row_entries) {
          xa.innerIndexPtr()[k] = t;
          xa.valuePtr()[k++] = v;
        }
      }
      xa.outerIndexPtr()[na] = k;
    }
    // Partner rows in order of first appearance; per row its entries on
    // A's terms, counted per term for the transposed layout.
    thread_local std::vector<std::pair<int32_t, double>> tb;  // (term, value)
    thread_local std::vector<int32_t> tb_row_end, per_term;
    tb.clear();
    tb_row_end.clear();
    per_term.assign(nt + 1, 0);
    // The partner rows lie anywhere in `x` (tens of megabytes at scale),
    // so each candidate's look-ups missed the caches one after another:
    // the gate's largest cost. They are fetched ahead instead (the row's
    // place, then its entries), so that the misses overlap.
    constexpr size_t kAhead = 16;
    const int32_t* outer = x.outerIndexPtr();
    // Not x.nonZeros(): x is uncompressed, where that sums every row.
    const auto stored = static_cast<int64_t>(x.data().size());
    for (size_t i = begin; i < end; ++i) {
      if (i + kAhead < end) {
        const uint32_t later = candidates[i + kAhead].second;
        __builtin_prefetch(&local_row[later]);
        __builtin_prefetch(&outer[later]);
      }
      if (i + kAhead / 2 < end) {
        const int32_t at = outer[candidates[i + kAhead / 2].second];
        __builtin_prefetch(x.innerIndexPtr() + at);
        __builtin_prefetch(x.valuePtr() + at);
        // The row's second cache line, if the array has one there (a
        // pointer past its end is not one to form).
        if (at + 8 < stored) __builtin_prefetch(x.valuePtr() + at + 8);
      }
      const uint32_t b = candidates[i].second;
      if (local_row[b] >= 0) continue;
      local_row[b] = static_cast<int32_t>(rows_seen.size());
      rows_seen.push_back(b);
      for (RowMatrix::InnerIterator it(x, b); it; ++it) {
        if (const int32_t t = local_term[it.col()]; t >= 0) {
          tb.emplace_back(t, it.value());
          ++per_term[t + 1];
        }
      }
      tb_row_end.push_back(static_cast<int32_t>(tb.size()));
    }
    const auto nb = static_cast<int64_t>(rows_seen.size());
    RowMatrix xbt(nt, nb);
    xbt.resizeNonZeros(static_cast<int64_t>(tb.size()));
    for (int64_t t = 0; t < nt; ++t) per_term[t + 1] += per_term[t];
    std::copy(per_term.begin(), per_term.end(), xbt.outerIndexPtr());
    {
      int32_t k = 0;
      for (int64_t row = 0; row < nb; ++row) {
        for (; k < tb_row_end[row]; ++k) {
          const auto [t, v] = tb[k];
          const int32_t at = per_term[t]++;
          xbt.innerIndexPtr()[at] = static_cast<int32_t>(row);
          xbt.valuePtr()[at] = v;
        }
      }
    }
    const Eigen::MatrixXd cos = Eigen::MatrixXd(xa * xbt);
    for (size_t i = begin; i < end; ++i) {
      auto [a, b] = candidates[i];
      const double c = cos(a - a0, local_row[b]);
      if (c >= min_cosine) passed[g].emplace_back(i, c);
    }
    for (int64_t t : terms_seen) local_term[t] = -1;
    for (uint32_t b : rows_seen) local_row[b] = -1;
  }
  GatedPairs out;
  for (std::vector<std::pair<size_t, double>>& group : passed) {
    for (auto [i, c] : group) {
      out.pairs.push_back(candidates[i]);
      out.cosine.push_back(c);
    }
    std::vector<std::pair<size_t, double>>().swap(group);
  }
  return out;
}

// Numbers the distinct contrasts of matches into `contrasts`
// (ClaimsResult::contrasts, empty at the start).
class ContrastTable {
 public:
  explicit ContrastTable(std::vector<ClaimScorer::Contrast>* contrasts)
      : contrasts_(contrasts) {}
  uint32_t Of(const ClaimScorer::Contrast& c) {
    if (!c.any()) return ClaimMatch::kNoContrast;
    auto [it, inserted] =
        ids_.try_emplace(Key(c), static_cast<uint32_t>(contrasts_->size()));
    if (inserted) contrasts_->push_back(c);
    return it->second;
  }
  // The contrast with its sides swapped, for a match whose units were.
  uint32_t Reversed(uint32_t id) {
    if (id == ClaimMatch::kNoContrast) return id;
    return Of((*contrasts_)[id].Reversed());  // A copy: Of() may grow it.
  }

 private:
  using KeyType = std::tuple<bool, std::vector<uint32_t>, std::vector<uint32_t>,
                             std::string, std::string, std::string, std::string,
                             std::string, std::string, std::vector<uint32_t>,
                             std::vector<uint32_t>>;
  static KeyType Key(const ClaimScorer::Contrast& c) {
    return {c.negation,  c.negation_cues_a, c.negation_cues_b, c.antonym_a,
            c.antonym_b, c.swapped_first,   c.swapped_second,  c.hedge_a,
            c.hedge_b,   c.hedge_cues_a,    c.hedge_cues_b};
  }
  std::vector<ClaimScorer::Contrast>* contrasts_;
  absl::flat_hash_map<KeyType, uint32_t> ids_;
};

// What the scorer says of each pair of a list: its score, NumbersDiffer,
// and the contrast of each pair at or above the threshold that has one.
struct PairScores {
  std::vector<double> score;
  std::vector<char> numbers_differ;
  std::vector<std::pair<uint64_t, ClaimScorer::Contrast>>
      contrasts;  // By pair.
};

// Scores `pairs` of units 0 .. num_units - 1: text_of(u) is unit u's text,
// whose terms are derived again with `analyzer` (as AnalyzeDocumentUnits
// derived them), and stems_of(u, &idf, &hash) appends the IDF and the hash
// of each of its stems, by term id order of its occurrences (what
// ClaimScorer::Prepare takes beside the terms).
//
// What the scorer derives from one unit alone (weights, WordNet senses,
// n-grams; about 2 kB a unit) is derived once per unit, not per pair. The
// pairs are scored in chunks, in their (a, b) order: a unit is prepared
// when the first chunk that holds it starts, and its prepared text and
// terms are freed when the last one ends. Partners are mostly near each
// other in the unit order, so only 10-30% of the scored units are prepared
// at any time (BBC, gen-10000, BBC in 10 outlets, in 256 chunks); all of
// them prepared up front were the claims stage's peak on gen-100000 (1.8 GB
// above 3.3 GB). Freeing in parallel also keeps the few hundred thousand
// small blocks from being a serial tail.
template <typename TextOf, typename StemsOf>
PairScores ScoreUnitPairs(std::span<const std::pair<uint32_t, uint32_t>> pairs,
                          size_t num_units_in, TextOf text_of, StemsOf stems_of,
                          uint64_t idf_units, const TermAnalyzer& analyzer,
                          const ClaimScorer& scorer, double threshold) {
  const auto num_units = static_cast<int64_t>(num_units_in);
  // The terms of unit u, while it is prepared (a Prepared refers to them).
  std::vector<std::unique_ptr<UnitTerms>> terms(num_units);
  const size_t num_pairs = pairs.size();
  // Chunks of 4,096 pairs or more (tens of milliseconds of work between
  // barriers), at most 1,024 of them.
  const size_t num_chunks = std::clamp<size_t>(num_pairs / 4096, 1, 1024);
  auto chunk_begin = [&](size_t c) { return c * num_pairs / num_chunks; };
  // Each unit's first and last chunk (kNone: in no scored pair, done with).
  constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> first(num_units, kNone), last(num_units, 0);
  for (size_t c = 0; c < num_chunks; ++c) {
    for (size_t k = chunk_begin(c); k < chunk_begin(c + 1); ++k) {
      for (const uint32_t u : {pairs[k].first, pairs[k].second}) {
        if (first[u] == kNone) first[u] = static_cast<uint32_t>(c);
        last[u] = static_cast<uint32_t>(c);
      }
    }
  }
  // The units each chunk starts and ends, by a counting sort on the chunk.
  auto by_chunk = [&](const std::vector<uint32_t>& chunk,
                      std::vector<size_t>* begin) {
    begin->assign(num_chunks + 1, 0);
    for (int64_t u = 0; u < num_units; ++u) {
      if (first[u] != kNone) ++(*begin)[chunk[u] + 1];
    }
    for (size_t c = 0; c < num_chunks; ++c) (*begin)[c + 1] += (*begin)[c];
    std::vector<uint32_t> listed((*begin)[num_chunks]);
    std::vector<size_t> next(begin->begin(), begin->end() - 1);
    for (int64_t u = 0; u < num_units; ++u) {
      if (first[u] != kNone)
        listed[next[chunk[u]]++] = static_cast<uint32_t>(u);
    }
    return listed;
  };
  std::vector<size_t> starts_begin, ends_begin;
  const std::vector<uint32_t> starts = by_chunk(first, &starts_begin);
  const std::vector<uint32_t> ends = by_chunk(last, &ends_begin);
  std::vector<ClaimScorer::Prepared> prepared(num_units);
  PairScores out;
  std::vector<double>& score = out.score;
  std::vector<char>& numbers_differ = out.numbers_differ;
  score.resize(num_pairs);
  numbers_differ.resize(num_pairs);
  // The contrasts found, (pair, contrast) per thread: few matches have one.
  std::vector<std::vector<std::pair<size_t, ClaimScorer::Contrast>>> found(
      omp_get_max_threads());
#pragma omp parallel
  {
    for (size_t c = 0; c < num_chunks; ++c) {
#pragma omp for schedule(dynamic, 16)
      for (size_t i = starts_begin[c]; i < starts_begin[c + 1]; ++i) {
        const uint32_t u = starts[i];
        // The IDF and hash of each stem by its term id: no string look-ups.
        thread_local std::vector<double> stem_idf;
        thread_local std::vector<uint64_t> stem_hash;
        stem_idf.clear();
        stem_hash.clear();
        stems_of(u, &stem_idf, &stem_hash);
        terms[u] = std::make_unique<UnitTerms>(analyzer.Analyze(text_of(u)));
        prepared[u] = scorer.Prepare(*terms[u], stem_idf, stem_hash, idf_units);
      }
#pragma omp for schedule(dynamic, 64)
      for (size_t k = chunk_begin(c); k < chunk_begin(c + 1); ++k) {
        auto [a, b] = pairs[k];
        score[k] = scorer.Score(prepared[a], prepared[b]);
        numbers_differ[k] = NumbersDiffer(*terms[a], *terms[b]);
        if (score[k] >= threshold) {
          ClaimScorer::Contrast con =
              scorer.Contrasts(prepared[a], prepared[b]);
          if (con.any()) {
            found[omp_get_thread_num()].emplace_back(k, std::move(con));
          }
        }
      }
      // A prepared text refers to its own unit's terms, and goes first.
#pragma omp for schedule(static)
      for (size_t i = ends_begin[c]; i < ends_begin[c + 1]; ++i) {
        prepared[ends[i]] = ClaimScorer::Prepared();
        terms[ends[i]].reset();
      }
    }
  }
  // Numbered in pair order, whichever thread found them.
  for (auto& t : found) {
    for (auto& f : t) out.contrasts.push_back(std::move(f));
  }
  std::sort(out.contrasts.begin(), out.contrasts.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  return out;
}

// The pairs of `gated` that `s` puts at or above `threshold`, in their
// order, with their contrasts (numbered in `contrasts`).
std::vector<ClaimMatch> MatchesOf(const GatedPairs& gated, const PairScores& s,
                                  double threshold, ContrastTable* contrasts) {
  auto next = s.contrasts.begin();
  std::vector<ClaimMatch> matches;
  for (size_t k = 0; k < gated.pairs.size(); ++k) {
    if (s.score[k] < threshold) continue;
    auto [a, b] = gated.pairs[k];
    ClaimMatch m{.a = a,
                 .b = b,
                 .score = s.score[k],
                 .cosine = gated.cosine[k],
                 .numbers_differ = s.numbers_differ[k] != 0};
    if (next != s.contrasts.end() && next->first == k) {
      m.contrast = contrasts->Of(next->second);
      ++next;
    }
    matches.push_back(m);
  }
  return matches;
}

// The text of unit u, and the IDF and hash of each of its stems.
std::string_view UnitText(std::span<const ClaimUnit> units,
                          std::span<const Document> docs, uint32_t u) {
  const ClaimUnit& unit = units[u];
  return std::string_view(docs[unit.doc].text)
      .substr(unit.span.begin, unit.span.size());
}
void StemsOfUnit(const TermIds& ids, uint32_t u, std::vector<double>* idf,
                 std::vector<uint64_t>* hash) {
  for (int32_t t : ids.of(u)) {
    idf->push_back(ids.idf[t]);
    hash->push_back(ids.hash[t]);
  }
}

// Every gated pair scored in this process.
PairScores ScoreHere(const GatedPairs& gated, std::span<const ClaimUnit> units,
                     std::span<const Document> docs,
                     const TermAnalyzer& analyzer, const TermIds& ids,
                     const ClaimScorer& scorer, double threshold) {
  return ScoreUnitPairs(
      gated.pairs, units.size(),
      [&](uint32_t u) { return UnitText(units, docs, u); },
      [&](uint32_t u, std::vector<double>* idf, std::vector<uint64_t>* hash) {
        StemsOfUnit(ids, u, idf, hash);
      },
      ids.idf_units, analyzer, scorer, threshold);
}

// Share `s` of `num_shares` of the gated pairs (contiguous, in pair order,
// of about equal counts): the pairs' first index, and the share itself.
size_t ShareBegin(size_t num_pairs, int s, int num_shares) {
  // floor(num_pairs * s / num_shares), without the product overflowing.
  const size_t n = static_cast<size_t>(num_shares), k = static_cast<size_t>(s);
  return num_pairs / n * k + num_pairs % n * k / n;
}
ClaimScoreShare MakeShare(const GatedPairs& gated,
                          std::span<const ClaimUnit> units,
                          std::span<const Document> docs, const TermIds& ids,
                          size_t begin, size_t end) {
  ClaimScoreShare share;
  share.idf_units = ids.idf_units;
  // Its units, in order, numbered from 0.
  std::vector<uint32_t> listed;
  for (size_t k = begin; k < end; ++k) {
    listed.push_back(gated.pairs[k].first);
    listed.push_back(gated.pairs[k].second);
  }
  std::sort(listed.begin(), listed.end());
  listed.erase(std::unique(listed.begin(), listed.end()), listed.end());
  auto local = [&](uint32_t u) {
    return static_cast<uint32_t>(
        std::lower_bound(listed.begin(), listed.end(), u) - listed.begin());
  };
  share.pairs.reserve(end - begin);
  for (size_t k = begin; k < end; ++k) {
    share.pairs.emplace_back(local(gated.pairs[k].first),
                             local(gated.pairs[k].second));
  }
  share.stems_begin.push_back(0);
  for (uint32_t u : listed) {
    share.texts.emplace_back(UnitText(units, docs, u));
    StemsOfUnit(ids, u, &share.stem_idf, &share.stem_hash);
    share.stems_begin.push_back(share.stem_idf.size());
  }
  return share;
}

// Every gated pair scored by sharing.score, in sharing.num_shares shares.
absl::StatusOr<PairScores> ScoreShared(const GatedPairs& gated,
                                       std::span<const ClaimUnit> units,
                                       std::span<const Document> docs,
                                       const TermIds& ids,
                                       const ClaimScoreSharing& sharing) {
  const size_t num_pairs = gated.pairs.size();
  const int n = sharing.num_shares;
  absl::StatusOr<std::vector<ClaimShareScores>> shares =
      sharing.score([&](int s) {
        return MakeShare(gated, units, docs, ids, ShareBegin(num_pairs, s, n),
                         ShareBegin(num_pairs, s + 1, n));
      });
  if (!shares.ok()) return shares.status();
  if (shares->size() != static_cast<size_t>(n)) {
    return absl::InternalError(absl::StrFormat(
        "claims: %d shares scored, %d given out", shares->size(), n));
  }
  PairScores all;
  all.score.reserve(num_pairs);
  all.numbers_differ.reserve(num_pairs);
  for (int s = 0; s < n; ++s) {
    ClaimShareScores& one = (*shares)[s];
    const size_t begin = ShareBegin(num_pairs, s, n);
    if (one.score.size() != ShareBegin(num_pairs, s + 1, n) - begin ||
        one.numbers_differ.size() != one.score.size()) {
      return absl::InternalError(absl::StrFormat(
          "claims: share %d came back with %d scores for %d pairs", s,
          one.score.size(), ShareBegin(num_pairs, s + 1, n) - begin));
    }
    all.score.insert(all.score.end(), one.score.begin(), one.score.end());
    all.numbers_differ.insert(all.numbers_differ.end(),
                              one.numbers_differ.begin(),
                              one.numbers_differ.end());
    for (auto& [k, c] : one.contrasts) {
      if (k >= one.score.size()) {
        return absl::InternalError("claims: a contrast of no pair of a share");
      }
      all.contrasts.emplace_back(begin + k, std::move(c));
    }
    one = ClaimShareScores{};
  }
  return all;
}

}  // namespace

absl::StatusOr<ClaimShareScores> ScoreClaimShare(const ClaimScoreShare& share,
                                                 const ClaimOptions& options) {
  if (auto s = ValidateClaimOptions(options); !s.ok()) return s;
  const size_t num_units = share.texts.size();
  if (share.stems_begin.size() != num_units + 1 ||
      share.stems_begin.front() != 0 ||
      share.stems_begin.back() != share.stem_idf.size() ||
      share.stem_hash.size() != share.stem_idf.size() ||
      !std::is_sorted(share.stems_begin.begin(), share.stems_begin.end())) {
    return absl::InvalidArgumentError(
        "claims: a score share whose stems do not match its units");
  }
  for (const auto& [a, b] : share.pairs) {
    if (a >= num_units || b >= num_units) {
      return absl::InvalidArgumentError(
          "claims: a score share with a pair of units it does not hold");
    }
  }
  absl::StatusOr<TermAnalyzer> analyzer =
      TermAnalyzer::Create(TermAnalyzerOptions{options.language});
  if (!analyzer.ok()) return analyzer.status();
  absl::StatusOr<ClaimScorer> scorer =
      ClaimScorer::Create(ClaimScorerOptions{options.wordnet_dir});
  if (!scorer.ok()) return scorer.status();
  PairScores s = ScoreUnitPairs(
      share.pairs, num_units,
      [&](uint32_t u) { return std::string_view(share.texts[u]); },
      [&](uint32_t u, std::vector<double>* idf, std::vector<uint64_t>* hash) {
        idf->insert(idf->end(), share.stem_idf.begin() + share.stems_begin[u],
                    share.stem_idf.begin() + share.stems_begin[u + 1]);
        hash->insert(hash->end(),
                     share.stem_hash.begin() + share.stems_begin[u],
                     share.stem_hash.begin() + share.stems_begin[u + 1]);
      },
      share.idf_units, *analyzer, *scorer, EffectiveClaimThreshold(options));
  ClaimShareScores out;
  out.score = std::move(s.score);
  out.numbers_differ = std::move(s.numbers_differ);
  out.contrasts = std::move(s.contrasts);
  return out;
}

namespace {

// Leaves out the matches under ClaimOptions::unrelated_threshold whose two
// passages share fewer than min_shared_outside_attribution distinct stems
// outside their attributions; returns how many. A match scored on the
// speaker alone ("Ian Fogg, analyst at Jupiter Research, agreed that ..."
// and "..., said Ian Fogg, analyst at Jupiter Research") is two things one
// person said. Each passage's terms are derived again without its
// attribution (a few thousand matches on BBC: milliseconds).
uint64_t DropAttributionOnly(std::span<const Document> docs,
                             std::span<const ClaimUnit> units,
                             const TermAnalyzer& analyzer,
                             const ClaimOptions& options,
                             std::vector<ClaimMatch>* matches) {
  const auto n = static_cast<int64_t>(matches->size());
  std::vector<char> drop(matches->size(), 0);
#pragma omp parallel for schedule(dynamic, 16)
  for (int64_t i = 0; i < n; ++i) {
    const ClaimMatch& m = (*matches)[i];
    if (m.score >= options.unrelated_threshold) continue;
    UnitTerms terms[2];
    std::vector<std::string_view> stems[2];
    for (int side = 0; side < 2; ++side) {
      terms[side] = analyzer.Analyze(
          WithoutAttribution(UnitText(units, docs, side == 0 ? m.a : m.b)));
      for (size_t t = 0; t < terms[side].stems.size(); ++t) {
        stems[side].push_back(terms[side].stems[t]);
      }
      std::sort(stems[side].begin(), stems[side].end());
      stems[side].erase(std::unique(stems[side].begin(), stems[side].end()),
                        stems[side].end());
    }
    size_t shared = 0;
    for (size_t x = 0, y = 0; x < stems[0].size() && y < stems[1].size();) {
      if (stems[0][x] < stems[1][y]) {
        ++x;
      } else if (stems[1][y] < stems[0][x]) {
        ++y;
      } else {
        ++shared, ++x, ++y;
      }
    }
    drop[i] = shared < options.min_shared_outside_attribution;
  }
  size_t k = 0;
  return std::erase_if(*matches, [&](const ClaimMatch&) { return drop[k++]; });
}

// ClaimMatch::story_similarity of every match: the cosine of its two
// documents' content-word stems, over the occurrences in all their claim
// units, each stem weighted (1 + ln count) x IDF. Only the documents of
// matches get a vector, each built once.
void SetStorySimilarity(const TermIds& ids, std::span<const ClaimUnit> units,
                        std::span<const uint32_t> doc_first_unit,
                        std::vector<ClaimMatch>* matches) {
  const size_t num_docs = doc_first_unit.size() - 1;
  std::vector<int64_t> slot(num_docs, -1);
  std::vector<uint32_t> needed;
  for (const ClaimMatch& m : *matches) {
    for (const uint32_t d : {units[m.a].doc, units[m.b].doc}) {
      if (slot[d] < 0) {
        slot[d] = static_cast<int64_t>(needed.size());
        needed.push_back(d);
      }
    }
  }
  // Per needed document, (term id, weight) by term, of norm 1.
  std::vector<UnitVector> vec(needed.size());
  const auto num_needed = static_cast<int64_t>(needed.size());
#pragma omp parallel for schedule(dynamic, 16)
  for (int64_t k = 0; k < num_needed; ++k) {
    const uint32_t d = needed[k];
    thread_local std::vector<int32_t> terms;
    terms.clear();
    for (uint32_t u = doc_first_unit[d]; u < doc_first_unit[d + 1]; ++u) {
      for (const int32_t t : ids.of(u)) terms.push_back(t);
    }
    std::sort(terms.begin(), terms.end());
    UnitVector& v = vec[k];
    double norm = 0;
    for (size_t i = 0; i < terms.size();) {
      size_t j = i;
      while (j < terms.size() && terms[j] == terms[i]) ++j;
      const double w =
          (1 + std::log(static_cast<double>(j - i))) * ids.idf[terms[i]];
      v.emplace_back(terms[i], w);
      norm += w * w;
      i = j;
    }
    if (norm > 0) {
      const double inv = 1 / std::sqrt(norm);
      for (auto& [t, w] : v) w *= inv;
    }
  }
  const auto num_matches = static_cast<int64_t>(matches->size());
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < num_matches; ++i) {
    ClaimMatch& m = (*matches)[i];
    const uint32_t da = units[m.a].doc, db = units[m.b].doc;
    if (da == db) {
      m.story_similarity = 1;
      continue;
    }
    m.story_similarity = std::min(1.0, Dot(vec[slot[da]], vec[slot[db]]));
  }
}

// Of two matches between the same two articles whose passages nest on
// both sides (each of one's inside the other's: a quote matched, and the
// sentence holding it matched too), leaves out the lower-scoring one, the
// inner one on a tie; returns how many were left out. Listing both showed
// one recurring claim twice (on BBC, 197 of 2,303 matches lay inside
// another). A unit's containers are the units of its article whose span
// holds its own: found by walking back over the article's units sorted by
// start while the running maximum end still reaches past it, so a unit
// inside no long passage costs a step or two.
uint64_t DropNestedMatches(std::span<const ClaimUnit> units,
                           std::span<const uint32_t> doc_first_unit,
                           std::vector<ClaimMatch>* matches) {
  if (matches->size() < 2) return 0;
  struct Sorted {
    std::vector<uint32_t> order;    // The article's units by (begin, -end).
    std::vector<uint32_t> at;       // Unit - first -> position in order.
    std::vector<uint32_t> max_end;  // Running maximum end along order.
  };
  absl::flat_hash_map<uint32_t, Sorted> by_doc;
  auto sorted_of = [&](uint32_t doc) -> const Sorted& {
    auto [it, inserted] = by_doc.try_emplace(doc);
    Sorted& s = it->second;
    if (inserted) {
      const uint32_t first = doc_first_unit[doc], end = doc_first_unit[doc + 1];
      s.order.resize(end - first);
      std::iota(s.order.begin(), s.order.end(), first);
      std::sort(s.order.begin(), s.order.end(), [&](uint32_t x, uint32_t y) {
        const Span& p = units[x].span;
        const Span& q = units[y].span;
        return p.begin != q.begin ? p.begin < q.begin
               : p.end != q.end   ? p.end > q.end
                                  : x < y;
      });
      s.at.resize(s.order.size());
      s.max_end.resize(s.order.size());
      uint32_t running = 0;
      for (size_t i = 0; i < s.order.size(); ++i) {
        s.at[s.order[i] - first] = static_cast<uint32_t>(i);
        running = std::max(running, units[s.order[i]].span.end);
        s.max_end[i] = running;
      }
    }
    return s;
  };
  // Unit u and the units holding its span.
  auto with_containers = [&](uint32_t u, std::vector<uint32_t>* out) {
    out->assign(1, u);
    const Sorted& s = sorted_of(units[u].doc);
    const Span span = units[u].span;
    const uint32_t first = doc_first_unit[units[u].doc];
    // Units sorted after u hold it only with the same span (the order puts
    // equal spans by unit number).
    for (size_t i = s.at[u - first] + 1; i < s.order.size(); ++i) {
      const Span& o = units[s.order[i]].span;
      if (o.begin != span.begin || o.end != span.end) break;
      out->push_back(s.order[i]);
    }
    for (size_t i = s.at[u - first]; i-- > 0 && s.max_end[i] >= span.end;) {
      const Span& o = units[s.order[i]].span;
      if (o.end >= span.end) out->push_back(s.order[i]);
    }
  };
  auto key = [](uint32_t a, uint32_t b) {
    return a < b ? (uint64_t{a} << 32 | b) : (uint64_t{b} << 32 | a);
  };
  absl::flat_hash_map<uint64_t, uint32_t> index;
  index.reserve(matches->size());
  for (size_t i = 0; i < matches->size(); ++i) {
    index.emplace(key((*matches)[i].a, (*matches)[i].b),
                  static_cast<uint32_t>(i));
  }
  std::vector<char> drop(matches->size(), 0);
  std::vector<uint32_t> as, bs;
  for (size_t i = 0; i < matches->size(); ++i) {
    const ClaimMatch& inner = (*matches)[i];
    with_containers(inner.a, &as);
    with_containers(inner.b, &bs);
    if (as.size() == 1 && bs.size() == 1) continue;
    for (uint32_t a : as) {
      for (uint32_t b : bs) {
        if (a == inner.a && b == inner.b) continue;
        auto it = index.find(key(a, b));
        if (it == index.end()) continue;
        const ClaimMatch& outer = (*matches)[it->second];
        if (inner.score != outer.score) {
          drop[inner.score > outer.score ? it->second : i] = 1;
        } else {
          // Two matches over the same spans (a headline that is also the
          // first sentence) hold each other: the later one goes. Of a quote
          // matched with the quote and with the sentence around it, at one
          // score, the quote with the quote stays: the sentence adds words
          // the other side does not have (review 39b-08: the two mixed
          // matches were listed, the quote-quote one dropped).
          const bool same = units[a].span == units[inner.a].span &&
                            units[b].span == units[inner.b].span;
          const bool mixed_outer = (units[a].kind == UnitKind::kQuote) !=
                                   (units[b].kind == UnitKind::kQuote);
          const bool quotes_inner = units[inner.a].kind == UnitKind::kQuote &&
                                    units[inner.b].kind == UnitKind::kQuote;
          drop[same                          ? std::max<size_t>(i, it->second)
               : mixed_outer && quotes_inner ? it->second
                                             : i] = 1;
        }
      }
    }
  }
  uint64_t dropped = 0;
  size_t k = 0;
  for (size_t i = 0; i < matches->size(); ++i) {
    if (drop[i]) {
      ++dropped;
    } else {
      (*matches)[k++] = (*matches)[i];
    }
  }
  matches->resize(k);
  return dropped;
}

// Every leader match for each of the two leaders' copies (what scoring
// each copy on its own would have found), in each article once: a
// sentence an article repeats is listed at its first occurrence there
// (two articles each repeating one sentence a thousand times listed a
// million matches of one claim). Units are in document order, so an
// article's copies are adjacent.
std::vector<ClaimMatch> ListForCopies(const std::vector<ClaimMatch>& matches,
                                      const Copies& copies,
                                      std::span<const ClaimUnit> units,
                                      ContrastTable* contrasts) {
  auto each = [&](uint32_t l, auto&& fn) {
    fn(l);
    uint32_t doc = units[l].doc;
    for (uint32_t c : copies.of(l)) {
      if (units[c].doc == doc) continue;
      doc = units[c].doc;
      fn(c);
    }
  };
  std::vector<ClaimMatch> listed;
  for (const ClaimMatch& m : matches) {
    each(m.a, [&](uint32_t a) {
      each(m.b, [&](uint32_t b) {
        ClaimMatch c = m;
        c.a = std::min(a, b);
        c.b = std::max(a, b);
        // A copy of b's unit may come before a copy of a's.
        if (a > b) c.contrast = contrasts->Reversed(m.contrast);
        listed.push_back(c);
      });
    });
  }
  return listed;
}

// Connected components over the matches, largest first. With
// `add_copies` (--collapse-copies), every member's copies join its cluster:
// they were matched through their first occurrence.
std::vector<ClaimCluster> ClusterMatches(std::span<const ClaimMatch> matches,
                                         std::span<const ClaimUnit> units,
                                         const Copies& copies,
                                         bool add_copies) {
  std::vector<Edge> edges;
  for (const ClaimMatch& m : matches) edges.push_back(Edge{m.a, m.b, m.score});
  std::vector<Cluster> components =
      ConnectedComponents(static_cast<uint32_t>(units.size()), edges);
  // Each component's own edges, for its star groups.
  std::vector<uint32_t> component_of(units.size());
  for (size_t c = 0; c < components.size(); ++c) {
    for (uint32_t u : components[c].members) {
      component_of[u] = static_cast<uint32_t>(c);
    }
  }
  std::vector<std::vector<Edge>> edges_of(components.size());
  for (const Edge& e : edges) edges_of[component_of[e.a]].push_back(e);
  std::vector<Edge>().swap(edges);
  std::vector<ClaimCluster> clusters;
  for (size_t ci = 0; ci < components.size(); ++ci) {
    Cluster& c = components[ci];
    ClaimCluster cc;
    cc.units = std::move(c.members);
    cc.groups = StarGroups(cc.units, edges_of[ci]);
    std::vector<Edge>().swap(edges_of[ci]);
    if (add_copies) {
      const size_t listed = cc.units.size();
      for (size_t i = 0; i < listed; ++i) {
        const std::span<const uint32_t> more = copies.of(cc.units[i]);
        cc.units.insert(cc.units.end(), more.begin(), more.end());
      }
      std::sort(cc.units.begin(), cc.units.end());
      // A copy stands where its first occurrence stands.
      for (StarGroup& g : cc.groups) {
        const size_t listed_in_group = g.members.size();
        for (size_t i = 0; i < listed_in_group; ++i) {
          const std::span<const uint32_t> more = copies.of(g.members[i]);
          g.members.insert(g.members.end(), more.begin(), more.end());
        }
        std::sort(g.members.begin() + 1, g.members.end());
      }
    }
    for (uint32_t u : cc.units) cc.docs.push_back(units[u].doc);
    std::sort(cc.docs.begin(), cc.docs.end());
    cc.docs.erase(std::unique(cc.docs.begin(), cc.docs.end()), cc.docs.end());
    cc.min_score = c.min_similarity;
    cc.mean_score = c.mean_similarity;
    clusters.push_back(std::move(cc));
  }
  if (add_copies) {  // Sizes grew: ordered again as ConnectedComponents.
    std::stable_sort(clusters.begin(), clusters.end(),
                     [](const ClaimCluster& p, const ClaimCluster& q) {
                       return p.units.size() != q.units.size()
                                  ? p.units.size() > q.units.size()
                                  : p.units[0] < q.units[0];
                     });
  }
  return clusters;
}

// Steps 5 on of FindClaims (see claims.h) over the analyzed units: term ids
// and IDF, copies, candidates, the units x terms matrix, the cosine gate,
// the scorer, clusters. `idf_complete`: `idf` already counts every text
// (else they are added here, unless `incremental` keeps the counts).
// `analyzer` derives the terms of the scored units again, from their texts
// in `docs`.
absl::StatusOr<ClaimsResult> FinishClaims(
    std::span<const Document> docs, std::span<const uint32_t> story_of,
    const ClaimOptions& options, ClaimUnits all, const TermAnalyzer& analyzer,
    IdfTable idf, bool idf_complete, ClaimsIncremental* incremental,
    ClaimsResult::Timings timings, const ClaimScoreSharing* sharing) {
  Lap lap;
  ClaimsResult result;
  result.timings = timings;
  absl::StatusOr<ClaimScorer> scorer =
      ClaimScorer::Create(ClaimScorerOptions{options.wordnet_dir});
  if (!scorer.ok()) return scorer.status();
  result.timings.load_s += lap();
  result.threshold = EffectiveClaimThreshold(options);
  result.headline_threshold = options.headline_threshold;
  result.min_story_similarity = options.min_story_similarity;
  result.unrelated_threshold = options.unrelated_threshold;
  const DocRelations rel(story_of, incremental, options);

  result.units = std::move(all.units);
  result.excluded = all.excluded;
  std::vector<uint32_t> doc_first_unit(docs.size() + 1, 0);
  for (const ClaimUnit& u : result.units) ++doc_first_unit[u.doc + 1];
  for (size_t d = 0; d < docs.size(); ++d) {
    doc_first_unit[d + 1] += doc_first_unit[d];
  }
  std::vector<uint32_t> sigs;  // Made here if incremental, else later.
  if (incremental != nullptr) {
    absl::Status st = SketchForIndex(result.units, all.stems, all.keys, options,
                                     &idf, incremental, &sigs);
    if (!st.ok()) return st;
    if (incremental->sketch_only) {
      incremental->unit_terms = std::move(all.stems);
      incremental->idf = std::move(idf);
      return result;
    }
  }
  if (result.units.size() < 2) return result;

  absl::StatusOr<TermIds> ids =
      NumberTerms(all.stems, all.keys,
                  /*count_df=*/incremental == nullptr && !idf_complete, &idf);
  if (!ids.ok()) return ids.status();
  std::vector<TermList>().swap(all.stems);  // The ids stand for them now.
  result.timings.matrix_s = lap();

  const Copies copies = FindCopies(result.units, all.keys, rel, options);
  std::vector<UnitTermsKey>().swap(all.keys);
  result.copy_units = result.units.size() - copies.leaders.size();
  absl::StatusOr<UnitPairs> candidates =
      CandidatePairs(result.units, copies, *ids, std::move(sigs), rel, options,
                     /*indexed=*/incremental != nullptr);
  if (!candidates.ok()) return candidates.status();
  if (!options.all_pairs) {
    AddNestedRelatives(result.units, doc_first_unit, copies, rel, &*candidates);
  }
  result.candidate_pairs = candidates->size();
  result.timings.candidates_s = lap();

  // Built after the candidates: at scale it is hundreds of megabytes that
  // the candidate step does not need.
  RowMatrix x;
  BuildUnitTermMatrix(*ids, copies, &x);
  result.timings.matrix_s += lap();

  const GatedPairs gated =
      CosineGate(*std::move(candidates), std::move(x), result.units,
                 doc_first_unit, options.min_cosine);
  result.scored_pairs = gated.pairs.size();
  result.timings.gate_s = lap();
  ContrastTable contrasts(&result.contrasts);
  absl::StatusOr<PairScores> scores =
      sharing == nullptr
          ? ScoreHere(gated, result.units, docs, analyzer, *ids, *scorer,
                      result.threshold)
          : ScoreShared(gated, result.units, docs, *ids, *sharing);
  if (!scores.ok()) return scores.status();
  result.matches = MatchesOf(gated, *scores, result.threshold, &contrasts);
  scores = PairScores{};
  if (!copies.copies.empty() && !options.collapse_copies) {
    result.matches =
        ListForCopies(result.matches, copies, result.units, &contrasts);
  }
  result.timings.score_s = lap();
  SetStorySimilarity(*ids, result.units, doc_first_unit, &result.matches);
  result.unrelated_matches_dropped =
      std::erase_if(result.matches, [&](const ClaimMatch& m) {
        return m.score < options.unrelated_threshold &&
               m.story_similarity < options.min_story_similarity;
      });
  if (options.min_shared_outside_attribution > 0 &&
      IsEnglishLanguage(options.language)) {
    result.min_shared_outside_attribution =
        options.min_shared_outside_attribution;
    result.attribution_matches_dropped = DropAttributionOnly(
        docs, result.units, analyzer, options, &result.matches);
  }
  // Each listed match by its own units' kinds: a copy of a sentence may be
  // another outlet's headline.
  result.headline_matches_dropped =
      std::erase_if(result.matches, [&](const ClaimMatch& m) {
        return m.score < options.headline_threshold &&
               (result.units[m.a].kind == UnitKind::kHeadline ||
                result.units[m.b].kind == UnitKind::kHeadline);
      });
  if (!options.keep_nested) {
    result.nested_matches_dropped =
        DropNestedMatches(result.units, doc_first_unit, &result.matches);
  }
  std::sort(result.matches.begin(), result.matches.end(),
            [](const ClaimMatch& p, const ClaimMatch& q) {
              return p.a != q.a ? p.a < q.a : p.b < q.b;
            });
  result.timings.filter_s = lap();

  result.clusters =
      ClusterMatches(result.matches, result.units, copies,
                     !copies.copies.empty() && options.collapse_copies);
  result.timings.cluster_s = lap();
  return result;
}

}  // namespace

uint64_t EstimateClaimMemory(uint64_t text_bytes) {
  return uint64_t{100'000'000} + 14 * text_bytes;
}

absl::Status CheckClaimMemory(std::span<const Document> docs,
                              const ClaimOptions& options, bool indexed) {
  uint64_t text_bytes = 0;
  for (const Document& d : docs) text_bytes += d.text.size();
  const uint64_t need = EstimateClaimMemory(text_bytes);
  if (options.max_memory_bytes == 0 || need <= options.max_memory_bytes) {
    return absl::OkStatus();
  }
  return absl::ResourceExhaustedError(absl::StrFormat(
      "claims: the claims stage would need about %.3g GB for %.1f MB of "
      "article text (100 MB + 14 bytes per byte), over --claim-max-memory "
      "%.3g GB (as given, or by default the memory available when the scan "
      "started): "
      "scan smaller dumps for claims, raise --claim-max-memory if the "
      "estimate is too high for these texts (0: no check)%s",
      need / 1e9, text_bytes / 1e6, options.max_memory_bytes / 1e9,
      indexed ? " (the index needs claims on)" : ", or run with --no-claims"));
}

namespace {

// Steps 1 to 3 of FindClaims: segments and boilerplate keys of every
// document, then `segmented()`, then sink(d, units of document d) for each
// document, in parallel.
template <typename Segmented, typename Sink>
void AnalyzeAll(std::span<const Document> docs,
                std::span<const uint32_t> story_of,
                std::span<std::optional<ClaimSegments>> presegmented,
                const SegmentOptions& segment, const ClaimOptions& options,
                const TermAnalyzer& analyzer, Segmented segmented, Sink sink) {
  const int64_t n = static_cast<int64_t>(docs.size());
  auto story = [&](uint32_t d) { return story_of.empty() ? d : story_of[d]; };

  // ---- Segment; key every line for boilerplate detection. ----
  std::vector<ClaimSegments> segs(docs.size());
#pragma omp parallel for schedule(dynamic, 4)
  for (int64_t d = 0; d < n; ++d) {
    if (static_cast<size_t>(d) < presegmented.size() && presegmented[d]) {
      segs[d] = *std::move(presegmented[d]);
      presegmented[d].reset();
    } else {
      segs[d] = SegmentForClaims(docs[d], segment);
    }
  }
  std::vector<std::pair<uint64_t, uint32_t>> key_story;
  for (uint32_t d = 0; d < docs.size(); ++d) {
    for (uint64_t k : segs[d].paragraph_keys)
      key_story.emplace_back(k, story(d));
  }
  const absl::flat_hash_set<uint64_t> boilerplate =
      BoilerplateKeys(std::move(key_story), options);
  segmented();

  // ---- Units and their terms. ----
#pragma omp parallel for schedule(dynamic, 4)
  for (int64_t d = 0; d < n; ++d) {
    const auto doc = static_cast<uint32_t>(d);
    sink(doc, AnalyzeDocumentUnits(docs[d], doc, segs[d], boilerplate, analyzer,
                                   options));
    segs[d] = ClaimSegments();
  }
}

}  // namespace

absl::Status ForEachClaimUnits(
    std::span<const Document> docs, std::span<const uint32_t> story_of,
    const SegmentOptions& segment, const ClaimOptions& options,
    const std::function<void(uint32_t, ClaimUnits)>& sink) {
  if (auto s = ValidateClaimOptions(options); !s.ok()) return s;
  absl::StatusOr<TermAnalyzer> analyzer =
      TermAnalyzer::Create(TermAnalyzerOptions{options.language});
  if (!analyzer.ok()) return analyzer.status();
  AnalyzeAll(
      docs, story_of, {}, segment, options, *analyzer, [] {},
      [&](uint32_t d, ClaimUnits units) { sink(d, std::move(units)); });
  return absl::OkStatus();
}

absl::Status AddBackgroundIdf(const ClaimOptions& options,
                              const TermAnalyzer& analyzer, IdfTable* idf) {
  if (options.background_idf.empty()) return absl::OkStatus();
  absl::StatusOr<IdfTable> bg =
      IdfTable::FromFile(options.background_idf, analyzer);
  if (!bg.ok()) return bg.status();
  idf->Merge(*bg);
  return absl::OkStatus();
}

absl::StatusOr<ClaimsResult> FindClaims(
    std::span<const Document> docs, std::span<const uint32_t> story_of,
    const SegmentOptions& segment, const ClaimOptions& options,
    ClaimsIncremental* incremental,
    std::span<std::optional<ClaimSegments>> presegmented) {
  if (auto s = ValidateClaimOptions(options); !s.ok()) return s;
  if (!presegmented.empty() && presegmented.size() != docs.size()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("claims: %d documents, %d presegmented entries",
                        docs.size(), presegmented.size()));
  }
  if (auto s = CheckClaimMemory(docs, options, incremental != nullptr);
      !s.ok()) {
    return s;
  }
  Lap lap;
  ClaimsResult::Timings timings;
  absl::StatusOr<TermAnalyzer> analyzer =
      TermAnalyzer::Create(TermAnalyzerOptions{options.language});
  if (!analyzer.ok()) return analyzer.status();
  IdfTable idf;
  if (auto s = AddBackgroundIdf(options, *analyzer, &idf); !s.ok()) return s;
  timings.load_s = lap();
  std::vector<ClaimUnits> per_doc(docs.size());
  AnalyzeAll(
      docs, story_of, presegmented, segment, options, *analyzer,
      [&] { timings.segment_s = lap(); },
      [&](uint32_t d, ClaimUnits units) { per_doc[d] = std::move(units); });
  ClaimUnits all = ConcatUnits(per_doc);
  timings.units_s = lap();
  return FinishClaims(docs, story_of, options, std::move(all), *analyzer,
                      std::move(idf), /*idf_complete=*/false, incremental,
                      timings, /*sharing=*/nullptr);
}

absl::StatusOr<ClaimsResult> FindClaimsFromUnits(
    std::span<const Document> docs, std::span<const uint32_t> story_of,
    const ClaimOptions& options, ClaimUnits units, IdfTable idf,
    bool idf_counts_units, const ClaimScoreSharing* sharing) {
  if (auto s = ValidateClaimOptions(options); !s.ok()) return s;
  if (sharing != nullptr && (sharing->num_shares < 1 || !sharing->score)) {
    return absl::InvalidArgumentError(
        "claims: a score sharing without shares or without a scorer");
  }
  if (units.stems.size() != units.units.size() ||
      units.keys.size() != units.units.size()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "claims: %d units with %d stem lists and %d keys", units.units.size(),
        units.stems.size(), units.keys.size()));
  }
  for (const ClaimUnit& u : units.units) {
    if (u.doc >= docs.size() || u.span.end > docs[u.doc].text.size()) {
      return absl::InvalidArgumentError(
          "claims: a unit outside its document's text");
    }
  }
  absl::StatusOr<TermAnalyzer> analyzer =
      TermAnalyzer::Create(TermAnalyzerOptions{options.language});
  if (!analyzer.ok()) return analyzer.status();
  return FinishClaims(docs, story_of, options, std::move(units), *analyzer,
                      std::move(idf), idf_counts_units, nullptr,
                      ClaimsResult::Timings{}, sharing);
}

}  // namespace refrain

#include "refrain/claims.h"

#include <omp.h>

#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "hash.h"
#include "refrain/cluster.h"
#include "refrain/lsh.h"
#include "refrain/minhash.h"
#include "refrain/normalize.h"
#include "refrain/shingle.h"

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
  for (const Token& t : tokens) {
    hashes.push_back(
        TokenHash(std::string_view(n).substr(t.begin, t.end - t.begin)));
  }
  return internal::HashBytes(hashes.data(), hashes.size() * sizeof(uint64_t),
                             internal::kShingleSeed);
}

// Candidate shingles of a unit: its stems and, optionally, stem bigrams,
// leaving out stems found in more units than the frequent-stem cap ("said",
// "year", "government" in a news dump). Two units that share only such stems
// are not a claim repeated, and keeping them would make most of the dump
// candidates of each other. A unit left with fewer than three shingles keeps
// its three rarest stems instead.
std::vector<uint64_t> UnitShingles(const UnitTerms& t, bool bigrams,
                                   const IdfTable& idf, double min_idf) {
  std::vector<uint64_t> out;
  out.reserve(t.stems.size() * 2);
  uint64_t prev = 0;
  bool prev_kept = false;
  for (size_t i = 0; i < t.stems.size(); ++i) {
    const bool keep = idf.Idf(t.stems[i]) >= min_idf;
    uint64_t h = TokenHash(t.stems[i]);
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
    for (const std::string& stem : t.stems) {
      by_rarity.emplace_back(-idf.Idf(stem), TokenHash(stem));
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

// Candidate sketches of units: the classic MinHash of UnitShingles, units x
// num_perm slots. Stems in more units than the frequent-stem cap are left
// out of the shingles.
std::vector<uint32_t> SignUnits(std::span<const UnitTerms> terms,
                                const ClaimOptions& options,
                                const IdfTable& idf) {
  // idf(t) = ln((N + 1) / (df + 1)) + 1, so df <= cap <=> idf >= this.
  const double cap = std::max<double>(
      options.frequent_stem_min_units,
      options.frequent_stem_fraction * static_cast<double>(idf.units()));
  const double min_idf =
      std::log((static_cast<double>(idf.units()) + 1) / (cap + 1)) + 1;
  // Units are small sets (about 20 shingles): the classic k-hash MinHash
  // costs k multiply-adds per shingle, while one-permutation hashing would
  // spend most of its time densifying ~k empty bins.
  MinHashOptions mo;
  mo.algorithm = MinHashAlgorithm::kClassic;
  mo.num_perm = options.num_perm;
  mo.seed = options.seed;
  const MinHasher hasher(mo);
  const int64_t num_units = static_cast<int64_t>(terms.size());
  std::vector<uint32_t> sigs(terms.size() * options.num_perm);
#pragma omp parallel for schedule(dynamic, 64)
  for (int64_t u = 0; u < num_units; ++u) {
    hasher.Sign(UnitShingles(terms[u], options.bigrams, idf, min_idf),
                std::span<uint32_t>(sigs).subspan(u * options.num_perm,
                                                  options.num_perm));
  }
  return sigs;
}

// scan --index: completes `idf` (the index's counts, then the units of the
// documents it does not count yet), signs every unit into `sigs`, and fills
// the outputs of `inc`.
absl::Status SketchForIndex(std::span<const ClaimUnit> units,
                            const std::vector<UnitTerms>& terms,
                            const ClaimOptions& options, IdfTable* idf,
                            ClaimsIncremental* inc,
                            std::vector<uint32_t>* sigs) {
  inc->unit_stems.assign(units.size(), {});
  std::vector<std::string> all;
  for (size_t u = 0; u < units.size(); ++u) {
    std::vector<std::string>& st = inc->unit_stems[u];
    st.assign(terms[u].stems.begin(), terms[u].stems.end());
    std::sort(st.begin(), st.end());
    st.erase(std::unique(st.begin(), st.end()), st.end());
    all.insert(all.end(), st.begin(), st.end());
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  if (inc->base_idf) {
    absl::StatusOr<IdfTable> base = inc->base_idf(all);
    if (!base.ok()) return base.status();
    idf->Merge(*base);
  }
  for (size_t u = 0; u < units.size(); ++u) {
    if (inc->counts_in_idf[units[u].doc]) idf->Add(terms[u]);
  }
  *sigs = SignUnits(terms, options, *idf);
  const LshParams p = ClaimLshParams(options);
  inc->unit_band_keys.resize(units.size() * p.bands);
  for (size_t u = 0; u < units.size(); ++u) {
    std::span<const uint32_t> sig = std::span<const uint32_t>(*sigs).subspan(
        u * options.num_perm, options.num_perm);
    for (uint32_t b = 0; b < p.bands; ++b)
      inc->unit_band_keys[u * p.bands + b] = BandKey(sig, p, b);
  }
  return absl::OkStatus();
}

bool Contains(Span outer, Span inner) {
  return outer.begin <= inner.begin && inner.end <= outer.end;
}

}  // namespace

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

absl::Status ValidateClaimOptions(const ClaimOptions& o) {
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
  if (!(o.min_cosine >= 0 && o.min_cosine < 1)) {
    return absl::InvalidArgumentError("--claim-min-cosine must be in [0, 1)");
  }
  if (!(o.threshold >= 0 && o.threshold <= 1)) {
    return absl::InvalidArgumentError("--claim-threshold must be in [0, 1]");
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
  if (!s.paragraphs.empty() && !doc.title.empty() &&
      text.substr(s.paragraphs[0].begin, s.paragraphs[0].size()) == doc.title) {
    headline = s.paragraphs[0];
  }
  auto in_excluded = [&](Span sp) {
    for (const Span& e : excluded) {
      if (Contains(e, sp)) return true;
    }
    return false;
  };
  std::vector<std::pair<ClaimUnit, UnitTerms>> units;
  auto consider = [&](UnitKind kind, Span sp) -> const UnitTerms* {
    if (in_excluded(sp)) {
      ++out.boilerplate_units;
      return nullptr;
    }
    UnitTerms t = analyzer.Analyze(text.substr(sp.begin, sp.size()));
    if (t.stems.size() < options.min_content_words) {
      ++out.short_units;
      return nullptr;
    }
    units.emplace_back(ClaimUnit{d, kind, sp}, std::move(t));
    return &units.back().second;
  };
  if (!headline.empty()) consider(UnitKind::kHeadline, headline);
  std::vector<std::pair<Span, size_t>> sentence_sizes;  // for quote de-dup
  for (const Span& sp : s.sentences) {
    if (!headline.empty() && Contains(headline, sp)) continue;
    const UnitTerms* t = consider(UnitKind::kSentence, sp);
    sentence_sizes.emplace_back(sp, t ? t->stems.size() : 0);
  }
  for (const Span& q : s.quotes) {
    UnitTerms t = analyzer.Analyze(text.substr(q.begin, q.size()));
    // A quote that is nearly its whole sentence adds nothing to it.
    bool redundant = false;
    for (const auto& [sp, size] : sentence_sizes) {
      if (Contains(sp, q) && size > 0 && t.stems.size() * 10 >= size * 8)
        redundant = true;
    }
    if (!redundant) consider(UnitKind::kQuote, q);
  }
  std::stable_sort(units.begin(), units.end(),
                   [](const auto& x, const auto& y) {
                     return x.first.span.begin != y.first.span.begin
                                ? x.first.span.begin < y.first.span.begin
                                : x.first.kind < y.first.kind;
                   });
  for (auto& [u, t] : units) {
    out.units.push_back(u);
    out.terms.push_back(std::move(t));
  }
  return out;
}

ClaimUnits ConcatUnits(std::vector<ClaimUnits>& parts) {
  ClaimUnits all;
  for (ClaimUnits& u : parts) {
    all.short_units += u.short_units;
    all.boilerplate_units += u.boilerplate_units;
    for (size_t i = 0; i < u.units.size(); ++i) {
      all.units.push_back(u.units[i]);
      all.terms.push_back(std::move(u.terms[i]));
    }
    u = ClaimUnits{};
  }
  return all;
}

std::vector<uint32_t> SignClaimUnits(std::span<const UnitTerms> terms,
                                     const ClaimOptions& options,
                                     const IdfTable& idf) {
  return SignUnits(terms, options, idf);
}

namespace {

// Steps 5 on of FindClaims (see claims.h). `idf_complete`: `idf` already
// counts every unit (else they are added here, unless `incremental` keeps
// the counts).
absl::StatusOr<ClaimsResult> FinishClaims(
    std::span<const Document> docs, std::span<const uint32_t> story_of,
    const ClaimOptions& options, ClaimUnits all, IdfTable idf,
    std::vector<uint32_t> sigs, bool idf_complete,
    ClaimsIncremental* incremental, ClaimsResult::Timings timings) {
  Lap lap;
  ClaimsResult result;
  result.timings = timings;
  absl::StatusOr<ClaimScorer> scorer =
      ClaimScorer::Create(ClaimScorerOptions{options.wordnet_dir});
  if (!scorer.ok()) return scorer.status();
  result.timings.load_s += lap();
  result.threshold = options.threshold > 0 ? options.threshold
                                           : ClaimScorer::DefaultThreshold();
  auto story = [&](uint32_t d) { return story_of.empty() ? d : story_of[d]; };

  result.units = std::move(all.units);
  std::vector<UnitTerms> terms = std::move(all.terms);
  result.short_units = all.short_units;
  result.boilerplate_units = all.boilerplate_units;
  std::vector<uint32_t> doc_first_unit(docs.size() + 1, 0);
  for (const ClaimUnit& u : result.units) ++doc_first_unit[u.doc + 1];
  for (size_t d = 0; d < docs.size(); ++d) {
    doc_first_unit[d + 1] += doc_first_unit[d];
  }
  const uint32_t num_units = static_cast<uint32_t>(result.units.size());
  if (incremental != nullptr) {
    absl::Status st =
        SketchForIndex(result.units, terms, options, &idf, incremental, &sigs);
    if (!st.ok()) return st;
    if (incremental->sketch_only) return result;
  }
  if (num_units < 2) return result;

  // ---- IDF from the dump's units; the units x terms matrix. ----
  if (incremental == nullptr && !idf_complete) {
    for (const UnitTerms& t : terms) idf.Add(t);
  }
  // Term ids in order of first use; each term's IDF looked up once. The
  // keys view the stems in `terms`, which outlive the map.
  absl::flat_hash_map<std::string_view, int64_t> term_id;
  std::vector<double> term_idf;
  std::vector<Eigen::Triplet<double, int64_t>> triplets;
  std::vector<std::pair<int64_t, double>> tf;
  for (uint32_t u = 0; u < num_units; ++u) {
    tf.clear();
    for (const std::string& s : terms[u].stems) {
      auto [it, inserted] =
          term_id.try_emplace(s, static_cast<int64_t>(term_id.size()));
      if (inserted) term_idf.push_back(idf.Idf(s));
      tf.emplace_back(it->second, term_idf[it->second]);
    }
    // Repeated terms add up: sort by id and merge runs.
    std::sort(tf.begin(), tf.end());
    size_t w = 0;
    for (size_t i = 0; i < tf.size(); ++i) {
      if (w > 0 && tf[w - 1].first == tf[i].first) {
        tf[w - 1].second += tf[i].second;
      } else {
        tf[w++] = tf[i];
      }
    }
    tf.resize(w);
    double norm = 0;
    for (const auto& [t, wt] : tf) norm += wt * wt;
    norm = std::sqrt(norm);
    for (const auto& [t, wt] : tf) triplets.emplace_back(u, t, wt / norm);
  }
  using RowMatrix = Eigen::SparseMatrix<double, Eigen::RowMajor, int64_t>;
  RowMatrix x(num_units, static_cast<int64_t>(term_id.size()));
  x.setFromTriplets(triplets.begin(), triplets.end());
  x.makeCompressed();
  std::vector<Eigen::Triplet<double, int64_t>>().swap(triplets);

  result.timings.matrix_s = lap();

  // ---- Candidates: MinHash + LSH over stem shingles. ----
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  if (options.all_pairs) {
    for (uint32_t a = 0; a < num_units; ++a) {
      for (uint32_t b = a + 1; b < num_units; ++b) pairs.emplace_back(a, b);
    }
  } else {
    if (sigs.empty()) sigs = SignUnits(terms, options, idf);
    LshIndex index(ClaimLshParams(options), options.num_perm);
    index.Add(sigs);
    index.Build();
    std::vector<uint32_t>().swap(sigs);
    pairs = index.CandidatePairs(options.max_bucket);
  }
  std::vector<std::pair<uint32_t, uint32_t>> candidates;
  for (auto [a, b] : pairs) {
    const uint32_t da = result.units[a].doc, db = result.units[b].doc;
    if (da == db && !options.same_document) continue;
    if (da != db && story(da) == story(db) && !options.within_duplicates)
      continue;
    if (incremental != nullptr && !incremental->is_new[da] &&
        !incremental->is_new[db]) {
      continue;
    }
    candidates.emplace_back(a, b);
  }
  result.candidate_pairs = candidates.size();
  result.timings.candidates_s = lap();

  // ---- Cosine as one Eigen sparse product per document, then the scorer. --
  // For document A, the product (A's units x terms) * (partner units x
  // terms)^T gives every candidate's cosine at once. Columns are restricted
  // to A's own terms, renumbered locally: other terms add nothing to a dot
  // product with A, and the product then costs O(nonzeros), not O(terms in
  // the dump). Candidates are sorted by (a, b) and units by document, so
  // each document's candidates are contiguous.
  std::vector<size_t> group_starts;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (i == 0 || result.units[candidates[i].first].doc !=
                      result.units[candidates[i - 1].first].doc) {
      group_starts.push_back(i);
    }
  }
  group_starts.push_back(candidates.size());
  std::vector<ClaimMatch> found(candidates.size());
  std::vector<char> is_match(candidates.size(), 0);
  std::vector<char> was_scored(candidates.size(), 0);
  const int64_t groups = static_cast<int64_t>(group_starts.size()) - 1;
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t g = 0; g < groups; ++g) {
    const size_t begin = group_starts[g], end = group_starts[g + 1];
    const uint32_t da = result.units[candidates[begin].first].doc;
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
    thread_local std::vector<Eigen::Triplet<double, int64_t>> ta, tb;
    ta.clear();
    tb.clear();
    for (int64_t r = a0; r < a0 + na; ++r) {
      for (RowMatrix::InnerIterator it(x, r); it; ++it) {
        int32_t& t = local_term[it.col()];
        if (t < 0) {
          t = static_cast<int32_t>(terms_seen.size());
          terms_seen.push_back(it.col());
        }
        ta.emplace_back(r - a0, t, it.value());
      }
    }
    for (size_t i = begin; i < end; ++i) {
      const uint32_t b = candidates[i].second;
      if (local_row[b] >= 0) continue;
      const int32_t row = static_cast<int32_t>(rows_seen.size());
      local_row[b] = row;
      rows_seen.push_back(b);
      for (RowMatrix::InnerIterator it(x, b); it; ++it) {
        if (const int32_t t = local_term[it.col()]; t >= 0) {
          tb.emplace_back(row, t, it.value());
        }
      }
    }
    const auto nt = static_cast<int64_t>(terms_seen.size());
    RowMatrix xa(na, nt), xb(static_cast<int64_t>(rows_seen.size()), nt);
    xa.setFromTriplets(ta.begin(), ta.end());
    xb.setFromTriplets(tb.begin(), tb.end());
    const Eigen::MatrixXd cos = Eigen::MatrixXd(xa * RowMatrix(xb.transpose()));
    for (size_t i = begin; i < end; ++i) {
      auto [a, b] = candidates[i];
      const double c = cos(a - a0, local_row[b]);
      if (c < options.min_cosine) continue;
      was_scored[i] = 1;
      const double score = scorer->Score(terms[a], terms[b], idf);
      if (score >= result.threshold) {
        found[i] = ClaimMatch{a, b, score, c};
        is_match[i] = 1;
      }
    }
    for (int64_t t : terms_seen) local_term[t] = -1;
    for (uint32_t b : rows_seen) local_row[b] = -1;
  }
  for (size_t i = 0; i < candidates.size(); ++i) {
    result.scored_pairs += was_scored[i];
    if (is_match[i]) result.matches.push_back(found[i]);
  }
  std::sort(result.matches.begin(), result.matches.end(),
            [](const ClaimMatch& p, const ClaimMatch& q) {
              return p.a != q.a ? p.a < q.a : p.b < q.b;
            });

  result.timings.score_s = lap();

  // ---- Clusters over matches. ----
  std::vector<Edge> edges;
  for (const ClaimMatch& m : result.matches)
    edges.push_back(Edge{m.a, m.b, m.score});
  for (Cluster& c : ConnectedComponents(num_units, edges)) {
    ClaimCluster cc;
    cc.units = std::move(c.members);
    for (uint32_t u : cc.units) cc.docs.push_back(result.units[u].doc);
    std::sort(cc.docs.begin(), cc.docs.end());
    cc.docs.erase(std::unique(cc.docs.begin(), cc.docs.end()), cc.docs.end());
    cc.min_score = c.min_similarity;
    cc.mean_score = c.mean_similarity;
    result.clusters.push_back(std::move(cc));
  }
  result.timings.cluster_s = lap();
  return result;
}

}  // namespace

absl::StatusOr<ClaimsResult> FindClaims(std::span<const Document> docs,
                                        std::span<const uint32_t> story_of,
                                        const SegmentOptions& segment,
                                        const ClaimOptions& options,
                                        ClaimsIncremental* incremental) {
  if (auto s = ValidateClaimOptions(options); !s.ok()) return s;
  Lap lap;
  ClaimsResult::Timings timings;
  absl::StatusOr<TermAnalyzer> analyzer =
      TermAnalyzer::Create(TermAnalyzerOptions{options.language});
  if (!analyzer.ok()) return analyzer.status();
  IdfTable idf;
  if (!options.background_idf.empty()) {
    absl::StatusOr<IdfTable> bg =
        IdfTable::FromFile(options.background_idf, *analyzer);
    if (!bg.ok()) return bg.status();
    idf.Merge(*bg);
  }
  timings.load_s = lap();
  const int64_t n = static_cast<int64_t>(docs.size());
  auto story = [&](uint32_t d) { return story_of.empty() ? d : story_of[d]; };

  // ---- Segment; key every line for boilerplate detection. ----
  std::vector<ClaimSegments> segs(docs.size());
#pragma omp parallel for schedule(dynamic, 4)
  for (int64_t d = 0; d < n; ++d) segs[d] = SegmentForClaims(docs[d], segment);
  std::vector<std::pair<uint64_t, uint32_t>> key_story;
  for (uint32_t d = 0; d < docs.size(); ++d) {
    for (uint64_t k : segs[d].paragraph_keys)
      key_story.emplace_back(k, story(d));
  }
  const absl::flat_hash_set<uint64_t> boilerplate =
      BoilerplateKeys(std::move(key_story), options);
  timings.segment_s = lap();

  // ---- Units and their terms. ----
  std::vector<ClaimUnits> per_doc(docs.size());
#pragma omp parallel for schedule(dynamic, 4)
  for (int64_t d = 0; d < n; ++d) {
    per_doc[d] = AnalyzeDocumentUnits(docs[d], static_cast<uint32_t>(d),
                                      segs[d], boilerplate, *analyzer, options);
  }
  std::vector<ClaimSegments>().swap(segs);
  ClaimUnits all = ConcatUnits(per_doc);
  timings.units_s = lap();
  return FinishClaims(docs, story_of, options, std::move(all), std::move(idf),
                      {}, /*idf_complete=*/false, incremental, timings);
}

absl::StatusOr<ClaimsResult> FindClaimsFromUnits(
    std::span<const Document> docs, std::span<const uint32_t> story_of,
    const ClaimOptions& options, ClaimUnits units, IdfTable idf,
    std::vector<uint32_t> signatures) {
  if (auto s = ValidateClaimOptions(options); !s.ok()) return s;
  return FinishClaims(docs, story_of, options, std::move(units), std::move(idf),
                      std::move(signatures),
                      /*idf_complete=*/true, nullptr, ClaimsResult::Timings{});
}

}  // namespace refrain

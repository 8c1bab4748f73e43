// Claims that recur: sentences, quoted passages and headlines that restate
// the same claim across articles, in the same or in other words.
//
// Stages (FindClaims):
//   1. units      headline (the first line equal to the document's title),
//                 ICU sentences and quoted passages of every
//                 document, as spans of the original text; units with fewer
//                 than min_content_words content words, and units inside
//                 boilerplate lines (a line recurring verbatim in at least
//                 boilerplate_min_stories stories, where near-duplicate copies
//                 of one story count once), are not claims, nor (in
//                 English) quote lead-ins and lists of names;
//   2. terms      TermAnalyzer: stop words out, Snowball stems;
//   3. candidates MinHash over stem unigrams (+ bigrams) and LSH tuned to a
//                 low Jaccard threshold, so paraphrases become candidates
//                 without comparing all pairs; and short units contained in
//                 long ones, by prefix filtering on their rarest stems;
//   4. cosine     IDF-weighted cosine of every candidate pair, computed per
//                 pair of documents as one Eigen sparse product
//                 (units of A x terms) * (units of B x terms)^T; pairs under
//                 min_cosine are dropped;
//   5. score      ClaimScorer (learned combination, see docs/quality.md) on
//                 the rest; pairs at or above the threshold (and, with a
//                 headline on either side, headline_threshold) are matches;
//   6. clusters   connected components over matches.
#ifndef REFRAIN_CLAIMS_H_
#define REFRAIN_CLAIMS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "refrain/claim_score.h"
#include "refrain/cluster.h"
#include "refrain/document.h"
#include "refrain/lsh.h"
#include "refrain/segment.h"

namespace refrain {

struct ClaimOptions {
  // Run the claims stage at all. Default true.
  bool enabled = true;
  // Units with fewer content words (after stop-word removal) carry no claim.
  // Default 5; range 1..100.
  uint32_t min_content_words = 5;
  // A line (paragraph) that recurs verbatim, after normalization, in at least
  // this many stories is boilerplate ("More Stories", "Check out our other
  // content", copyright lines). Copies inside one near-duplicate cluster
  // count as one story, so syndicated text is not boilerplate. Default 5;
  // range >= 2.
  uint32_t boilerplate_min_stories = 5;
  // Snowball language for stemming and stop words. Default "english".
  std::string language = "english";
  // Add stem bigrams to the candidate shingles. Default true.
  bool bigrams = true;
  // Stems in more distinct unit texts than max(frequent_stem_min_units,
  // frequent_stem_fraction x texts) are left out of the candidate shingles
  // (not out of the scoring): pairs sharing only such stems are not
  // candidates. Copies of a text count once (FirstOfEachText). Defaults 100
  // and 0.002; ranges >= 1 and (0, 1].
  uint32_t frequent_stem_min_units = 100;
  double frequent_stem_fraction = 0.002;
  // MinHash slots the candidate LSH's bands x rows are chosen within (only
  // the slots the bands read are computed). Default 128; range 8..1024.
  uint32_t num_perm = 128;
  // Jaccard similarity (of unit shingles) the candidate LSH is tuned for:
  // low, for recall of paraphrases. Default 0.2; range (0, 1).
  double lsh_threshold = 0.2;
  // Also candidates: a unit of at least kContainedMinWords distinct stems
  // whose stems are at least this share of a longer unit's (it holding at
  // most kContainedMaxRatio of them), as a short claim restated inside a
  // long sentence. Their Jaccard is low however much is contained, so the
  // LSH above finds such pairs only by luck; these are found exactly, by
  // prefix filtering on the rarest stems (frequent ones, as above, are not
  // looked up, nor lists longer than max_bucket). A recall setting, off by
  // default for its cost: 0.8 on BBC adds 60 matches to 2,482 for +0.02 s
  // (claims stage 0.20 s), on gen-10000 845 to 25,653 for +0.47 s (claims
  // stage 1.29 s), the posting lists of generated text's mid-frequency
  // words being long (docs/quality.md). With scan --index, only among the
  // new documents and the indexed ones their units' LSH buckets load.
  // 0 (default): off; else in [0.5, 1].
  double min_containment = 0;
  // An LSH bucket with more units than this pairs them with its first unit
  // only. Default 500; range >= 2.
  uint32_t max_bucket = 500;
  // The claims stage fails (ResourceExhausted, naming the remedies) rather
  // than build more candidate pairs than this, counted with repeats across
  // LSH bands (LshIndex::CandidatePairBound): a dump where most sentences
  // recur many times would otherwise fill memory (8 bytes each while they
  // are sorted) and run for hours. 0: no limit. Default 400 million (about
  // 3.2 GB at the peak).
  uint64_t max_candidate_pairs = 400'000'000;
  // The claims stage fails (ResourceExhausted, naming the remedies) before
  // any work when its estimated peak memory, EstimateClaimMemory() of the
  // documents' text bytes, exceeds this many bytes: a dump too large for
  // the machine gets its document-level results (scan) instead of being
  // killed for lack of memory part way. 0 (default): no check; `refrain
  // scan` sets it to the memory available when it starts
  // (--claim-max-memory).
  uint64_t max_memory_bytes = 0;
  // Candidates whose IDF-weighted cosine is below this are not scored.
  // Default 0.35 (docs/quality.md, "The cosine gate": on BBC the matches
  // between 0.3 and 0.35 were one in eight the same claim); range [0, 1).
  double min_cosine = 0.35;
  // Score at or above which a pair restates the same claim. 0 (default):
  // ClaimScorer::DefaultThreshold(), chosen on MSRP train. Range [0, 1].
  double threshold = 0.0;
  // A match with a headline on either side also needs this score. A
  // headline is a few content words, mostly names, so a sentence on the same
  // subject that states something else ("Profits jump at China's top bank" /
  // "Millions go missing at China bank") scores like a paraphrase: of 60
  // hand-labelled BBC headline matches, 14 were the same claim, and 6 of
  // the 10 at 0.9 or above (docs/quality.md). MSRP has no headlines, so
  // eval-pairs does not see this. Default 0.9; 0: headlines are held to
  // `threshold` alone. Range [0, 1].
  double headline_threshold = 0.9;
  // A match between two stories that share little, their
  // story_similarity (ClaimMatch) under min_story_similarity, also needs
  // unrelated_threshold: such pairs are mostly one template said of
  // different things ("half lives below the poverty line" of Colombia and
  // of Georgia; two tennis scores), a speaker's name, or a stock phrase
  // (docs/quality.md, "Unrelated stories"). 0: off. Range [0, 1] both;
  // defaults 0.2 and 0.9.
  double min_story_similarity = 0.2;
  double unrelated_threshold = 0.9;
  // A match whose two passages (English) share fewer distinct content
  // stems than this outside their attributions (who said it: "..., said
  // Ian Fogg, analyst at Jupiter Research"; AttributionSpans in
  // claims_internal.h) also needs unrelated_threshold: the same speaker
  // saying two things is no restated claim (docs/quality.md,
  // "Attribution"). 0: off. Default 2.
  uint32_t min_shared_outside_attribution = 2;
  // Also report matches between two units of one article. Default false.
  bool same_document = false;
  // Also report matches between two documents of one near-duplicate
  // cluster (their shared sentences are copies, not recurring claims).
  // Default false.
  bool within_duplicates = false;
  // A unit repeated word for word (same terms) by near-duplicate copies of
  // one story is scored once, through its first occurrence. false
  // (default): each of its matches is listed for every copy, as if each
  // were scored on its own (a claim of a story in 10 outlets restated by 3
  // other articles: 30 matches). true: listed once, for the first
  // occurrence (3 matches); the copies join its claim cluster. A cluster's
  // mean score is then over the listed matches. With scan --index the
  // first occurrence may be indexed: new copies of an indexed story add no
  // match of their own, as in one scan of all the dumps.
  bool collapse_copies = false;
  // Also list a match whose two passages lie inside those of another
  // match between the same two articles (a quote matched, and the
  // sentence holding it matched too). false (default): of two such
  // matches only the higher-scoring one is listed (on a tie, the outer
  // one): the other says the same claim recurs, over the same words.
  bool keep_nested = false;
  // Optional background corpus for IDF (see IdfTable::FromFile). Default "".
  std::string background_idf;
  // WordNet directory for the scorer; "" scores without WordNet.
  std::string wordnet_dir = "/usr/share/wordnet";
  // Score every pair of units instead of LSH candidates: exhaustive and
  // quadratic, for explaining a handful of documents (`refrain compare`).
  // Default false.
  bool all_pairs = false;
  // Seed of the unit MinHash. Default 1.
  uint64_t seed = 1;
};

absl::Status ValidateClaimOptions(const ClaimOptions& options);

// The sentence rules (SegmentOptions::locale) that suit claims in
// `language` (as ClaimOptions::language takes it): "fr@ss=standard" for
// "french", "fr" or "fra", so that the language's own abbreviations ("M."
// before a name in French) end no sentence; "en@ss=standard" for English
// and for names libstemmer does not have. The CLI applies it unless
// --locale is given.
std::string SentenceLocaleOf(std::string_view language);

// The score threshold in effect: options.threshold, or when 0
// ClaimScorer::DefaultThreshold().
double EffectiveClaimThreshold(const ClaimOptions& options);

// The peak memory of a scan with claims over documents holding `text_bytes`
// bytes of text, as the ClaimOptions::max_memory_bytes check estimates it:
// 100 MB plus 14 bytes per byte of text. Measured whole-scan peaks, past
// the 100 MB: up to 10.5 bytes per byte (BBC, BBC in 10 outlets,
// gen-10000, gen-100000; docs/robustness.md), so the estimate errs high.
uint64_t EstimateClaimMemory(uint64_t text_bytes);
// OK, or ResourceExhausted with the estimate, the limit and the remedies
// when EstimateClaimMemory() of the documents' text exceeds
// options.max_memory_bytes (0: never). `indexed`: the scan adds to or
// reads an index, which needs claims on (no --no-claims among the
// remedies).
absl::Status CheckClaimMemory(std::span<const Document> docs,
                              const ClaimOptions& options,
                              bool indexed = false);

enum class UnitKind { kHeadline, kSentence, kQuote };
const char* UnitKindName(UnitKind k);  // "headline", "sentence", "quote"

struct ClaimUnit {
  uint32_t doc = 0;  // Index into the documents given to FindClaims.
  UnitKind kind = UnitKind::kSentence;
  Span span;  // Into the document's original text.
};

struct ClaimMatch {
  uint32_t a = 0;  // Unit indexes, a < b.
  uint32_t b = 0;
  double score = 0;   // ClaimScorer score.
  double cosine = 0;  // IDF-weighted cosine of the stems.
  // Cosine of the two documents' content-word stems (all their claim
  // units, each stem weighted (1 + ln count) x IDF): how much the two
  // stories share beyond this claim. 1 within one document.
  double story_similarity = 0;
  // NumbersDiffer of the two units' terms: each states a number the other
  // does not ("£7.1bn" / "£7.2bn").
  bool numbers_differ = false;
  // Why the two may state opposite things (ClaimScorer::Contrasts: a
  // negation on one side, antonyms, swapped roles): an index into
  // ClaimsResult::contrasts, or kNoContrast (most matches).
  static constexpr uint32_t kNoContrast = UINT32_MAX;
  uint32_t contrast = kNoContrast;
};

struct ClaimCluster {
  std::vector<uint32_t> units;  // Ascending.
  std::vector<uint32_t> docs;   // Distinct documents, ascending.
  double min_score = 0;         // Weakest match inside the cluster.
  double mean_score = 0;
  // The cluster as the claims its matches chain together (StarGroups over
  // its matches): in each group every unit matches the center, or matched
  // only units of that group. One group when every unit matches one
  // center. Copies added by collapse_copies stand in their first
  // occurrence's group. Unit indexes, like `units`.
  std::vector<StarGroup> groups;
};

// Sentences and quotes left out of the claim units, by reason.
struct ExcludedUnits {
  uint64_t too_short = 0;    // Fewer content words than min_content_words.
  uint64_t boilerplate = 0;  // Inside boilerplate lines.
  // Sentences that only introduce a quote ("..., spokesman Mark Oaten
  // said:"), with English speech verbs (--language english).
  uint64_t lead_ins = 0;
  // Sentences and quotes that list names and state nothing (line-ups,
  // squads: "Cech, Ferreira, Carvalho, Terry, ..."; English).
  uint64_t lists = 0;

  ExcludedUnits& operator+=(const ExcludedUnits& o) {
    too_short += o.too_short;
    boilerplate += o.boilerplate;
    lead_ins += o.lead_ins;
    lists += o.lists;
    return *this;
  }
  bool operator==(const ExcludedUnits&) const = default;
};

struct ClaimsResult {
  std::vector<ClaimUnit> units;        // Every claim unit, by (doc, position).
  std::vector<ClaimMatch> matches;     // Sorted by (a, b).
  // The contrasts of matches (ClaimMatch::contrast), each distinct one
  // once, its `a` side being a match's unit a.
  std::vector<ClaimScorer::Contrast> contrasts;
  // The contrast of `m`: an empty one (nothing set, !any()) if it has none.
  const ClaimScorer::Contrast& ContrastOf(const ClaimMatch& m) const {
    static const ClaimScorer::Contrast kNone;
    return m.contrast == ClaimMatch::kNoContrast ? kNone
                                                 : contrasts[m.contrast];
  }
  std::vector<ClaimCluster> clusters;  // By size desc, then first unit.
  double threshold = 0;                // Effective score threshold.
  // Matches with a headline on either side met this too
  // (ClaimOptions::headline_threshold).
  double headline_threshold = 0;
  // Matches at or above `threshold` left out for being under
  // headline_threshold.
  uint64_t headline_matches_dropped = 0;
  // ClaimOptions::min_story_similarity and unrelated_threshold, and the
  // matches at or above `threshold` left out for being under both.
  double min_story_similarity = 0;
  double unrelated_threshold = 0;
  uint64_t unrelated_matches_dropped = 0;
  // ClaimOptions::min_shared_outside_attribution (0 when off or not
  // English), and the matches at or above `threshold` (and not left out as
  // unrelated) left out for sharing fewer words outside their attributions.
  uint32_t min_shared_outside_attribution = 0;
  uint64_t attribution_matches_dropped = 0;
  // Matches left out for lying inside (or holding) a higher-scoring match
  // of the same two articles (ClaimOptions::keep_nested).
  uint64_t nested_matches_dropped = 0;
  ExcludedUnits excluded;  // Sentences and quotes that are not units.
  // Units whose terms equal an earlier unit's of the same story (copies of
  // syndicated text; compared by a 128-bit hash of all their terms): scored
  // once, through that unit, and matched wherever it is.
  uint64_t copy_units = 0;
  uint64_t candidate_pairs = 0;  // From LSH, between distinct units.
  uint64_t scored_pairs = 0;     // Past the cosine filter.
  // Wall seconds of each step (not part of report.json): loading the
  // stemmer and WordNet, segmentation and boilerplate keys, unit analysis,
  // IDF and the units x terms matrix, MinHash + LSH candidates, the cosine
  // gate, scoring the gated pairs, the filters on matches (story
  // similarity, attribution, headlines), clusters.
  struct Timings {
    double load_s = 0, segment_s = 0, units_s = 0, matrix_s = 0,
           candidates_s = 0, gate_s = 0, score_s = 0, filter_s = 0,
           cluster_s = 0;
  } timings;
};

// A 128-bit hash of all of a unit's terms (KeyOfTerms, below): units with
// equal keys are one text, repeated.
struct UnitTermsKey {
  uint64_t low = 0, high = 0;
  bool operator==(const UnitTermsKey&) const = default;
  template <typename H>
  friend H AbslHashValue(H h, const UnitTermsKey& k) {
    return H::combine(std::move(h), k.low, k.high);
  }
};

// What an incremental scan against a persistent index (scan --index,
// index.h) adds to FindClaims: IDF counts kept in the index, which documents
// are new, and, back, what the index stores for each unit.
struct ClaimsIncremental {
  // Per document of `docs`: non-zero if it is new (not loaded from the
  // index). Only candidate pairs with a unit of a new document are scored:
  // pairs of two indexed documents were scored when the later was added.
  std::vector<char> is_new;
  // Per document: non-zero if its units add to the IDF counts; zero when
  // base_idf already counts them (loaded from the index, or already indexed
  // under the same id).
  std::vector<char> counts_in_idf;
  // IDF counts of the units outside `docs`: units() and the document
  // frequency of each of the given stems (the distinct stems of all units,
  // sorted). Called once, on the calling thread, before any unit is
  // sketched. Null: none.
  std::function<absl::StatusOr<IdfTable>(std::span<const std::string> stems)>
      base_idf;
  // Per key (KeyOfTerms of a unit of a document that counts_in_idf): non-zero
  // if base_idf already counts that text, which is then not counted again.
  // Called once, after base_idf. Null: none.
  std::function<absl::StatusOr<std::vector<char>>(
      std::span<const UnitTermsKey> keys)>
      counted_texts;
  // Return once the units are sketched: no candidates, no scoring. Default
  // false.
  bool sketch_only = false;

  // Out, per unit of the result: its distinct stems, sorted, and its
  // ClaimLshParams(options).bands candidate band keys (flattened), computed
  // with the IDF counts above (frequent stems are left out of the sketch).
  std::vector<TermList> unit_stems;
  std::vector<uint64_t> unit_band_keys;
  std::vector<UnitTermsKey> unit_keys;  // KeyOfTerms of each unit's terms.
  // Out, with sketch_only: each unit's stems in text order
  // (UnitTerms::stems), and the IDF counts the sketches were made with.
  std::vector<TermList> unit_terms;
  IdfTable idf;
};

// The banding of the claim candidate LSH.
LshParams ClaimLshParams(const ClaimOptions& options);

struct ClaimSegments;

// Finds recurring claims among `docs`. `story_of[i]` names the story of
// document i (equal for near-duplicates; may be empty: every document its own
// story). Fails only on unusable options (stemmer language, WordNet dir,
// background file) or when incremental->base_idf fails. Deterministic;
// parallel inside.
//
// `presegmented` is empty or holds an entry per document: the segments
// SegmentForClaims(docs[i], segment) already made (moved from), or none
// (the document is segmented here). A scan makes them while it reads.
absl::StatusOr<ClaimsResult> FindClaims(
    std::span<const Document> docs, std::span<const uint32_t> story_of,
    const SegmentOptions& segment, const ClaimOptions& options,
    ClaimsIncremental* incremental = nullptr,
    std::span<std::optional<ClaimSegments>> presegmented = {});

// FindClaims in stages, for a caller that holds the documents in pieces (the
// MPI scan, scan_mpi.h: each rank derives the units of its own documents,
// then one rank finishes). Chained as below on all documents,
// they give exactly FindClaims' result.
//
// 1. Per document: its segmentation and a key per paragraph (its normalized
//    tokens) for boilerplate detection.
struct ClaimSegments {
  Segmentation segmentation;
  std::vector<uint64_t> paragraph_keys;
};
ClaimSegments SegmentForClaims(const Document& doc,
                               const SegmentOptions& segment);
// 2. Over all documents: the paragraph keys found in at least
//    options.boilerplate_min_stories stories, from every distinct
//    (key, story) pair.
absl::flat_hash_set<uint64_t> BoilerplateKeys(
    std::vector<std::pair<uint64_t, uint32_t>> key_story,
    const ClaimOptions& options);
// 3. Per document: its claim units (doc = `d`), each with its stems and a
//    128-bit hash of all its terms. The rest of a unit's terms (words,
//    numbers, every token and position: about 1 kB a unit, most of the
//    stage's memory at scale) is not kept: FindClaims derives it again from
//    the text of each unit that reaches the scorer (a third of the units
//    or fewer on BBC, gen-10000 and BBC in 10 outlets).
// XXH3-128 over all of `terms`: equal terms give equal keys, and two
// different terms the same key with a probability of about 2^-128. What
// tells a copy of a unit (ClaimsResult::copy_units) from another text.
UnitTermsKey KeyOfTerms(const UnitTerms& terms);
struct ClaimUnits {
  std::vector<ClaimUnit> units;    // By (doc, position).
  std::vector<TermList> stems;     // Parallel: each unit's UnitTerms::stems.
  std::vector<UnitTermsKey> keys;  // Parallel: KeyOfTerms of its terms.
  ExcludedUnits excluded;
};
ClaimUnits AnalyzeDocumentUnits(
    const Document& doc, uint32_t d, const ClaimSegments& segments,
    const absl::flat_hash_set<uint64_t>& boilerplate,
    const TermAnalyzer& analyzer, const ClaimOptions& options);
// The units of several documents (in order) as one list; empties `parts`.
ClaimUnits ConcatUnits(std::vector<ClaimUnits>& parts);
// Steps 1 to 3 over all `docs` (story_of as in FindClaims), without
// keeping their results: sink(d, units) gets the claim units of each
// document d as FindClaims finds them, called from several threads at once,
// documents in no particular order. Fails only on an unusable stemmer
// language. `refrain compare --in` counts the dump's IDF so, as a scan of
// the dump learns it, holding two documents' units only.
absl::Status ForEachClaimUnits(
    std::span<const Document> docs, std::span<const uint32_t> story_of,
    const SegmentOptions& segment, const ClaimOptions& options,
    const std::function<void(uint32_t, ClaimUnits)>& sink);
// 4. The IDF: the background file's counts (AddBackgroundIdf, if one is
//    set; IdfTable::FromFile), then IdfTable::AddStems of each distinct
//    text once: the units FirstOfEachText marks. A sentence syndicated in
//    100 copies is one text; counted 100 times, every stem of the story
//    would pass the frequent-stem cap and its restatements elsewhere would
//    not be candidates.
absl::Status AddBackgroundIdf(const ClaimOptions& options,
                              const TermAnalyzer& analyzer, IdfTable* idf);
// Per unit: 1 if no earlier unit has its key (KeyOfTerms), else 0.
std::vector<char> FirstOfEachText(std::span<const UnitTermsKey> keys);
// The candidate LSH band keys of units with these stems (units x
// lsh.bands, flattened), as a scan signs them with `idf` (stems over the
// frequent-stem cap left out; options: seed, bigrams, the cap); what the
// persistent index stores per unit.
std::vector<uint64_t> ClaimBandKeys(std::span<const TermList> stems,
                                    const ClaimOptions& options,
                                    const LshParams& lsh, const IdfTable& idf);
// 5. The rest of FindClaims over the units of all `docs` (in document
//    order). `idf` holds the background counts (step 4 adds the units'
//    here), or with `idf_counts_units` every count already. `docs` must hold
//    their texts: the terms of the units that reach the scorer are derived
//    again from them.
//
//    With `sharing`, the pairs past the cosine gate are scored by
//    sharing->score in sharing->num_shares shares (below) instead of here:
//    the MPI scan scores them on every rank. The result is the same.
struct ClaimScoreSharing;
absl::StatusOr<ClaimsResult> FindClaimsFromUnits(
    std::span<const Document> docs, std::span<const uint32_t> story_of,
    const ClaimOptions& options, ClaimUnits units, IdfTable idf,
    bool idf_counts_units, const ClaimScoreSharing* sharing = nullptr);

// The score step in shares. A share is self-contained: whoever holds it
// and the ClaimOptions scores it (ScoreClaimShare) without the dump, the
// IDF table or the other units. Scores depend on nothing else, so a pair
// scores the same bits in any share, process or rank.
struct ClaimScoreShare {
  // Per unit of the share: its text (what the scorer derives its terms
  // from, as the units step did), and the IDF and hash (TokenHash) of each
  // of its stems, in the order of its stems' occurrences:
  // stem_idf[stems_begin[u] .. stems_begin[u + 1]).
  std::vector<std::string> texts;
  std::vector<uint64_t> stems_begin;  // texts.size() + 1 offsets.
  std::vector<double> stem_idf;
  std::vector<uint64_t> stem_hash;
  uint64_t idf_units = 0;  // Distinct unit texts the IDF counts.
  // The pairs to score, as positions in `texts`.
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
};
struct ClaimShareScores {
  std::vector<double> score;         // Per pair of the share.
  std::vector<char> numbers_differ;  // Per pair: their numbers disagree.
  // (pair, its contrast) for each pair at or above the effective threshold
  // that has one, by pair.
  std::vector<std::pair<uint64_t, ClaimScorer::Contrast>> contrasts;
};
// Fails on unusable options (stemmer language, WordNet directory) or a
// share that does not hold together (pairs of units it does not hold).
absl::StatusOr<ClaimShareScores> ScoreClaimShare(const ClaimScoreShare& share,
                                                 const ClaimOptions& options);
struct ClaimScoreSharing {
  // How many shares the gated pairs are cut into: contiguous runs of
  // about equal counts, in pair order. At least 1.
  int num_shares = 1;
  // Called once, from one thread: share(s) builds share s (0 <=
  // s < num_shares; each is built when asked, so that only the shares in
  // flight take memory); returns the scores of every share, in share order.
  std::function<absl::StatusOr<std::vector<ClaimShareScores>>(
      const std::function<ClaimScoreShare(int)>& share)>
      score;
};

}  // namespace refrain

#endif  // REFRAIN_CLAIMS_H_

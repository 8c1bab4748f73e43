// Claim scoring: how likely two short texts (sentences, quotes, headlines)
// state the same claim, robust to paraphrase and to a quote embedded in a
// longer sentence.
//
// Three parts, used in this order:
//   TermAnalyzer  text -> UnitTerms (normalization, stop words, Snowball
//                 stemming, numbers, negation). Thread-safe.
//   IdfTable      inverse document frequencies learned from the units of the
//                 dump itself, optionally seeded from a background corpus.
//   ClaimScorer   (a, b, idf) -> score in [0, 1], compared with threshold().
//                 Thread-safe (const) after Create().
// `refrain scan`, `refrain compare` and `refrain eval-pairs` all use exactly
// this scoring, so the figures in docs/quality.md hold for the scan.
#ifndef REFRAIN_CLAIM_SCORE_H_
#define REFRAIN_CLAIM_SCORE_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace refrain {

// A list of short strings (stems, words, numbers) stored back to back: one
// block of characters and one of end offsets. A scan holds every content
// word of every claim unit twice over, and a std::vector<std::string> spends
// 32 bytes a string before its characters; this spends 4. Read-only access
// is by index or iteration, as std::string_view.
class TermList {
 public:
  TermList() = default;
  TermList(std::initializer_list<std::string_view> terms);
  explicit TermList(const std::vector<std::string>& terms);

  size_t size() const { return ends_.size(); }
  bool empty() const { return ends_.empty(); }
  std::string_view operator[](size_t i) const {
    const uint32_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(chars_.data() + begin, ends_[i] - begin);
  }
  void push_back(std::string_view term) {
    chars_.append(term);
    ends_.push_back(static_cast<uint32_t>(chars_.size()));
  }
  void clear() {
    chars_.clear();
    ends_.clear();
  }
  // The storage itself: every term's characters back to back, and where
  // each ends (ends()[i] is one past term i). Hashing these two blocks
  // identifies the list without walking it term by term.
  std::string_view chars() const { return chars_; }
  std::span<const uint32_t> ends() const { return ends_; }
  // Replaces the list with terms [first, last) of `other`.
  void AssignRange(const TermList& other, size_t first, size_t last);
  std::vector<std::string> ToStrings() const;

  class const_iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::string_view;
    const_iterator() = default;
    const_iterator(const TermList* list, size_t i) : list_(list), i_(i) {}
    std::string_view operator*() const { return (*list_)[i_]; }
    const_iterator& operator++() {
      ++i_;
      return *this;
    }
    const_iterator operator++(int) { return const_iterator(list_, i_++); }
    bool operator==(const const_iterator& o) const { return i_ == o.i_; }

   private:
    const TermList* list_ = nullptr;
    size_t i_ = 0;
  };
  using iterator = const_iterator;
  using value_type = std::string_view;
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, size()); }

  // The same terms in the same order (equal characters and boundaries).
  bool operator==(const TermList&) const = default;
  // Lexicographic by term, as for std::vector<std::string>.
  bool operator<(const TermList& o) const;

 private:
  std::string chars_;
  std::vector<uint32_t> ends_;  // ends_[i]: one past term i in chars_.
};

// A claim unit's text reduced to what carries its meaning.
struct UnitTerms {
  // Stems of the content words (stop words removed), in text order.
  TermList stems;
  // The normalized (case-folded, unstemmed) content words, parallel to
  // `stems`; used for lexical-knowledge look-ups (e.g. WordNet).
  TermList words;
  // Numeric tokens ("2,000" -> "2000"), in text order.
  TermList numbers;
  // Those of `numbers` that convert the amount before them into another
  // currency: in brackets opened right after a figure (or after the word
  // after it), each with its currency sign: "$11bn (£5.7bn)", "4bn euros
  // (£2.8bn; $4.8bn)". They restate that amount, so NumbersNotShared
  // does not count them missing from the other side (BBC gives most
  // amounts this way, and a restatement without the conversion was
  // flagged numbers_differ), while still finding them there.
  TermList conversions;
  // Those of `numbers` written as a year ("2003", "1990s"; not "2,003"):
  // NumbersDiffer compares years with years and counts with counts.
  TermList years;
  // English figures written in words, as values with the words before and
  // after them, lower-cased (empty after punctuation): "two hundred and
  // fifty jobs" -> "250  jobs", "finished second in" -> "2 finished in".
  // Only NumbersDiffer reads them (the model's features see the words).
  TermList spelled;
  // Every figure of `numbers` in its place, as `spelled`: "2000 killed
  // menschen". A year-like figure before the word another figure of the
  // other side comes before is a count, in any language: "tötete 2000
  // Menschen" / "tötete 450 Menschen" (English has CountsThings too).
  TermList figures;
  // True if the text contains a negation ("not", "no", "never", "n't", ...).
  bool negated = false;
  // What negates what, for ClaimScorer::Contrasts, per cue in text order:
  // the negation words of `negated` and, in English, verbs of denial
  // ("denied", "refused", "rejected"; not "denied by"), which `negated`
  // leaves out.
  struct Negation {
    uint32_t cue = 0;  // Its position in `tokens`.
    // One past the last token of its clause: the next , ; : . ! ? bracket,
    // quotation mark or dash between two tokens, or (English) a word that
    // opens a clause ("and", "but", "which", "if", ...), or the end.
    uint32_t end = 0;
    bool denial = false;  // A verb of denial.
    // A verb of denial before "to" ("failed to", "refused to"): it
    // negates the word after "to", as "did not" would.
    bool before_to = false;
    bool operator==(const Negation&) const = default;
  };
  std::vector<Negation> negations;
  // Hedges (English), per cue in text order, for ClaimScorer::Contrasts: a
  // word that makes its clause a possibility, a forecast, a plan or an
  // allegation rather than a statement of fact ("could", "reportedly",
  // "alleged", "expected to", "tipped to"; HedgeCueOf in stopwords.h).
  struct Hedge {
    uint32_t cue = 0;    // Its (first) word's position in `tokens`.
    uint32_t scope = 0;  // The first position after it, "to" included.
    // One past the last position it governs: the end of its clause (as
    // Negation::end) or scope + 3, whichever comes first; scope if weak.
    uint32_t end = 0;
    std::string text;    // As normalized: "could", "tipped to".
    // A weak cue (HedgeCue::kWeak, or a kBeforeTo cue not before "to"):
    // its side is no plain statement of fact, but it is not reported.
    bool weak = false;
    bool operator==(const Hedge&) const = default;
  };
  std::vector<Hedge> hedges;
  // Every word token, stop words included, as a stable 64-bit hash of its
  // normalized form (numbers canonical, possessive 's dropped), in text
  // order: the surface n-gram overlap features.
  std::vector<uint64_t> tokens;
  // Parallel to `stems`: the position of each content word in `tokens`.
  std::vector<uint32_t> stem_positions;
  // Parallel to `stems`: the word starts with an ASCII capital letter
  // somewhere in the original text (a name, a title, a sentence's first
  // word; words of other scripts never). ClaimScorer's shared-core path
  // leaves out runs of names and titles by it.
  std::vector<bool> capitalized;

  bool operator==(const UnitTerms&) const = default;
};

// How many of a's numbers are not among b's (first) and of b's not among
// a's (second); a side's conversions are not counted as its own figures.
std::pair<size_t, size_t> NumbersNotShared(const UnitTerms& a,
                                           const UnitTerms& b);
// Each side states a number the other does not: "rose by £7.1bn in
// December" / "rose by £7.2bn in January", "20" / "200". One side merely
// adding a number (a date) is not, nor a year on one side against a count
// on the other ("shortlisted for 10 Grammys" / "the 2003 charts": a year
// and a count say different things, not one thing differently; years are
// UnitTerms::years). Numbers are compared as values: "1.4m",
// "1.4 million" and "1,400,000" are one. A flag on claim matches: the same
// claim with other figures is what a fact-checker looks at first. (Two
// sides that agree on one figure and each add another are flagged too:
// leaving out pairs with a shared figure unflagged as many real
// differences on BBC, "Thanou, 30" / "Thanou, 29" beside a shared "31", as
// it cleared.)
bool NumbersDiffer(const UnitTerms& a, const UnitTerms& b);

// The Snowball name ("german") of a language named by any name libstemmer
// takes for it ("german", "de", "deu", "ger"), in any case and with or
// without a region ("German", "de-DE"); any other name unchanged.
// TermAnalyzer and the index know a language by this name, and reports
// give it, whatever name the options used.
std::string CanonicalLanguage(std::string_view language);

struct TermAnalyzerOptions {
  // Snowball stemmer and stop-word language: any name libstemmer takes
  // ("english", "french", "fr", "fra"), known from Create() on by its
  // Snowball name (CanonicalLanguage). Default "english".
  std::string language = "english";
  // Where Snowball's stop lists for the languages other than English are
  // (Debian's liblingua-stopwords-perl: one FR.pm, RU.pm, ... per
  // language). Default "/usr/share/perl5/Lingua/StopWords".
  std::string stop_words_dir = "/usr/share/perl5/Lingua/StopWords";
};

class StopWordList;  // stopwords.h (internal)

class TermAnalyzer {
 public:
  // Fails if the language has no Snowball stemmer, or if its stop list
  // should be in options.stop_words_dir and cannot be read.
  static absl::StatusOr<TermAnalyzer> Create(
      const TermAnalyzerOptions& options);

  // Thread-safe: each thread uses its own stemmer instance.
  UnitTerms Analyze(std::string_view text) const;
  // The same into `*terms`, whose buffers are reused (a caller analyzing
  // many texts and keeping little of each allocates nothing per text).
  // With `with_capitals` false, terms->capitalized is left empty: a caller that
  // never reads it (the claim units step) saves a scan of the text.
  void AnalyzeInto(std::string_view text, UnitTerms* terms,
                   bool with_capitals = true) const;

  // True if `normalized_word` (case-folded) is a stop word of the language.
  bool IsStopWord(std::string_view normalized_word) const;

  // The word a (normalized) token stands for, as Analyze reads it: without
  // a possessive "'s", without an elided article joined to it ("l'" in
  // French, "dell'" in Italian), ё as е in Russian. A part of `token`, or
  // of `storage` when the word had to be rewritten.
  std::string_view Word(std::string_view token, std::string* storage) const;

  // Stem of one case-folded word.
  std::string Stem(std::string_view normalized_word) const;

  const TermAnalyzerOptions& options() const { return options_; }

 private:
  std::string StemUncached(std::string_view normalized_word) const;
  TermAnalyzerOptions options_;
  std::shared_ptr<const StopWordList> stop_words_;  // Never null.
};

// The containment path of ClaimScorer::Score: a shorter text with at least
// kContainedMinWords content words, at most kContainedMaxRatio of the longer
// one's, is also scored against the window of the longer text it aligns
// with. MSRP annotators call "A" vs "A plus another clause" not equivalent,
// so a wider gate costs MSRP accuracy (0.65: -0.2 point; 1.0: -1.5 points)
// while claims need it. The claim candidates look such pairs up with the
// same bounds over distinct stems (ClaimOptions::min_containment).
inline constexpr size_t kContainedMinWords = 4;
inline constexpr double kContainedMaxRatio = 0.65;

// The shared-core path of ClaimScorer::Score: two texts that each add words
// of their own around one run of aligned content words ("Researchers said
// that <claim>, in interviews over years" / "<claim>, a study shows") are
// also scored on the two runs alone, when each holds at least this many
// content words (at most half of them capitalized: names and titles state
// no claim, UnitTerms::capitalized) and no figure of one text conflicts
// with the other's.
inline constexpr size_t kSharedCoreMinWords = 10;
// ... and when the two runs cover each other at least this much with the
// same stems (IDF-weighted), in the same order: a clause copied from one
// article into another, not a paraphrase of half a sentence. On MSRP,
// which calls "A" vs "A plus another clause" not equivalent, the path
// costs 0.2 points of accuracy (docs/quality.md, "Shared clauses").
inline constexpr double kSharedCoreMinExact = 0.8;
// ... scored at most this: one claim stated beside others ranks under whole
// restatements (MSRP's ROC AUC: 0.795 uncapped, 0.816 capped here, 0.818
// without the path), and stays under the 0.9 that ClaimOptions asks of
// matches between unrelated stories and of matches that share little
// beyond their attributions (a run may be a speaker's name and title).
inline constexpr double kSharedCoreMaxScore = 0.7;

// Inverse document frequency over "documents" that are claim units (each
// counts a stem once; FindClaims adds each distinct text once, see
// FirstOfEachText). idf(t) = ln((N + 1) / (df(t) + 1)) + 1, so unseen
// terms get the largest weight and no weight is zero.
class IdfTable {
 public:
  // Counts one unit's distinct stems.
  void Add(const UnitTerms& unit) { AddStems(unit.stems); }
  // The same, given the unit's stems alone.
  void AddStems(const TermList& stems);
  // Adds another table's counts (e.g. a background corpus).
  void Merge(const IdfTable& other);
  double Idf(std::string_view stem) const;
  uint64_t units() const { return units_; }
  // The IDF of a stem found in `df` of `units` units: what Idf() returns.
  static double IdfOf(uint64_t units, uint64_t df);
  // True if nothing is counted: no units, no stems.
  bool empty() const;

  // Builds a table from a background text file: one unit per non-empty line
  // (or per sentence of .txt articles: .txt, .txt.gz, .txt.zst), analyzed
  // with `analyzer`. Read as an input file is (gzip or zstd, UTF-16 with a
  // byte-order mark).
  static absl::StatusOr<IdfTable> FromFile(const std::string& path,
                                           const TermAnalyzer& analyzer);

  // A table of `units` units in which each listed stem occurs in `df` of
  // them: counts kept elsewhere (the persistent index, index.h).
  static IdfTable FromCounts(
      uint64_t units, std::span<const std::pair<std::string, uint64_t>> df);
  // Every stem's count, sorted by stem: what FromCounts takes back.
  std::vector<std::pair<std::string, uint64_t>> Counts() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared: cheap copies of a built table
  uint64_t units_ = 0;
};

struct ClaimScorerOptions {
  // Directory of the WordNet 3.0 database (Debian wordnet-base). Empty:
  // score without WordNet. Default "/usr/share/wordnet".
  std::string wordnet_dir = "/usr/share/wordnet";
};

class ClaimScorer {
 public:
  // Loads WordNet (if configured; about 0.1 s, once per process and
  // directory: scorers share it); fails with FailedPrecondition and a clear
  // message if the directory is set but unreadable.
  static absl::StatusOr<ClaimScorer> Create(const ClaimScorerOptions& options);

  // Probability-like score that `a` and `b` state the same claim, in [0, 1].
  // Symmetric. Thread-safe. When the shorter text (at least 4 content words,
  // at most 0.65 of the longer's) aligns with only part of the longer one,
  // as a quote inside a sentence, it is the higher of the model's score for
  // the pair and for (shorter, that part). When each text adds words of its
  // own around one run they share nearly word for word (at least
  // kSharedCoreMinWords content words, as "Researchers said that <claim>,
  // in interviews" / "<claim>, a study shows"), the model's score for the
  // two runs counts too, up to kSharedCoreMaxScore. Empty terms score 0;
  // the same tokens in the same order (UnitTerms::tokens) score 1.
  double Score(const UnitTerms& a, const UnitTerms& b,
               const IdfTable& idf) const;

  // One text's terms with everything scoring derives from them alone (IDF
  // weights, WordNet senses, token n-grams), for a text scored against many
  // others: Prepare() once per text, then Score() per pair. Refers to the
  // UnitTerms it was prepared from, which must outlive it and not change.
  // Move-only. Default-constructed: an empty text.
  class Prepared {
   public:
    Prepared();
    ~Prepared();
    Prepared(Prepared&&) noexcept;
    Prepared& operator=(Prepared&&) noexcept;

    struct Side;  // Internal.

   private:
    friend class ClaimScorer;
    std::unique_ptr<Side> side_;
  };
  // Thread-safe.
  Prepared Prepare(const UnitTerms& terms, const IdfTable& idf) const;
  // Prepare(terms, idf) for a caller that already has, for each stem of
  // `terms`, idf.Idf(stem) (stem_idf) and TokenHash(stem) (stem_hash), such
  // as FindClaims, which numbers the distinct stems: the same result
  // without a string-keyed look-up per stem. idf_units: idf.units().
  // Thread-safe.
  Prepared Prepare(const UnitTerms& terms, std::span<const double> stem_idf,
                   std::span<const uint64_t> stem_hash,
                   uint64_t idf_units) const;
  // Exactly Score(a's terms, b's terms, idf), for a and b prepared by this
  // scorer with the same `idf`. Thread-safe.
  double Score(const Prepared& a, const Prepared& b) const;

  // Why two texts that score as one claim may state opposite things: a flag
  // for the reader, computed for matches, that leaves the score as it is
  // (on MSRP a veto costs accuracy: annotators accept many such pairs,
  // docs/quality.md). Symmetric. Thread-safe.
  struct Contrast {
    // One side negates the words the two share and the other does not:
    // a negation cue among them, or at most three tokens before the first
    // ("the board did not approve the merger" / "the board approved the
    // merger"; "he did not say that the board approved it" negates no
    // shared word there).
    bool negation = false;
    // With `negation`, where the words that negate stand: every cue that
    // negates a word both sides hold, ascending, as its position in the
    // negating side's UnitTerms::tokens (a figure of several tokens is one
    // position), in `negation_cues_a` if `a` negates, else in `_b`. Empty
    // for a cue the unit did not tokenize (built by hand). report.html
    // marks those words, not every negation word of the statement (review
    // 47c-07), nor another "not" elsewhere in it (48c-03), and every cue
    // that negates (48c-04). Not part of report.json.
    std::vector<uint32_t> negation_cues_a, negation_cues_b;
    // The first two words, one of each side, that WordNet calls antonyms
    // (in the most frequent senses) and that the other side does not hold
    // as well: "rose" / "fell", "admitted" / "denied", "won" / "lost".
    // Normalized words of `a` and of `b`; empty without such a pair.
    std::string antonym_a, antonym_b;
    // Two words both sides hold (once each) that trade places around a
    // third, all else in order: "United beat Chelsea" / "Chelsea beat
    // United", "Russia accused Ukraine" / "Ukraine accused Russia"; a run
    // of such words next to each other on both sides trades places as one
    // ("The United States accused China" / "China accused the United
    // States"). Not when "by" precedes either ("was accused by Ukraine"),
    // nor when a form of "be" precedes the third (a passive: "issues to be
    // discussed"). The first and the second as `a` has them (normalized,
    // the words of a run joined by spaces); empty if none.
    std::string swapped_first, swapped_second;
    // One side hedges what the other states as fact: a hedge (UnitTerms::
    // hedges) among the three tokens before a word the other side holds, or
    // a synonym or relative of it, in its clause, while the other side has
    // no hedge at all ("Million Dollar Baby is tipped to win best film" /
    // "Million Dollar Baby won best film"; "reportedly paid" / "paid"). The
    // cue on the side that hedges ("tipped to"); the other empty. Not an
    // opposite: one event seen before and after, or an allegation and a
    // finding, which a fact-checker tells apart.
    std::string hedge_a, hedge_b;
    // With a hedge, where its cue's first word stands on its side: its
    // position in that side's UnitTerms::tokens, as for negation_cues_a;
    // empty for a unit built by hand. report.html marks the cue there, not
    // the same words elsewhere in the statement (review 49a-05).
    std::vector<uint32_t> hedge_cues_a, hedge_cues_b;
    bool operator==(const Contrast&) const = default;
    // Whether the two may state opposite things: a negation, antonyms or
    // swapped roles.
    bool opposite() const {
      return negation || !antonym_a.empty() || !swapped_first.empty();
    }
    // Whether anything sets the two apart: an opposite or a hedge.
    bool any() const {
      return opposite() || !hedge_a.empty() || !hedge_b.empty();
    }
    // The same contrast with its sides swapped.
    Contrast Reversed() const;
  };
  Contrast Contrasts(const Prepared& a, const Prepared& b) const;
  Contrast Contrasts(const UnitTerms& a, const UnitTerms& b,
                     const IdfTable& idf) const;

  // The default decision threshold (chosen on the MSRP train split; see
  // docs/quality.md).
  static double DefaultThreshold();

  // The model's inputs for a pair, in the order of FeatureNames(): every
  // candidate feature the extractor knows, whether or not the shipped model
  // uses it (for fitting, ablation and explaining a score). Symmetric in a
  // and b. Fills `out` (cleared first).
  void Features(const UnitTerms& a, const UnitTerms& b, const IdfTable& idf,
                std::vector<double>* out) const;
  // The same features for the shorter text against the part of the longer
  // one it aligns with, if Score() uses that containment path for this
  // pair; otherwise false and `out` all zeros.
  bool WindowFeatures(const UnitTerms& a, const UnitTerms& b,
                      const IdfTable& idf, std::vector<double>* out) const {
    return PathFeatures(a, b, idf, /*shared_core=*/false, out);
  }
  // The same features for the two runs of words the texts share, if
  // Score() uses that shared-core path for this pair (its model score
  // capped at kSharedCoreMaxScore); otherwise false and `out` all zeros.
  bool SharedCoreFeatures(const UnitTerms& a, const UnitTerms& b,
                          const IdfTable& idf, std::vector<double>* out) const {
    return PathFeatures(a, b, idf, /*shared_core=*/true, out);
  }
  static const std::vector<std::string>& FeatureNames();

 private:
  // WindowFeatures (shared_core false) or SharedCoreFeatures.
  bool PathFeatures(const UnitTerms& a, const UnitTerms& b, const IdfTable& idf,
                    bool shared_core, std::vector<double>* out) const;
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace refrain

#endif  // REFRAIN_CLAIM_SCORE_H_

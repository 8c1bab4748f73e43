// Stop words and negation cues for claim scoring (see claim_score.h).
#ifndef REFRAIN_SRC_STOPWORDS_H_
#define REFRAIN_SRC_STOPWORDS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"

namespace refrain {

// True if `word` (NFKC case-folded, apostrophes folded to ') is an English
// stop word: the Snowball English list plus a few modal and filler words.
// English is built in; StopWordsOf() gives every language's list.
bool IsStopWordOf(std::string_view language, std::string_view word);

// The stop words of one language, normalized as the tokens they are
// compared with (NFKC case-folded).
class StopWordList {
 public:
  bool Contains(std::string_view word) const {
    return words_.contains(absl::string_view(word.data(), word.size()));
  }
  size_t size() const { return words_.size(); }
  // 16 hex digits of a hash of the sorted words: two lists are the same
  // list exactly when their fingerprints are equal (up to 64-bit hash
  // collisions). A persistent index records the one its claim stems were
  // made with.
  const std::string& fingerprint() const { return fingerprint_; }
  // The bytes of the elided article, pronoun or preposition `word` starts
  // with, apostrophe included ("l'" of "l'économie", "dell'" of
  // "dell'economia"), in the languages that write them joined to the next
  // word (French, Italian, Catalan); 0 if none, or if nothing follows.
  size_t ElidedPrefix(std::string_view word) const;

 private:
  friend absl::StatusOr<std::shared_ptr<const StopWordList>> StopWordsOf(
      std::string_view, const std::string&);
  absl::flat_hash_set<std::string> words_;
  // Elided forms, without their apostrophe ("l", "qu", "dell").
  absl::flat_hash_set<std::string> elisions_;
  std::string fingerprint_;
};

// True for every name of English ("english", "en", "eng") and for
// "porter", whose list is built in.
bool IsEnglishLanguage(std::string_view language);

// The Snowball names of the languages libstemmer has, comma-separated.
std::string StemmerLanguageNames();

// The ISO 639-1 code ("tr") of any language libstemmer has, by any name it
// takes ("turkish", "tr", "tur"); "en" for "porter"; empty for others.
std::string IcuLanguageOf(std::string_view language);

// Where Debian's liblingua-stopwords-perl keeps Snowball's stop lists, one
// Perl module per language (FR.pm, RU.pm, ...).
inline constexpr char kDefaultStopWordsDir[] =
    "/usr/share/perl5/Lingua/StopWords";

// The stop list of `language` (any name libstemmer takes: "french", "fr",
// "fra"): English's built in (IsStopWordOf); Danish, Dutch, Finnish,
// French, German, Hungarian, Indonesian, Italian, Norwegian, Portuguese,
// Romanian, Russian, Spanish and Swedish read from Snowball's lists in
// `dir`; Arabic and Greek from Lucene++'s analyzers (the shared library of
// liblucene++-contrib0v5); each loaded once per process and shared. An
// empty list for the other Snowball languages, which have none.
// FailedPrecondition, naming the file or library and the package, when a
// language's list should be there and is not.
absl::StatusOr<std::shared_ptr<const StopWordList>> StopWordsOf(
    std::string_view language, const std::string& dir = kDefaultStopWordsDir);

// True if `word` (case-folded) negates its clause. English: "not", "no",
// "never", "nor", "none", "nobody", "nothing", "neither", "nowhere",
// "cannot", "without", or any word ending in "n't" ("don't", "isn't",
// "can't"). The other languages with a Snowball stop list (`language` by
// its Snowball name, CanonicalLanguage: TermAnalyzer's options give it so)
// have lists of their own: "ne", "pas", "jamais" and
// "n'..." in French, "nicht", "kein" in German, "не", "нет" in Russian,
// ...; the other Snowball languages none.
bool IsNegationCue(std::string_view word,
                   std::string_view language = "english");

// Whether `word` (case-folded) is a verb of denial that negates the clause
// it opens ("denied that they conspired", "resisted calls to publish"), or
// another word that negates without a negation word ("rather than",
// "instead of", "least", "lack"): kWord; or one that, before "to", negates
// the verb after it as "did not" would ("failed to approve", "refused to
// pay", "unable to pay"): kBeforeTo; or a word that negates only so
// ("has yet to approve"): kOnlyBeforeTo; or a noun that negates so after a
// determiner or possessive ("the failure to act", not "heart failure to
// rise"): kNounBeforeTo. English only.
// Not a negation for the scorer's features, a cue for ClaimScorer::Contrasts
// ("pleaded not guilty to charges" / "denied the charges" agree).
enum class DenialCue : uint8_t {
  kNone,
  kWord,
  kBeforeTo,
  kOnlyBeforeTo,
  kNounBeforeTo
};
DenialCue DenialCueOf(std::string_view word, std::string_view language);

// How `word` (case-folded) hedges its clause in `language`: makes it a
// possibility, a forecast, a plan or an allegation rather than a statement
// of fact. English only; a cue for ClaimScorer::Contrasts, not a feature of
// the score ("Million Dollar Baby is tipped to win best film" / "Million
// Dollar Baby won best film" restate one event, at two points in time).
enum class HedgeCue : uint8_t {
  kNone,
  // On its own: "could", "might", "may", "would", "reportedly",
  // "allegedly", "alleged", "likely", "possible", "probably", "rumoured",
  // ... (TermAnalyzer leaves out "may" the month and the surname).
  kAlways,
  // Only before "to": "expected to", "tipped to", "set to", "poised to",
  // "plans to", "hopes to", "aims to", "threatened to", "thought to",
  // "appears to", ... ("due to" is more often a cause than a timetable,
  // and is none). Elsewhere weak ("critics tipped Swank to win").
  kBeforeTo,
  // Weak: the side holding it is not plain fact, so a hedge on the other
  // side is not reported, but it is not reported as one itself. Modals
  // whose restatements swap freely with the hedges ("he said he will
  // consult" / "he said he would consult", "can only be sold" / "could
  // only be sold"): "will", "shall", "can", "should", "must", "he'll";
  // promises and fears ("promised", "pledged", "vowed", "fears",
  // "betting"); conditions ("if", "unless", "whether"); accusations and
  // claims ("allegations", "accused", "charged", "claimed"), which
  // "allegedly" restates.
  kWeak,
  // Weak before "to", else none: plans and duties ("is to scrap", "was to
  // be passed", "has to", "needs to").
  kWeakBeforeTo,
};
HedgeCue HedgeCueOf(std::string_view word, std::string_view language);

}  // namespace refrain

#endif  // REFRAIN_SRC_STOPWORDS_H_

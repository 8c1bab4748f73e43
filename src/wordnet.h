// A small, read-only, in-memory WordNet 3.0 (the Princeton database files,
// format wndb(5)) for claim scoring: lemma -> synsets with WordNet's own
// morphological reduction (morphy: *.exc exception lists, then suffix rules),
// and for each synset its hypernyms and its "near" lexical relations
// (derivation, similar-to, pertainym, participle, also-see, verb group,
// attribute), and its antonyms. Glosses, frames and the other pointer types
// are not loaded.
//
// Loading parses index.{noun,verb,adj,adv}, data.* and *.exc (about 28 MB)
// in about 0.06 s (0.012 s from a cache image); after Load() every method is
// const and thread-safe.
#ifndef REFRAIN_SRC_WORDNET_H_
#define REFRAIN_SRC_WORDNET_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace refrain::wordnet {

enum Pos : uint8_t { kNoun = 0, kVerb = 1, kAdj = 2, kAdv = 3, kNumPos = 4 };

class WordNet {
 public:
  // Reads the database in `dir` (e.g. /usr/share/wordnet). Fails with the
  // file name if a required file is missing or unreadable.
  //
  // With a `cache_dir`, it first looks there for an image of the parsed
  // database (written by an earlier Load: one file per real path of `dir`,
  // valid for its files' sizes, modification times and inodes, and checked
  // by a checksum), which loads in a fifth of the parse's time (0.012
  // against 0.062 s); after a parse it writes one there. The cache is best
  // effort: an image that is missing, stale, truncated or corrupt is parsed
  // over, and one that cannot be written is skipped.
  static absl::StatusOr<std::unique_ptr<WordNet>> Load(
      const std::string& dir, const std::string& cache_dir = "");

  // Where the scan keeps its cache: $REFRAIN_CACHE_DIR if set (empty: no
  // cache), else $XDG_CACHE_HOME/refrain, else $HOME/.cache/refrain, else
  // none ("").
  static std::string DefaultCacheDir();

  // Whether two loads hold the same database (every lemma, sense, exception
  // and pointer list).
  bool operator==(const WordNet& o) const;

  // Base forms of `word` (case-folded; multiword lemmas use '_') that are
  // lemmas of `pos`, WordNet morphy order: exceptions first, else the word
  // itself, then suffix-rule candidates.
  std::vector<std::string> Morphy(std::string_view word, Pos pos) const;

  // Appends to `out` the synsets (dense ids) of every base form of `word`
  // in every part of speech, at most `max_senses` per lemma and part of
  // speech (senses are ordered most frequent first). `out` is not sorted.
  void Synsets(std::string_view word, uint32_t max_senses,
               std::vector<uint32_t>* out) const;

  // Hypernyms and instance hypernyms of a synset.
  std::span<const uint32_t> Hypernyms(uint32_t synset) const {
    return Slice(hyper_begin_, hyper_, synset);
  }
  // Derivationally related forms, similar-to, pertainyms, participles,
  // also-see, verb groups and attributes of a synset.
  std::span<const uint32_t> Near(uint32_t synset) const {
    return Slice(near_begin_, near_, synset);
  }

  // Synsets holding an antonym of a word of this synset ("!" pointers:
  // rise / fall, admit / deny, win / lose). WordNet's antonymy is between
  // words; it is kept here between their synsets.
  std::span<const uint32_t> Antonyms(uint32_t synset) const {
    return Slice(anto_begin_, anto_, synset);
  }

  size_t num_synsets() const { return near_begin_.size() - 1; }
  size_t num_lemmas() const;

  // The cache image's payload (its bytes after the header), and back.
  // Deserialize checks every length against the payload and every id and
  // range against the tables, so that any bytes give null or a WordNet
  // whose look-ups stay in bounds (Load has checked the checksum before;
  // the fuzz target fuzz_wordnet calls it on raw bytes).
  std::string Serialize() const;
  static std::unique_ptr<WordNet> Deserialize(std::string_view payload);

 private:
  struct SenseRange {
    uint32_t begin = 0;
    uint32_t count = 0;
    bool operator==(const SenseRange&) const = default;
  };

  static std::span<const uint32_t> Slice(const std::vector<uint32_t>& begin,
                                         const std::vector<uint32_t>& ids,
                                         uint32_t synset) {
    return std::span<const uint32_t>(ids.data() + begin[synset],
                                     begin[synset + 1] - begin[synset]);
  }
  const SenseRange* FindLemma(std::string_view lemma, Pos pos) const;
  static absl::StatusOr<std::unique_ptr<WordNet>> Parse(const std::string& dir);
  // Calls fn(form) for each morphy candidate of `word` in `pos`, in
  // Morphy()'s order, before the lemma check and deduplication.
  template <typename Fn>
  void ForEachBaseForm(std::string_view word, Pos pos, Fn fn) const;

  // The maps' hash: XXH3, inlined, for std::string keys looked up by
  // std::string_view. absl's string hash, an out-of-line call in Debian's
  // shared Abseil, was most of the time of filling the maps from a cache
  // image.
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const;
  };
  struct StringEq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const {
      return a == b;
    }
  };
  template <typename V>
  using StringMap = absl::flat_hash_map<std::string, V, StringHash, StringEq>;

  // Per part of speech: lemma -> range of `senses_`.
  StringMap<SenseRange> lemmas_[kNumPos];
  std::vector<uint32_t> senses_;
  // Per part of speech: inflected form -> base forms (from *.exc).
  StringMap<std::vector<std::string>> exceptions_[kNumPos];
  // CSR adjacency lists, indexed by dense synset id.
  std::vector<uint32_t> hyper_begin_, hyper_;
  std::vector<uint32_t> near_begin_, near_;
  std::vector<uint32_t> anto_begin_, anto_;
};

}  // namespace refrain::wordnet

#endif  // REFRAIN_SRC_WORDNET_H_

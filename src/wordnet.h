// A small, read-only, in-memory WordNet 3.0 (the Princeton database files,
// format wndb(5)) for claim scoring: lemma -> synsets with WordNet's own
// morphological reduction (morphy: *.exc exception lists, then suffix rules),
// and for each synset its hypernyms and its "near" lexical relations
// (derivation, similar-to, pertainym, participle, also-see, verb group,
// attribute), and its antonyms. Glosses, frames and the other pointer types
// are not loaded.
//
// Loading parses index.{noun,verb,adj,adv}, data.* and *.exc (about 28 MB)
// into an image of tables (about 0.1 s); from a cache image, mapped where it
// lies, it takes 3-4 ms (a checksum and a check of the offsets: BBC scans,
// 2026-12-02). After Load() every method is const and thread-safe.
#ifndef REFRAIN_SRC_WORDNET_H_
#define REFRAIN_SRC_WORDNET_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

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
  // by a checksum), which is mapped and read in place; after a parse it
  // writes one there. The cache is best
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

  // The cache image's payload (its bytes after the header), and a WordNet
  // over a copy of such bytes. Deserialize checks every length against the
  // payload and every id and range against the tables, so that any bytes
  // give null or a WordNet whose look-ups stay in bounds (Load has checked
  // the checksum before; the fuzz target fuzz_wordnet calls it on raw
  // bytes). Equal databases give equal payloads.
  std::string Serialize() const;
  static std::unique_ptr<WordNet> Deserialize(std::string_view payload);

 private:
  // An entry of one of the image's tables keyed by strings: the key
  // (pool_[key_begin, key_begin + key_size)) and a range [begin, begin +
  // count) of another array. key_size 0: an empty slot.
  struct Slot {
    uint32_t key_begin = 0;
    uint32_t key_size = 0;
    uint32_t begin = 0;
    uint32_t count = 0;
  };

  WordNet() = default;
  // A WordNet over an image payload (4-byte aligned) that `owner` keeps
  // alive, or null if the payload's tables do not fit it (Deserialize).
  static std::unique_ptr<WordNet> Open(std::shared_ptr<const void> owner,
                                       std::string_view payload);
  static absl::StatusOr<std::unique_ptr<WordNet>> Parse(const std::string& dir);

  static std::span<const uint32_t> Slice(std::span<const uint32_t> begin,
                                         std::span<const uint32_t> ids,
                                         uint32_t synset) {
    return ids.subspan(begin[synset], begin[synset + 1] - begin[synset]);
  }
  std::string_view Key(const Slot& s) const {
    return pool_.substr(s.key_begin, s.key_size);
  }
  // The slot of `key` in one of the hash tables, or null.
  const Slot* Find(std::span<const Slot> table, std::string_view key) const;
  // Calls fn(form) for each morphy candidate of `word` in `pos`, in
  // Morphy()'s order, before the lemma check and deduplication.
  template <typename Fn>
  void ForEachBaseForm(std::string_view word, Pos pos, Fn fn) const;

  // Every table below lies in the image, which is the cache file mapped
  // read-only, or the parse's output in memory. Its bytes are read where
  // they are: a scan's load costs a checksum and a check of the offsets,
  // not filling hash maps (0.03 s of CPU beside the scan's first steps and
  // 27 MB of fresh memory on a BBC scan). refrain replaces a cache file by
  // a rename, never in place, so a mapped image does not change under a
  // run; another tool truncating it in place would make a later look-up
  // fault (SIGBUS), as for any mapped file.
  std::shared_ptr<const void> owner_;
  std::string_view payload_;
  // CSR adjacency lists, indexed by dense synset id.
  std::span<const uint32_t> hyper_begin_, hyper_;
  std::span<const uint32_t> near_begin_, near_;
  std::span<const uint32_t> anto_begin_, anto_;
  // Per part of speech: lemma -> range of `senses_`. Open-addressing hash
  // tables (a power-of-two number of slots, XXH3 of the key, linear
  // probing; at least one slot empty).
  std::span<const Slot> lemmas_[kNumPos];
  std::span<const uint32_t> senses_;
  // Per part of speech: inflected form -> range of `exc_bases_` (*.exc),
  // tables as `lemmas_`.
  std::span<const Slot> exceptions_[kNumPos];
  std::span<const Slot> exc_bases_;  // Each key a base form.
  std::string_view pool_;            // Every key's characters.
};

}  // namespace refrain::wordnet

#endif  // REFRAIN_SRC_WORDNET_H_

// A generator of benchmark corpora with planted near-duplicates, so recall
// can be measured at any scale.
//
// Base articles are made of sentences drawn either from a source corpus
// (every sentence of the .txt/.jsonl inputs under `source_paths`) or, with no
// source, from a Zipf(1.1) vocabulary of 50,000 pseudo-words. A fraction of
// the output documents are planted near-duplicates of an earlier base
// article: a copy with a chosen fraction of its words replaced, sentences
// moved, and a header or footer line added, so their Jaccard similarity
// spreads over 0.5..1. The exact Jaccard of every planted pair (computed with
// the scan's own shingling) goes to the ground-truth file.
#ifndef REFRAIN_GENERATE_H_
#define REFRAIN_GENERATE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "refrain/shingle.h"

namespace refrain {

struct GenerateOptions {
  // Documents to write. Default 10,000; range 1..1e9 (about 3 TB).
  uint64_t docs = 10000;
  // Seed of everything random; the same seed gives the same bytes. Default 1.
  uint64_t seed = 1;
  // Output: .jsonl or .ndjson, optionally .gz or .zst (by extension), the
  // names scan reads as JSON Lines. Written to a temporary file renamed at
  // the end, as is the truth file: an interrupted run leaves neither.
  // Required.
  std::string out;
  // Ground truth, TSV "a<TAB>b<TAB>jaccard" per planted pair: each planted
  // copy with the article it was made from. Two copies of one article are
  // not listed, though they may be near-duplicates of each other: the file
  // measures recall, not precision. Default: `out` with its extensions
  // replaced by ".truth.tsv".
  std::string truth;
  // Fraction of documents that are planted near-duplicates. Default 0.1;
  // range [0, 0.9].
  double duplicate_fraction = 0.1;
  // Word target per base article: uniform in [min_words, max_words]; whole
  // sentences are drawn until it is reached, so an article runs up to one
  // sentence past it (a bound for the target, not the text). Defaults 150
  // / 650: a mean of about 400, like the BBC News corpus (384
  // words/article).
  uint32_t min_words = 150;
  uint32_t max_words = 650;
  // Optional source corpus whose sentences are resampled. Default none.
  std::vector<std::string> source_paths;
  // Shingling used to compute the planted pairs' Jaccard.
  ShingleOptions shingle;
};

struct GenerateStats {
  uint64_t docs = 0;
  uint64_t planted_pairs = 0;
  uint64_t text_bytes = 0;
};

// Writes the corpus and its ground truth. Parallel; deterministic for a seed
// whatever the thread count.
absl::StatusOr<GenerateStats> Generate(const GenerateOptions& options);

}  // namespace refrain

#endif  // REFRAIN_GENERATE_H_

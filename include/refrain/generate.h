// A generator of benchmark corpora with planted near-duplicates, so recall
// can be measured at any scale.
//
// Base articles are made of sentences drawn either from a source corpus
// (every sentence of the .txt/.jsonl inputs under `source_paths`) or, with no
// source, from a Zipf(1.1) vocabulary of 50,000 pseudo-words. A fraction of
// the output documents are planted near-duplicates of an earlier base
// article: a copy with a fraction of its words replaced (drawn per copy,
// up to 10%), two sentences swapped in half of the copies, and a header
// line (30% of copies) and a footer line (30%), so their Jaccard
// similarity spreads over about 0.3..1 (20,000 documents, seed 42: a
// quarter under 0.5, 11% at 0.9 or more; review 48a-01). The exact Jaccard
// of every planted pair (computed with the scan's own shingling) goes to
// the ground-truth file.
//
// A source of few sentences makes unrelated articles share many of them:
// with the five articles of corpus/, unrelated pairs reach Jaccard 0.6.
// GenerateStats::source_sentences tells how many there were.
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
  // Ground truth, TSV "base<TAB>copy<TAB>jaccard" per planted pair, no
  // header: the id of the article a copy was made from, the copy's id
  // (always after it), and their Jaccard similarity to 6 decimals. Two
  // copies of one article are not listed, though they may be
  // near-duplicates of each other: the file measures recall, not
  // precision. Default: `out` with its extensions (any case) replaced by
  // ".truth.tsv".
  std::string truth;
  // Fraction of documents that are planted near-duplicates. Default 0.1;
  // range [0, 0.9].
  double duplicate_fraction = 0.1;
  // Word target per base article: uniform in [min_words, max_words]; whole
  // sentences are drawn until it is reached, so an article runs up to one
  // sentence past it (a bound for the target, not the text). Defaults 150
  // / 650: a mean of about 400, like the BBC News corpus (384
  // words/article). At most 1,000,000 (about 7 MB of text, under scan's
  // --max-record-bytes).
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
  // Sentences of the source corpus resampled (0: the Zipf vocabulary).
  uint64_t source_sentences = 0;
};

// Writes the corpus and its ground truth. Parallel; deterministic for a seed
// whatever the thread count.
absl::StatusOr<GenerateStats> Generate(const GenerateOptions& options);

}  // namespace refrain

#endif  // REFRAIN_GENERATE_H_

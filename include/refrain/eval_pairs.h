// Evaluation of the claim scorer on labelled sentence pairs in the MSRP
// format (Microsoft Research Paraphrase Corpus): a header line, then
//   Quality<TAB>#1 ID<TAB>#2 ID<TAB>#1 String<TAB>#2 String
// with Quality 1 (same claim) or 0. UTF-8 with or without BOM, LF or CRLF.
// `refrain eval-pairs` prints what EvalPairs() returns; the figures in
// docs/quality.md come from it.
#ifndef REFRAIN_EVAL_PAIRS_H_
#define REFRAIN_EVAL_PAIRS_H_

#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace refrain {

struct LabeledPair {
  bool positive = false;  // Quality == 1.
  std::string id1, id2;
  std::string text1, text2;
  uint32_t line = 0;  // 1-based line number in the file.
};

struct PairFile {
  std::vector<LabeledPair> pairs;
  // Lines that are not a pair, each "file:line: reason" (wrong field count,
  // Quality not 0/1, empty sentence). They are skipped, never fatal.
  std::vector<std::string> malformed;
  // Lines whose invalid UTF-8 was replaced by U+FFFD before they were read,
  // each "file:line: N invalid UTF-8 sequences replaced by U+FFFD". Their
  // pairs are scored (a pair's figures may then differ from the intended
  // text's).
  std::vector<std::string> repaired;
};

// Reads a pair file. Fails (NotFound, FailedPrecondition) only if the file
// cannot be read or holds nothing but a header.
absl::StatusOr<PairFile> ReadPairFile(const std::string& path);

// Confusion counts and the usual figures at one threshold (score >=
// threshold predicts "same claim").
struct BinaryMetrics {
  double threshold = 0;
  uint64_t tp = 0, fp = 0, tn = 0, fn = 0;
  double accuracy = 0;
  double precision = 0;  // 0 when nothing is predicted positive.
  double recall = 0;
  double f1 = 0;
};

// `scores` and `labels` are parallel.
BinaryMetrics ComputeMetrics(std::span<const double> scores,
                             std::span<const bool> labels, double threshold);
// The threshold with the highest accuracy (ties: the lowest such threshold,
// placed halfway between two adjacent distinct scores).
BinaryMetrics BestAccuracyThreshold(std::span<const double> scores,
                                    std::span<const bool> labels);
// Area under the ROC curve (ties count one half); 0.5 if one class is empty.
double RocAuc(std::span<const double> scores, std::span<const bool> labels);

struct EvalPairsOptions {
  // Decision threshold; negative (default): ClaimScorer::DefaultThreshold().
  double threshold = -1;
  // Snowball language of the sentences. Default "english".
  std::string language = "english";
  // WordNet directory for the scorer ("" = without WordNet).
  // Default "/usr/share/wordnet".
  std::string wordnet_dir = "/usr/share/wordnet";
};

struct EvalPairsResult {
  std::string path;                    // The pair file.
  uint64_t pairs = 0;                  // Pairs scored.
  uint64_t positives = 0;              // Of which labelled 1.
  std::vector<std::string> malformed;  // As in PairFile.
  std::vector<std::string> repaired;   // As in PairFile.
  BinaryMetrics at_threshold;          // At the requested threshold.
  BinaryMetrics best;                  // At the best threshold on this file.
  double auc = 0;                      // 0.5 with one class (RocAuc).
  std::vector<double> scores;  // Per pair, in file order.
};

// Scores every pair of `path` with ClaimScorer, IDF learned from all the
// sentences of the file (each sentence one unit, as `scan` learns IDF from
// the dump's units). Fails with InvalidArgument for invalid options,
// NotFound if the file is unreadable, FailedPrecondition if it has no valid
// pair or WordNet cannot be loaded.
absl::StatusOr<EvalPairsResult> EvalPairs(const std::string& path,
                                          const EvalPairsOptions& options);

// The human summary `refrain eval-pairs` prints:
//   accuracy=0.7674 precision=0.7857 recall=0.9016 f1=0.8396
//   threshold=0.5000 pairs=4076 positives=2753 tp=... fp=... tn=... fn=...
//   malformed=0 repaired=0 best_threshold=0.5700 best_accuracy=0.7738
//   auc=0.8215
// auc=n/a when every pair has one label (ROC AUC is undefined).
void WriteEvalPairsText(const EvalPairsResult& r, std::ostream& out);
// The same as one JSON object (keys as in the text, plus "file", and the
// "malformed" and "repaired" lines), without the per-pair scores; "auc" is
// null where the text says n/a.
void WriteEvalPairsJson(const EvalPairsResult& r, std::ostream& out);

}  // namespace refrain

#endif  // REFRAIN_EVAL_PAIRS_H_

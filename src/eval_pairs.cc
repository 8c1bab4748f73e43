#include "refrain/eval_pairs.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"
#include "refrain/claim_score.h"
#include "utf8.h"

namespace refrain {
namespace {

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    size_t tab = line.find('\t', pos);
    if (tab == std::string_view::npos) {
      out.push_back(line.substr(pos));
      return out;
    }
    out.push_back(line.substr(pos, tab - pos));
    pos = tab + 1;
  }
}

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r") == std::string_view::npos;
}

// ROC AUC ranks positives against negatives: with one class it is
// undefined, and RocAuc's 0.5 would read as a scorer no better than chance.
bool HasAuc(const EvalPairsResult& r) {
  return r.positives > 0 && r.positives < r.pairs;
}

}  // namespace

absl::StatusOr<PairFile> ReadPairFile(const std::string& path) {
  // Without a byte-order mark; invalid bytes become U+FFFD below, line by
  // line, so that each repaired line is named.
  absl::StatusOr<std::string> read =
      internal::ReadUtf8File(path, /*repair=*/false);
  if (!read.ok()) return read.status();
  const std::string& text = *read;
  std::string_view rest = text;
  if (IsBlank(rest)) {
    return absl::FailedPreconditionError(path + ": empty file");
  }

  PairFile file;
  uint32_t line_no = 0;
  bool before_header = true;
  std::string repaired;  // The current line, if it held invalid UTF-8.
  while (!rest.empty()) {
    // Lines end in \n, \r\n or a lone \r (old Mac exports).
    const size_t end = rest.find_first_of("\r\n");
    std::string_view line = rest.substr(0, end);
    size_t next = end == std::string_view::npos ? rest.size() : end + 1;
    if (end != std::string_view::npos && rest[end] == '\r' &&
        end + 1 < rest.size() && rest[end + 1] == '\n') {
      ++next;
    }
    rest.remove_prefix(next);
    ++line_no;
    if (!internal::IsValidUtf8(line)) {
      repaired.assign(line);
      const uint32_t n = internal::RepairUtf8(&repaired);
      file.repaired.push_back(
          absl::StrCat(path, ":", line_no, ": ", n, " invalid UTF-8 sequence",
                       n == 1 ? "" : "s", " replaced by U+FFFD"));
      line = repaired;
    }
    if (IsBlank(line)) continue;
    std::vector<std::string_view> f = SplitTabs(line);
    // The header is the first line that is not blank, unless it is a pair
    // already (a file without one loses no pair).
    if (before_header) {
      before_header = false;
      if (f[0] != "0" && f[0] != "1") continue;
    }
    auto bad = [&](absl::string_view reason) {
      file.malformed.push_back(absl::StrCat(path, ":", line_no, ": ", reason));
    };
    if (f.size() != 5) {
      bad(absl::StrCat("expected 5 tab-separated fields, got ", f.size()));
      continue;
    }
    if (f[0] != "0" && f[0] != "1") {
      bad(absl::StrCat("quality must be 0 or 1, got \"",
                       internal::Printable(f[0].substr(0, 40)), "\""));
      continue;
    }
    if (IsBlank(f[3]) || IsBlank(f[4])) {
      bad("empty sentence");
      continue;
    }
    LabeledPair p;
    p.positive = f[0] == "1";
    p.id1 = f[1];
    p.id2 = f[2];
    p.text1 = f[3];
    p.text2 = f[4];
    p.line = line_no;
    file.pairs.push_back(std::move(p));
  }
  return file;
}

BinaryMetrics ComputeMetrics(std::span<const double> scores,
                             std::span<const bool> labels, double threshold) {
  BinaryMetrics m;
  m.threshold = threshold;
  for (size_t i = 0; i < scores.size(); ++i) {
    const bool predicted = scores[i] >= threshold;
    if (predicted && labels[i]) ++m.tp;
    if (predicted && !labels[i]) ++m.fp;
    if (!predicted && !labels[i]) ++m.tn;
    if (!predicted && labels[i]) ++m.fn;
  }
  const double n = static_cast<double>(scores.size());
  if (n > 0) m.accuracy = static_cast<double>(m.tp + m.tn) / n;
  if (m.tp + m.fp > 0) {
    m.precision = static_cast<double>(m.tp) / static_cast<double>(m.tp + m.fp);
  }
  if (m.tp + m.fn > 0) {
    m.recall = static_cast<double>(m.tp) / static_cast<double>(m.tp + m.fn);
  }
  if (m.precision + m.recall > 0) {
    m.f1 = 2 * m.precision * m.recall / (m.precision + m.recall);
  }
  return m;
}

BinaryMetrics BestAccuracyThreshold(std::span<const double> scores,
                                    std::span<const bool> labels) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t x, size_t y) { return scores[x] < scores[y]; });
  // Threshold below everything: all predicted positive.
  uint64_t positives = 0;
  for (bool l : labels) positives += l;
  uint64_t correct = positives;  // tp = positives, tn = 0.
  uint64_t best_correct = correct;
  double best_threshold = scores.empty() ? 0.5 : scores[order[0]];
  // Moving the threshold past each group of equal scores flips them to
  // predicted negative.
  for (size_t k = 0; k < order.size();) {
    size_t e = k;
    while (e < order.size() && scores[order[e]] == scores[order[k]]) {
      labels[order[e]] ? --correct : ++correct;
      ++e;
    }
    if (correct > best_correct) {
      best_correct = correct;
      best_threshold = e < order.size()
                           ? (scores[order[k]] + scores[order[e]]) / 2
                           : std::nextafter(scores[order[k]], 2.0);
    }
    k = e;
  }
  return ComputeMetrics(scores, labels, best_threshold);
}

double RocAuc(std::span<const double> scores, std::span<const bool> labels) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t x, size_t y) { return scores[x] < scores[y]; });
  // Mann-Whitney U with mid-ranks for ties.
  double rank_sum = 0;
  uint64_t pos = 0, neg = 0;
  for (size_t k = 0; k < order.size();) {
    size_t e = k;
    while (e < order.size() && scores[order[e]] == scores[order[k]]) ++e;
    const double mid_rank =
        (static_cast<double>(k + 1) + static_cast<double>(e)) / 2;
    for (size_t t = k; t < e; ++t) {
      if (labels[order[t]]) {
        rank_sum += mid_rank;
        ++pos;
      } else {
        ++neg;
      }
    }
    k = e;
  }
  if (pos == 0 || neg == 0) return 0.5;
  const double p = static_cast<double>(pos), q = static_cast<double>(neg);
  return (rank_sum - p * (p + 1) / 2) / (p * q);
}

absl::StatusOr<EvalPairsResult> EvalPairs(const std::string& path,
                                          const EvalPairsOptions& options) {
  if (options.threshold > 1 || std::isnan(options.threshold)) {
    return absl::InvalidArgumentError("threshold must be in [0, 1]");
  }
  absl::StatusOr<PairFile> file = ReadPairFile(path);
  if (!file.ok()) return file.status();
  if (file->pairs.empty()) {
    // Every row's reason: the run stops here, so nothing else says them.
    std::string reasons;
    for (size_t i = 0; i < file->malformed.size() && i < 20; ++i) {
      absl::StrAppend(&reasons, "\n  ", file->malformed[i]);
    }
    if (file->malformed.size() > 20) {
      absl::StrAppend(&reasons, "\n  ... and ", file->malformed.size() - 20,
                      " more");
    }
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": no valid pair", reasons));
  }
  absl::StatusOr<TermAnalyzer> analyzer =
      TermAnalyzer::Create(TermAnalyzerOptions{options.language});
  if (!analyzer.ok()) return analyzer.status();
  absl::StatusOr<ClaimScorer> scorer =
      ClaimScorer::Create(ClaimScorerOptions{options.wordnet_dir});
  if (!scorer.ok()) return scorer.status();

  const size_t n = file->pairs.size();
  std::vector<UnitTerms> t1(n), t2(n);
  IdfTable idf;
  for (size_t i = 0; i < n; ++i) {
    t1[i] = analyzer->Analyze(file->pairs[i].text1);
    t2[i] = analyzer->Analyze(file->pairs[i].text2);
    idf.Add(t1[i]);
    idf.Add(t2[i]);
  }
  EvalPairsResult r;
  r.path = path;
  r.pairs = n;
  r.malformed = std::move(file->malformed);
  r.repaired = std::move(file->repaired);
  r.scores.resize(n);
  // Not std::vector<bool>, which cannot be viewed as a span.
  std::unique_ptr<bool[]> labels(new bool[n]);
  for (size_t i = 0; i < n; ++i) {
    r.scores[i] = scorer->Score(t1[i], t2[i], idf);
    labels[i] = file->pairs[i].positive;
    r.positives += file->pairs[i].positive;
  }
  std::span<const bool> l(labels.get(), n);
  const double threshold = options.threshold >= 0
                               ? options.threshold
                               : ClaimScorer::DefaultThreshold();
  r.at_threshold = ComputeMetrics(r.scores, l, threshold);
  r.best = BestAccuracyThreshold(r.scores, l);
  r.auc = RocAuc(r.scores, l);
  return r;
}

void WriteEvalPairsText(const EvalPairsResult& r, std::ostream& out) {
  const BinaryMetrics& m = r.at_threshold;
  out << absl::StrFormat("accuracy=%.4f precision=%.4f recall=%.4f f1=%.4f\n",
                         m.accuracy, m.precision, m.recall, m.f1);
  out << absl::StrFormat(
      "threshold=%.4f pairs=%d positives=%d tp=%d fp=%d tn=%d fn=%d "
      "malformed=%d repaired=%d\n",
      m.threshold, r.pairs, r.positives, m.tp, m.fp, m.tn, m.fn,
      r.malformed.size(), r.repaired.size());
  out << absl::StrFormat("best_threshold=%.4f best_accuracy=%.4f\n",
                         r.best.threshold, r.best.accuracy);
  if (HasAuc(r)) {
    out << absl::StrFormat("auc=%.4f\n", r.auc);
  } else {
    out << "auc=n/a\n";
  }
}

void WriteEvalPairsJson(const EvalPairsResult& r, std::ostream& out) {
  const BinaryMetrics& m = r.at_threshold;
  nlohmann::ordered_json j;
  j["file"] = r.path;
  j["pairs"] = r.pairs;
  j["positives"] = r.positives;
  j["threshold"] = m.threshold;
  j["accuracy"] = m.accuracy;
  j["precision"] = m.precision;
  j["recall"] = m.recall;
  j["f1"] = m.f1;
  j["tp"] = m.tp;
  j["fp"] = m.fp;
  j["tn"] = m.tn;
  j["fn"] = m.fn;
  j["best_threshold"] = r.best.threshold;
  j["best_accuracy"] = r.best.accuracy;
  j["auc"] = HasAuc(r) ? nlohmann::ordered_json(r.auc) : nullptr;
  j["malformed"] = r.malformed;
  j["repaired"] = r.repaired;
  out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
      << "\n";
}

}  // namespace refrain

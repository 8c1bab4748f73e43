// Fits the claim-scoring model (src/claim_model.h) on a labelled pair file in
// the MSRP format, with k-fold cross-validation, and prints the coefficients
// as C++ to paste into src/claim_model.h.
//
//   build/bench/fit_claim_model /work/shared/data/msrp/msr_paraphrase_train.txt
//       [--features f1,f2,...]  features of the model (default: all 32)
//       [--folds 10] [--l2 1]   cross-validation folds, L2 penalty
//       [--threshold 0.5]       the decision threshold to report and print
//       [--no-wordnet]          align by stems only
//       [--no-containment]      no containment (window) path
//       [--ablate]              leave-one-feature-out table
//       [--forward]             greedy forward selection over the features
//       [--monotone]            ... keeping similarity weights >= 0
//       [--each]                each feature alone
//       [--curve]               accuracy and F1 per threshold
//       [--time]                cost of ClaimScorer::Score() and Analyze()
//       [--dump FILE]           every feature of every pair, as TSV
//
// The model is an L2-regularized logistic regression over named features of
// ClaimScorer::Features(), fitted by Newton's method (IRLS) with Eigen. A pair
// is scored as ClaimScorer::Score() does: the model on the pair, or, when the
// shorter text aligns with only a window of the longer one, the higher of
// that and the model on (shorter, window). Cross-validated accuracy chooses
// the threshold with the best accuracy on the training folds and applies it
// to the held-out fold (10 folds, 3 shuffles), so it estimates the accuracy
// on unseen pairs. The in-sample figures are given at --threshold and at the
// best threshold on the whole file.
#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <numeric>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "refrain/claim_score.h"
#include "refrain/eval_pairs.h"

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr char kWindowPrefix[] = "win.";

struct Data {
  std::vector<std::string> names;  // Of the columns of x and xw.
  MatrixXd x;                      // Pairs x features.
  MatrixXd xw;                     // The same on the containment window.
  std::vector<bool> window;        // Whether Score() uses the window.
  std::vector<bool> y;
};

// A model over some columns of Data.
struct Model {
  std::vector<int> cols;
  double intercept = 0;
  VectorXd w;

  double Linear(const MatrixXd& x, int row) const {
    double z = intercept;
    for (size_t c = 0; c < cols.size(); ++c) {
      z += w(static_cast<int>(c)) * x(row, cols[c]);
    }
    return z;
  }
};

double Sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

bool g_containment = true;

// As ClaimScorer::Score().
double Score(const Model& m, const Data& d, int row) {
  double p = Sigmoid(m.Linear(d.x, row));
  if (g_containment && d.window[row]) {
    p = std::max(p, Sigmoid(m.Linear(d.xw, row)));
  }
  return p;
}

// Minimizes the sum of log-losses + l2/2 * |w|^2 (intercept not penalized)
// over `rows`, on the pair features only.
Model Fit(const Data& d, const std::vector<int>& cols,
          const std::vector<int>& rows, double l2) {
  const int k = static_cast<int>(cols.size());
  const int n = static_cast<int>(rows.size());
  MatrixXd a(n, k + 1);
  VectorXd t(n);
  for (int r = 0; r < n; ++r) {
    a(r, 0) = 1.0;
    for (int c = 0; c < k; ++c) a(r, c + 1) = d.x(rows[r], cols[c]);
    t(r) = d.y[rows[r]] ? 1.0 : 0.0;
  }
  VectorXd beta = VectorXd::Zero(k + 1);
  MatrixXd reg = MatrixXd::Identity(k + 1, k + 1) * l2;
  reg(0, 0) = 0;
  for (int iter = 0; iter < 50; ++iter) {
    VectorXd p = (a * beta).unaryExpr([](double v) { return Sigmoid(v); });
    VectorXd s = p.cwiseProduct(VectorXd::Ones(n) - p);
    VectorXd grad = a.transpose() * (p - t) + reg * beta;
    MatrixXd h = a.transpose() * s.asDiagonal() * a + reg;
    VectorXd step = h.ldlt().solve(grad);
    beta -= step;
    if (step.norm() < 1e-10) break;
  }
  Model m;
  m.cols = cols;
  m.intercept = beta(0);
  m.w = beta.tail(k);
  return m;
}

// Metrics over `rows` (labels copied: std::vector<bool> is no span).
struct Rows {
  std::vector<double> scores;
  std::unique_ptr<bool[]> labels;
  size_t n = 0;
  std::span<const bool> l() const { return {labels.get(), n}; }
};

Rows Collect(const Model& m, const Data& d, const std::vector<int>& rows) {
  Rows r;
  r.n = rows.size();
  r.labels.reset(new bool[r.n]);
  for (size_t i = 0; i < r.n; ++i) {
    r.scores.push_back(Score(m, d, rows[i]));
    r.labels[i] = d.y[rows[i]];
  }
  return r;
}

struct CvResult {
  double accuracy = 0;  // Threshold chosen on the training folds.
  double f1 = 0;
  double auc = 0;           // Of the out-of-fold scores.
  std::vector<double> oof;  // Out-of-fold scores of the last repeat.
};

// k-fold cross-validation, repeated `repeats` times with different shuffles.
CvResult CrossValidate(const Data& d, const std::vector<int>& cols, int folds,
                       double l2, int repeats = 3) {
  const int n = static_cast<int>(d.y.size());
  CvResult total;
  for (int rep = 0; rep < repeats; ++rep) {
    std::vector<int> perm(n);
    std::iota(perm.begin(), perm.end(), 0);
    std::mt19937 rng(12345 + rep);
    std::shuffle(perm.begin(), perm.end(), rng);
    uint64_t tp = 0, fp = 0, tn = 0, fn = 0;
    std::vector<double> oof(n);
    for (int k = 0; k < folds; ++k) {
      std::vector<int> train, test;
      for (int i = 0; i < n; ++i) {
        (i % folds == k ? test : train).push_back(perm[i]);
      }
      Model m = Fit(d, cols, train, l2);
      Rows tr = Collect(m, d, train);
      double threshold =
          refrain::BestAccuracyThreshold(tr.scores, tr.l()).threshold;
      Rows te = Collect(m, d, test);
      for (size_t i = 0; i < test.size(); ++i) oof[test[i]] = te.scores[i];
      refrain::BinaryMetrics bm =
          refrain::ComputeMetrics(te.scores, te.l(), threshold);
      tp += bm.tp;
      fp += bm.fp;
      tn += bm.tn;
      fn += bm.fn;
    }
    const double p = static_cast<double>(tp) / static_cast<double>(tp + fp);
    const double r = static_cast<double>(tp) / static_cast<double>(tp + fn);
    total.accuracy += static_cast<double>(tp + tn) / n / repeats;
    total.f1 += 2 * p * r / (p + r) / repeats;
    std::vector<int> all(n);
    std::iota(all.begin(), all.end(), 0);
    std::unique_ptr<bool[]> labels(new bool[n]);
    for (int i = 0; i < n; ++i) labels[i] = d.y[i];
    total.auc +=
        refrain::RocAuc(oof, {labels.get(), static_cast<size_t>(n)}) / repeats;
    total.oof = std::move(oof);
  }
  return total;
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t c = s.find(',', pos);
    if (c == std::string::npos) c = s.size();
    if (c > pos) out.push_back(s.substr(pos, c - pos));
    pos = c + 1;
  }
  return out;
}

// The sign a feature's weight must have in a monotone model: similarity
// features never lower the score, mismatch features never raise it; 0 = any.
int ExpectedSign(const std::string& name) {
  if (name.find("unmatched") != std::string::npos ||
      name.find("mismatch") != std::string::npos ||
      name.find("conflict") != std::string::npos) {
    return -1;
  }
  if (name == "short_len" || name == "len_ratio") return 0;
  return 1;
}

bool Monotone(const Model& m, const std::vector<std::string>& names) {
  for (size_t c = 0; c < m.cols.size(); ++c) {
    const int sign = ExpectedSign(names[m.cols[c]]);
    if (sign * m.w(static_cast<int>(c)) < 0) return false;
  }
  return true;
}

int Usage() {
  std::cerr
      << "usage: fit_claim_model PAIRS.tsv [--features f1,f2,...] [--folds K] "
         "[--l2 L] [--no-wordnet] [--no-containment] [--ablate] [--forward] "
         "[--threshold T] [--each] [--curve] [--monotone] [--time] [--dump "
         "FILE]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string path = argv[1];
  std::string features_flag, dump;
  int folds = 10;
  double l2 = 1.0;
  double threshold = 0.5;
  bool wordnet = true, ablate = false, each = false, forward = false,
       monotone = false, curve = false, timing = false;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--features" && i + 1 < argc) {
      features_flag = argv[++i];
    } else if (a == "--folds" && i + 1 < argc) {
      folds = std::atoi(argv[++i]);
    } else if (a == "--l2" && i + 1 < argc) {
      l2 = std::atof(argv[++i]);
    } else if (a == "--dump" && i + 1 < argc) {
      dump = argv[++i];
    } else if (a == "--no-wordnet") {
      wordnet = false;
    } else if (a == "--no-containment") {
      g_containment = false;
    } else if (a == "--ablate") {
      ablate = true;
    } else if (a == "--each") {
      each = true;
    } else if (a == "--threshold" && i + 1 < argc) {
      threshold = std::atof(argv[++i]);
    } else if (a == "--time") {
      timing = true;
    } else if (a == "--curve") {
      curve = true;
    } else if (a == "--monotone") {
      monotone = true;
    } else if (a == "--forward") {
      forward = true;
    } else {
      return Usage();
    }
  }
  if (folds < 2) return Usage();

  absl::StatusOr<refrain::PairFile> file = refrain::ReadPairFile(path);
  if (!file.ok()) {
    std::cerr << file.status().message() << "\n";
    return 1;
  }
  for (const std::string& m : file->malformed) std::cerr << m << "\n";
  absl::StatusOr<refrain::TermAnalyzer> analyzer =
      refrain::TermAnalyzer::Create(refrain::TermAnalyzerOptions());
  refrain::ClaimScorerOptions so;
  if (!wordnet) so.wordnet_dir = "";
  absl::StatusOr<refrain::ClaimScorer> scorer =
      refrain::ClaimScorer::Create(so);
  if (!analyzer.ok() || !scorer.ok()) {
    std::cerr << "cannot create the scorer\n";
    return 1;
  }

  // IDF from all the sentences of the file, as eval-pairs does.
  const size_t n = file->pairs.size();
  std::vector<refrain::UnitTerms> t1(n), t2(n);
  refrain::IdfTable idf;
  for (size_t i = 0; i < n; ++i) {
    t1[i] = analyzer->Analyze(file->pairs[i].text1);
    t2[i] = analyzer->Analyze(file->pairs[i].text2);
    idf.Add(t1[i]);
    idf.Add(t2[i]);
  }

  if (timing) {
    // ClaimScorer::Score() per pair: the first pass fills the WordNet sense
    // cache, later passes are the steady state of a long scan.
    using Clock = std::chrono::steady_clock;
    double sink = 0;
    for (int pass = 0; pass < 6; ++pass) {
      const auto start = Clock::now();
      for (size_t i = 0; i < n; ++i) sink += scorer->Score(t1[i], t2[i], idf);
      const double us =
          std::chrono::duration<double, std::micro>(Clock::now() - start)
              .count();
      std::printf("Score() pass %d: %.2f us per pair (%zu pairs)\n", pass + 1,
                  us / static_cast<double>(n), n);
    }
    const auto start = Clock::now();
    for (size_t i = 0; i < n; ++i) {
      refrain::UnitTerms a = analyzer->Analyze(file->pairs[i].text1);
      sink += static_cast<double>(a.stems.size());
    }
    const double us =
        std::chrono::duration<double, std::micro>(Clock::now() - start).count();
    std::printf("Analyze() %.2f us per sentence (checksum %.3f)\n",
                us / static_cast<double>(n), sink);
  }

  // Pair features and, where Score() uses it, the containment window's.
  Data data;
  data.names = refrain::ClaimScorer::FeatureNames();
  const int k = static_cast<int>(data.names.size());
  data.x.resize(static_cast<int>(n), k);
  data.xw.resize(static_cast<int>(n), k);
  std::vector<double> f, fw;
  for (size_t i = 0; i < n; ++i) {
    scorer->Features(t1[i], t2[i], idf, &f);
    data.window.push_back(scorer->WindowFeatures(t1[i], t2[i], idf, &fw));
    const int r = static_cast<int>(i);
    for (int c = 0; c < k; ++c) {
      data.x(r, c) = f[c];
      data.xw(r, c) = fw[c];
    }
    data.y.push_back(file->pairs[i].positive);
  }

  if (!dump.empty()) {
    // label, line, window, the pair features, then the window's ("win.").
    std::FILE* out = std::fopen(dump.c_str(), "w");
    if (out == nullptr) {
      std::cerr << "cannot write " << dump << "\n";
      return 1;
    }
    std::fprintf(out, "label\tline\twindow");
    for (const std::string& name : data.names)
      std::fprintf(out, "\t%s", name.c_str());
    for (const std::string& name : data.names) {
      std::fprintf(out, "\t%s%s", kWindowPrefix, name.c_str());
    }
    std::fprintf(out, "\n");
    for (size_t i = 0; i < n; ++i) {
      const int r = static_cast<int>(i);
      std::fprintf(out, "%d\t%u\t%d", data.y[i] ? 1 : 0, file->pairs[i].line,
                   data.window[i] ? 1 : 0);
      for (int c = 0; c < k; ++c) std::fprintf(out, "\t%.5f", data.x(r, c));
      for (int c = 0; c < k; ++c) std::fprintf(out, "\t%.5f", data.xw(r, c));
      std::fprintf(out, "\n");
    }
    std::fclose(out);
  }

  std::vector<int> cols;
  if (features_flag.empty()) {
    for (int c = 0; c < k; ++c) cols.push_back(c);
  } else {
    for (const std::string& name : Split(features_flag)) {
      auto it = std::find(data.names.begin(), data.names.end(), name);
      if (it == data.names.end()) {
        std::cerr << "unknown feature " << name << "\n";
        return 2;
      }
      cols.push_back(static_cast<int>(it - data.names.begin()));
    }
  }

  std::vector<int> everything(n);
  std::iota(everything.begin(), everything.end(), 0);

  if (each) {
    std::printf("%-20s %8s %8s %8s\n", "feature alone", "cv_acc", "cv_f1",
                "auc");
    for (int c : cols) {
      CvResult r = CrossValidate(data, {c}, folds, l2, 1);
      std::printf("%-20s %8.4f %8.4f %8.4f\n", data.names[c].c_str(),
                  r.accuracy, r.f1, r.auc);
    }
  }

  if (forward) {
    // Greedy forward selection among `cols` by cross-validated accuracy.
    std::vector<int> chosen, left = cols;
    std::printf("%-20s %8s %8s %8s\n", "forward: + feature", "cv_acc", "cv_f1",
                "auc");
    while (!left.empty()) {
      double best_acc = -1;
      size_t best_k = 0;
      CvResult best_r;
      for (size_t j = 0; j < left.size(); ++j) {
        std::vector<int> trial = chosen;
        trial.push_back(left[j]);
        if (monotone && !Monotone(Fit(data, trial, everything, l2), data.names))
          continue;
        CvResult r = CrossValidate(data, trial, folds, l2);
        if (r.accuracy > best_acc) {
          best_acc = r.accuracy;
          best_k = j;
          best_r = r;
        }
      }
      if (best_acc < 0) break;  // No candidate keeps the model monotone.
      chosen.push_back(left[best_k]);
      std::printf("%-20s %8.4f %8.4f %8.4f\n", data.names[left[best_k]].c_str(),
                  best_r.accuracy, best_r.f1, best_r.auc);
      left.erase(left.begin() + static_cast<long>(best_k));
    }
  }

  const CvResult cv = CrossValidate(data, cols, folds, l2);
  const Model m = Fit(data, cols, everything, l2);
  const Rows all = Collect(m, data, everything);
  const refrain::BinaryMetrics best =
      refrain::BestAccuracyThreshold(all.scores, all.l());
  std::printf(
      "pairs=%zu features=%zu wordnet=%d containment=%d l2=%g monotone=%d\n", n,
      cols.size(), wordnet ? 1 : 0, g_containment ? 1 : 0, l2,
      Monotone(m, data.names) ? 1 : 0);
  std::printf("cv%d: accuracy=%.4f f1=%.4f auc=%.4f\n", folds, cv.accuracy,
              cv.f1, cv.auc);
  const refrain::BinaryMetrics at =
      refrain::ComputeMetrics(all.scores, all.l(), threshold);
  std::printf(
      "train: accuracy=%.4f precision=%.4f recall=%.4f f1=%.4f at threshold "
      "%.4f\n",
      at.accuracy, at.precision, at.recall, at.f1, threshold);
  std::printf(
      "train: accuracy=%.4f precision=%.4f recall=%.4f f1=%.4f at the best "
      "threshold "
      "%.4f; auc=%.4f\n",
      best.accuracy, best.precision, best.recall, best.f1, best.threshold,
      refrain::RocAuc(all.scores, all.l()));

  if (curve) {
    // Accuracy and F1 at fixed thresholds: on the whole file (model fitted
    // on it) and out of fold.
    std::unique_ptr<bool[]> labels(new bool[n]);
    for (size_t i = 0; i < n; ++i) labels[i] = data.y[i];
    std::span<const bool> l(labels.get(), n);
    std::printf("\n%9s %9s %9s %9s %9s\n", "threshold", "train_acc", "train_f1",
                "oof_acc", "oof_f1");
    for (double t = 0.30; t < 0.801; t += 0.02) {
      refrain::BinaryMetrics tr = refrain::ComputeMetrics(all.scores, l, t);
      refrain::BinaryMetrics oo = refrain::ComputeMetrics(cv.oof, l, t);
      std::printf("%9.2f %9.4f %9.4f %9.4f %9.4f\n", t, tr.accuracy, tr.f1,
                  oo.accuracy, oo.f1);
    }
  }

  if (ablate) {
    std::printf("\n%-20s %8s %8s %8s\n", "without", "cv_acc", "delta", "auc");
    for (size_t drop = 0; drop < cols.size(); ++drop) {
      std::vector<int> rest;
      for (size_t c = 0; c < cols.size(); ++c) {
        if (c != drop) rest.push_back(cols[c]);
      }
      CvResult r = CrossValidate(data, rest, folds, l2);
      std::printf("%-20s %8.4f %+8.4f %8.4f\n", data.names[cols[drop]].c_str(),
                  r.accuracy, r.accuracy - cv.accuracy, r.auc);
    }
  }

  std::printf(
      "\n// Produced by: fit_claim_model %s%s%s --folds %d --l2 %g --threshold "
      "%g\n",
      path.c_str(), features_flag.empty() ? "" : " --features ",
      features_flag.c_str(), folds, l2, threshold);
  std::printf("inline constexpr double kIntercept = %.6f;\n", m.intercept);
  std::printf("inline constexpr Weight kWeights[] = {\n");
  for (size_t c = 0; c < cols.size(); ++c) {
    std::printf("    {\"%s\", %.6f},\n", data.names[cols[c]].c_str(),
                m.w(static_cast<int>(c)));
  }
  std::printf("};\ninline constexpr double kThreshold = %.4f;\n", threshold);
  return 0;
}

#include "refrain/scan.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "refrain/normalize.h"
#include "refrain/report.h"

namespace refrain {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Sets the OpenMP thread count for the scan and restores it afterwards.
class ThreadScope {
 public:
  explicit ThreadScope(int threads) : saved_(omp_get_max_threads()) {
    if (threads > 0) omp_set_num_threads(threads);
  }
  ~ThreadScope() { omp_set_num_threads(saved_); }

 private:
  int saved_;
};

// What the pipeline keeps of each document between stages.
struct Sketch {
  ShingleSet shingles;
};

// One input event, in input order: a record to parse or a skip from the walk.
struct Pending {
  RawRecord record;
  std::variant<Document, SkippedRecord> result;
};

}  // namespace

double EffectiveLshThreshold(const ScanOptions& o) {
  if (o.lsh_threshold > 0) return o.lsh_threshold;
  if (o.containment_threshold >= 1.0) return o.threshold;
  // Jaccard of a pair whose smaller set (ratio r of the larger) has
  // containment c: c r / (1 + r - c r).
  const double c = o.containment_threshold, r = 0.8;
  return std::min(o.threshold, c * r / (1 + r - c * r));
}

absl::Status ValidateScanOptions(const ScanOptions& o) {
  if (auto s = ValidateIngestOptions(o.ingest); !s.ok()) return s;
  if (auto s = ValidateSegmentOptions(o.segment); !s.ok()) return s;
  if (auto s = ValidateShingleOptions(o.shingle); !s.ok()) return s;
  if (auto s = ValidateMinHashOptions(o.minhash); !s.ok()) return s;
  if (!(o.threshold > 0.0 && o.threshold < 1.0)) {
    return absl::InvalidArgumentError("--threshold must be in (0, 1)");
  }
  if (!(o.containment_threshold > 0.0 && o.containment_threshold <= 1.0)) {
    return absl::InvalidArgumentError("--containment must be in (0, 1]");
  }
  if (!(o.min_length_ratio > 0.0 && o.min_length_ratio <= 1.0)) {
    return absl::InvalidArgumentError("--min-length-ratio must be in (0, 1]");
  }
  if (!(o.lsh_threshold >= 0.0 && o.lsh_threshold < 1.0)) {
    return absl::InvalidArgumentError("--lsh-threshold must be in [0, 1)");
  }
  if ((o.bands == 0) != (o.rows == 0)) {
    return absl::InvalidArgumentError("--bands and --rows go together");
  }
  if (o.bands != 0 && uint64_t{o.bands} * o.rows > o.minhash.num_perm) {
    return absl::InvalidArgumentError("--bands x --rows must be <= --num-perm");
  }
  if (o.fp_weight < 0 || o.fn_weight < 0 || o.fp_weight + o.fn_weight <= 0) {
    return absl::InvalidArgumentError("LSH weights must be >= 0 and not both 0");
  }
  if (o.max_bucket < 2) return absl::InvalidArgumentError("--max-bucket must be >= 2");
  if (o.max_cluster_pairs < 2) {
    return absl::InvalidArgumentError("--max-cluster-pairs must be >= 2");
  }
  if (o.threads < 0) return absl::InvalidArgumentError("--threads must be >= 0");
  if (o.batch_records < 1) return absl::InvalidArgumentError("batch size must be >= 1");
  return absl::OkStatus();
}

absl::StatusOr<Report> RunScan(std::span<const std::string> paths,
                               const ScanOptions& options,
                               const ProgressFn& progress) {
  if (auto s = ValidateScanOptions(options); !s.ok()) return s;
  ThreadScope thread_scope(options.threads);
  const auto t0 = Clock::now();

  Report report;
  report.options = options;
  report.lsh_threshold = EffectiveLshThreshold(options);
  report.lsh = options.bands != 0
                   ? LshParams{options.bands, options.rows}
                   : OptimalLshParams(report.lsh_threshold, options.minhash.num_perm,
                                      options.fp_weight, options.fn_weight);
  const MinHasher hasher(options.minhash);
  const uint32_t k = options.minhash.num_perm;

  std::vector<Sketch> sketches;
  std::vector<uint32_t> signatures;  // documents x k
  absl::flat_hash_map<std::string, uint32_t> id_index;

  // ---- Ingest, normalize, shingle, sign: batch by batch, in parallel. ----
  std::vector<Pending> batch;
  auto process_batch = [&]() {
    const int64_t n = static_cast<int64_t>(batch.size());
    std::vector<Sketch> batch_sketches(batch.size());
    std::vector<uint32_t> batch_sigs(batch.size() * k);
#pragma omp parallel for schedule(dynamic, 8)
    for (int64_t i = 0; i < n; ++i) {
      Pending& p = batch[i];
      if (std::holds_alternative<SkippedRecord>(p.result)) continue;
      p.result = ParseRecord(std::move(p.record), options.ingest);
      if (auto* doc = std::get_if<Document>(&p.result)) {
        NormalizedText norm = Normalize(doc->text);
        thread_local std::vector<Token> tokens;
        Tokenize(norm.text(), &tokens);
        batch_sketches[i].shingles = Shingles(norm.text(), tokens, options.shingle);
        hasher.Sign(batch_sketches[i].shingles,
                    std::span<uint32_t>(batch_sigs).subspan(i * k, k));
      }
    }
    // Sequential merge keeps input order and catches duplicate ids.
    for (int64_t i = 0; i < n; ++i) {
      Pending& p = batch[i];
      if (auto* skip = std::get_if<SkippedRecord>(&p.result)) {
        report.skipped.push_back(std::move(*skip));
        continue;
      }
      Document& doc = std::get<Document>(p.result);
      auto [it, inserted] = id_index.try_emplace(
          doc.id, static_cast<uint32_t>(report.documents.size()));
      if (!inserted) {
        report.skipped.push_back(SkippedRecord{
            doc.location,
            absl::StrCat("duplicate id '", doc.id, "' (first at ",
                         report.documents[it->second].location, ")")});
        continue;
      }
      report.input_bytes += doc.input_bytes;
      report.invalid_utf8 += doc.invalid_utf8;
      report.documents.push_back(std::move(doc));
      sketches.push_back(std::move(batch_sketches[i]));
      signatures.insert(signatures.end(), batch_sigs.begin() + i * k,
                        batch_sigs.begin() + (i + 1) * k);
    }
    batch.clear();
    if (progress) progress(report.documents.size(), report.input_bytes);
  };
  std::function<void(RawRecord&&)> on_record = [&](RawRecord&& r) {
    batch.push_back(Pending{std::move(r), Document{}});
    if (batch.size() >= options.batch_records) process_batch();
  };
  std::function<void(SkippedRecord&&)> on_skip = [&](SkippedRecord&& s) {
    batch.push_back(Pending{RawRecord{}, std::move(s)});
  };
  if (auto s = ReadRecords(paths, options.ingest, on_record, on_skip); !s.ok()) {
    return s;
  }
  process_batch();
  report.records = report.documents.size() + report.skipped.size();
  report.timings.ingest_s = Seconds(t0);

  // ---- LSH candidates. ----
  auto t1 = Clock::now();
  LshIndex index(report.lsh, k);
  index.Add(signatures);
  index.Build();
  LshIndex::CandidateStats stats;
  std::vector<std::pair<uint32_t, uint32_t>> candidates =
      index.CandidatePairs(options.max_bucket, &stats);
  report.candidate_pairs = candidates.size();
  report.capped_buckets = stats.buckets_capped;
  report.timings.lsh_s = Seconds(t1);

  // ---- Verify every candidate by exact Jaccard. ----
  auto t2 = Clock::now();
  const int64_t nc = static_cast<int64_t>(candidates.size());
  struct Verified {
    double jaccard = 0, containment = 0;
    bool near_duplicate = false;
  };
  std::vector<Verified> verified(candidates.size());
#pragma omp parallel for schedule(dynamic, 64)
  for (int64_t i = 0; i < nc; ++i) {
    const ShingleSet& a = sketches[candidates[i].first].shingles;
    const ShingleSet& b = sketches[candidates[i].second].shingles;
    Verified& v = verified[i];
    if (a.empty() || b.empty()) continue;
    const double inter = static_cast<double>(IntersectionSize(a, b));
    const double small = static_cast<double>(std::min(a.size(), b.size()));
    const double large = static_cast<double>(std::max(a.size(), b.size()));
    v.jaccard = inter / (small + large - inter);
    v.containment = inter / small;
    v.near_duplicate = v.jaccard >= options.threshold ||
                       (v.containment >= options.containment_threshold &&
                        small >= options.min_length_ratio * large);
  }
  std::vector<Edge> edges;
  for (int64_t i = 0; i < nc; ++i) {
    if (verified[i].near_duplicate) {
      edges.push_back(Edge{candidates[i].first, candidates[i].second, verified[i].jaccard});
    }
  }
  const uint32_t num_docs = static_cast<uint32_t>(report.documents.size());
  report.similarity = BuildSimilarityMatrix(num_docs, edges);
  report.timings.verify_s = Seconds(t2);

  // ---- Cluster, and choose which pairs the report lists. ----
  auto t3 = Clock::now();
  std::vector<Cluster> clusters = ConnectedComponents(report.similarity);
  std::vector<const Cluster*> cluster_of(num_docs, nullptr);
  for (const Cluster& c : clusters) {
    for (uint32_t m : c.members) cluster_of[m] = &c;
  }
  auto estimate = [&](uint32_t a, uint32_t b) {
    return EstimateJaccard(std::span<const uint32_t>(signatures).subspan(a * k, k),
                           std::span<const uint32_t>(signatures).subspan(b * k, k));
  };
  for (const Edge& e : MatrixEdges(report.similarity)) {
    if (cluster_of[e.a]->members.size() > options.max_cluster_pairs) continue;
    report.pairs.push_back({e.a, e.b, e.similarity,
                            Containment(sketches[e.a].shingles, sketches[e.b].shingles),
                            estimate(e.a, e.b)});
  }
  for (Cluster& c : clusters) {
    DocumentCluster dc;
    dc.pairs_to_representative = c.members.size() > options.max_cluster_pairs;
    if (dc.pairs_to_representative) {
      const uint32_t r = c.representative;
      for (uint32_t m : c.members) {
        if (m == r) continue;
        report.pairs.push_back({r, m, Jaccard(sketches[r].shingles, sketches[m].shingles),
                                Containment(sketches[r].shingles, sketches[m].shingles),
                                estimate(r, m)});
      }
    }
    dc.cluster = std::move(c);
    report.clusters.push_back(std::move(dc));
  }
  std::sort(report.pairs.begin(), report.pairs.end(),
            [](const NearDuplicatePair& x, const NearDuplicatePair& y) {
              return x.a != y.a ? x.a < y.a : x.b < y.b;
            });
  report.timings.cluster_s = Seconds(t3);
  report.timings.total_s = Seconds(t0);
  return report;
}

}  // namespace refrain

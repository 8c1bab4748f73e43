// The result of a scan as a plain value, and its output formats.
//
// Writers are library code (as ripgrep's printers): the CLI only picks them.
// The JSON schema is documented in docs/report-format.md; bump
// kReportSchemaVersion on any incompatible change.
#ifndef REFRAIN_REPORT_H_
#define REFRAIN_REPORT_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "refrain/cluster.h"
#include "refrain/document.h"
#include "refrain/lsh.h"
#include "refrain/scan.h"
#include "refrain/similarity.h"

namespace refrain {

inline constexpr int kReportSchemaVersion = 1;

struct NearDuplicatePair {
  uint32_t a = 0;  // Document indexes into Report::documents, a < b.
  uint32_t b = 0;
  double jaccard = 0.0;      // Exact, over shingle sets.
  double containment = 0.0;  // Exact: shared / shingles of the smaller.
  double estimate = 0.0;     // MinHash estimate of the Jaccard similarity.
};

struct DocumentCluster {
  Cluster cluster;
  // True when the cluster has more than max_cluster_pairs members and its
  // entries in Report::pairs are each member's edge to the representative.
  bool pairs_to_representative = false;
};

struct Timings {
  double ingest_s = 0, lsh_s = 0, verify_s = 0, cluster_s = 0, total_s = 0;
};

struct Report {
  ScanOptions options;      // As given (threads excluded from outputs).
  LshParams lsh;            // Effective banding.
  double lsh_threshold = 0; // What the banding was tuned for.
  uint64_t records = 0;     // documents.size() + skipped.size().
  uint64_t input_bytes = 0; // Text bytes of all documents, before repair.
  uint64_t invalid_utf8 = 0;
  std::vector<Document> documents;      // In input order.
  std::vector<SkippedRecord> skipped;   // In input order.
  uint64_t candidate_pairs = 0;         // LSH candidates verified.
  uint64_t capped_buckets = 0;          // LSH buckets over max_bucket.
  SimilarityMatrix similarity;          // Verified near-duplicate edges.
  std::vector<NearDuplicatePair> pairs; // As reported (see DocumentCluster).
  std::vector<DocumentCluster> clusters;
  Timings timings;                      // Not part of report.json.
};

// Writes report.json. Deterministic: same report, same bytes.
void WriteJson(const Report& report, std::ostream& out);

// The short human summary printed by `refrain scan`.
void WriteSummary(const Report& report, std::ostream& out, int top_pairs = 10);

// Writes `contents` to `path` atomically: a temporary file in the same
// directory, flushed, then renamed over `path`.
absl::Status WriteFileAtomically(const std::string& path, const std::string& contents);

}  // namespace refrain

#endif  // REFRAIN_REPORT_H_

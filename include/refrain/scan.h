// The scan pipeline: ingest -> normalize -> segment -> shingle -> minhash ->
// lsh -> verify (similarity) -> cluster -> claims, producing a Report.
#ifndef REFRAIN_SCAN_H_
#define REFRAIN_SCAN_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "refrain/claims.h"
#include "refrain/ingest.h"
#include "refrain/minhash.h"
#include "refrain/segment.h"
#include "refrain/shingle.h"

namespace refrain {

struct Report;

// Which member of a near-duplicate cluster is its representative.
enum class KeepPolicy {
  kFirst,     // The first in input order.
  kLongest,   // The most text (Document::text_bytes); ties: the first.
  kEarliest,  // The earliest `date`: RFC 3339 / ISO 8601, RFC 1123 and
              // written ("November 23, 2026", "Fri, 23 Nov 2026", "Nov. 23,
              // 2026") dates are compared as instants (no zone: UTC), other
              // texts after them as text (Report::dates_not_read counts
              // them), undated last; ties: the first.
};
const char* KeepPolicyName(KeepPolicy k);  // "first", "longest", "earliest"

struct ScanOptions {
  IngestOptions ingest;
  SegmentOptions segment;
  ShingleOptions shingle;
  MinHashOptions minhash;
  ClaimOptions claims;

  // Exact Jaccard similarity of shingle sets at or above which two documents
  // are near-duplicates. Default 0.8; range (0, 1).
  double threshold = 0.8;
  // A re-post with a new header or footer has a low Jaccard similarity but
  // its smaller text is almost all inside the larger one. Two documents are
  // also near-duplicates when containment (shared shingles / shingles of the
  // smaller) is at least this and the smaller has at least
  // `min_length_ratio` of the larger's shingles (so a paragraph quoted in a
  // long article is not a duplicate of it: that is claims' business).
  // Default 0.9; 1 disables; range (0, 1].
  double containment_threshold = 0.9;
  // Default 0.5; range (0, 1].
  double min_length_ratio = 0.5;
  // The Jaccard similarity LSH is tuned to find. 0 (default): the lower of
  // `threshold` and the Jaccard of a pair at `containment_threshold` whose
  // smaller text is 70% of the larger (0.589 for 0.9: 25 bands x 5 rows),
  // so re-posts whose new header and footer add up to 43% of the article
  // are found with probability 0.99 (0.92 at 60%).
  double lsh_threshold = 0.0;
  // LSH banding. 0 for both (default): chosen from lsh_threshold and num_perm
  // by OptimalLshParams with the weights below. Otherwise both must be set
  // and bands * rows <= num_perm.
  uint32_t bands = 0;
  uint32_t rows = 0;
  // Weights of the false-positive and false-negative areas when choosing the
  // banding. Every candidate is verified exactly, so a false positive costs
  // one set intersection while a false negative is a duplicate lost for
  // good: the defaults 0.1 / 0.9 favour recall (k=128, t=0.8 gives 14 bands
  // x 9 rows: a pair at Jaccard 0.9 becomes a candidate with probability
  // 0.999, against 0.93 for datasketch's equal weights, 9 x 13). Each >= 0,
  // not both 0.
  double fp_weight = 0.1;
  double fn_weight = 0.9;
  // An LSH bucket with more members than this pairs each member with one
  // member only instead of every other member: the one `keep` prefers (its
  // first under kFirst; see LshIndex::CandidatePairs). Default 1000; range
  // >= 2.
  uint32_t max_bucket = 1000;
  // A cluster with more members than this lists, in near_duplicates.pairs,
  // each member's edge to its representative instead of every verified pair,
  // so thousands of copies do not make the report quadratic. Default 50;
  // range >= 2.
  uint32_t max_cluster_pairs = 50;
  // Which member of each near-duplicate cluster is its representative: the
  // one a deduplicated dataset keeps (documents.csv `keep`, --write-kept)
  // and the one a large cluster lists its pairs with. With an index, a
  // member loaded from it that the run that added it kept always is (of the
  // earliest dump among them). Default kFirst.
  KeepPolicy keep = KeepPolicy::kFirst;

  // The floor: the same ingest (walk, decompression, JSON parsing, UTF-8
  // validation) and a split into words, and nothing else: no sketches, no
  // report content beyond counts. Every speed figure is given as a ratio to
  // it (docs/performance.md). Default false.
  bool floor = false;

  // Persistent index (index.h). When set, the new documents are also
  // compared with every article of earlier runs kept in this SQLite file
  // (pairs and claim matches then say "new-new" or "new-indexed"), then
  // added to it in one transaction; ids already indexed are not added
  // again. Created if missing; refused if built with other sketch
  // parameters. Not with `floor`. Default "" (no index).
  std::string index_path;
  // With index_path: compare with the indexed articles but add nothing. The
  // index must exist; it is opened read-only and read as one snapshot, so
  // the scan neither waits for a scan writing it nor sees that scan's dump
  // half-added. Default false.
  bool index_read_only = false;
  // With index_path: an article delivered again (its id indexed) whose
  // text is the indexed one up to whitespace (a re-serialized feed: CRLF,
  // trailing newlines, doubled spaces), counts as that indexed article,
  // so its pairs and claim matches with indexed articles and with other
  // such articles, reported when the later of the two was added, are not
  // reported again (daily dumps of a feed repeat yesterday's articles).
  // True reports them as a first scan of the dump did (a dump scanned
  // again to get its report again). Default false.
  bool index_report_unchanged = false;
  // With index_path, not index_read_only: a run that skipped a record (one
  // not SkippedRecord::passed_over) adds nothing to the index
  // (IndexSummary::withheld), and before_commit is not called. For `scan
  // --strict`, which fails such a run: had it added the good records, the
  // run repeated once the bad one was fixed found them already indexed, and
  // its --write-kept kept none of them. Default false.
  bool index_nothing_if_skipped = false;
  // How long to wait while another process writes the index, in
  // milliseconds, before failing with "index is locked by another process".
  // Default 30000; range >= 0.
  int index_wait_ms = 30000;
  // When the index merges its delta tier of recent dumps into its main
  // tables (IndexOptions::merge_min_documents). Default 50000; range >= 1.
  uint64_t index_merge_min_documents = 50000;

  // Worker threads; 0 (default) = DefaultThreadCount(). Does not change any
  // output. Range 0..kMaxThreads.
  int threads = 0;
  // Records parsed and sketched per parallel batch; up to three batches of
  // raw text are in flight (one being read, two queued). Default 512;
  // range >= 1.
  uint32_t batch_records = 512;
};

// The Jaccard similarity the LSH banding is tuned for (see lsh_threshold);
// for banding given (bands, rows), (1/bands)^(1/rows), about where its
// S-curve rises.
double EffectiveLshThreshold(const ScanOptions& options);

// Checks every field, once, at the API boundary.
absl::Status ValidateScanOptions(const ScanOptions& options);

// Most worker threads a scan runs: more than any machine's cores, and far
// fewer than where thread creation fails (libgomp crashed at 100,000).
inline constexpr int kMaxThreads = 1024;

// The worker threads of a scan with ScanOptions::threads = 0: OpenMP's
// count when OMP_NUM_THREADS is set (at most kMaxThreads); else the CPUs this
// process may run on, at most its cgroup's CPU quota rounded up (a container's
// --cpus or a Kubernetes CPU limit), so that no thread waits for CPU time the
// quota withholds.
int DefaultThreadCount();

// Called after each batch with (documents so far, input bytes so far).
using ProgressFn = std::function<void(uint64_t docs, uint64_t bytes)>;

// Called with the finished report before a scan that adds to an index
// (options.index_path, not index_read_only) commits its dump: the caller
// writes its outputs here, so that failing to write them (a mistyped
// directory, a full disk) adds nothing to the index and the same run can be
// repeated. Its error is RunScan's. The report's timings stop before the
// commit; the report RunScan returns has the full ones.
using BeforeIndexCommitFn = std::function<absl::Status(const Report&)>;

// Runs the whole pipeline over `paths`. Bad input records never fail the
// scan: they are listed in report.skipped. Fails on invalid options.
// The report is identical whatever options.threads is. `before_commit`: see
// BeforeIndexCommitFn; not called without an index to add to.
absl::StatusOr<Report> RunScan(
    std::span<const std::string> paths, const ScanOptions& options,
    const ProgressFn& progress = nullptr,
    const BeforeIndexCommitFn& before_commit = nullptr);

struct Comparison;

// Explains one pair of documents: Jaccard and containment of their shingle
// sets and every claim match between them, every pair of their units scored
// (no LSH, so also pairs a scan's candidate step missed). Without `inputs`
// or options.index_path, `a` and `b` are paths of files holding one
// document each (standard input, -, for one of them; a directory is
// refused before anything is read), and the claim scores' IDF comes from
// the two. Otherwise
// they are document ids looked up in the inputs, then in the index (opened
// read-only: an article of an earlier dump that a scan --index paired with
// a new one), and the IDF is the one a scan of the inputs (with that index)
// learns, so every claim match the scan reported comes back with the same
// score: the inputs are read twice (once to group their near-duplicates
// into stories, whose boilerplate lines are not claims), and standard input
// is refused. Comparison::idf says which.
absl::StatusOr<Comparison> CompareDocuments(const std::string& a,
                                            const std::string& b,
                                            std::span<const std::string> inputs,
                                            const ScanOptions& options);

// A comparison as the report of a scan of its two documents, for
// report.html (WriteHtml, `refrain compare --html`): their claim matches
// and clusters, and their pair and cluster if they are near-duplicates.
// `options`: those CompareDocuments was given.
Report ComparisonReport(const Comparison& c, const ScanOptions& options);

}  // namespace refrain

#endif  // REFRAIN_SCAN_H_

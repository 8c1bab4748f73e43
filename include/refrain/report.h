// The result of a scan as a plain value, and its output formats.
//
// Writers are library code (as ripgrep's printers): the CLI only picks them.
// The JSON schema is documented in docs/report-format.md; bump
// kReportSchemaVersion on any incompatible change.
#ifndef REFRAIN_REPORT_H_
#define REFRAIN_REPORT_H_

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "refrain/claims.h"
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
  // entries in Report::pairs are a spanning tree of its verified pairs,
  // grown breadth first from the representative (each member with the
  // member it is reached from; for copies of one text, each with the
  // representative).
  bool pairs_as_tree = false;
  // The members a deduplicated dataset keeps (documents.csv keep = 1,
  // --write-kept), ascending: the representative, then, in the order
  // ScanOptions::keep prefers, each member with no verified edge to one
  // kept before it. Every member left out has a kept near-duplicate at or
  // above the threshold; indexed members are kept as their runs left them
  // (IndexedOrigin::kept).
  std::vector<uint32_t> kept;
};

struct Timings {
  double ingest_s = 0, lsh_s = 0, verify_s = 0, cluster_s = 0, claims_s = 0,
         total_s = 0;
  double index_s = 0;  // scan --index: look-ups, loading and adding.
};

// Where an indexed document came from (scan --index).
struct IndexedOrigin {
  uint64_t dump_seq = 0;  // The dump that added it to the index (1, 2, ...).
  std::string dump_name;  // Its name (the input paths of that run).
  std::string dump_time;  // When it was added (UTC, ISO 8601).
  // Whether that run's deduplicated dataset kept it. A document it left
  // out does not count as kept now either: a new article like it alone is
  // kept.
  bool kept = true;
};

// What `scan --index` did. Report::documents then starts with the indexed
// documents the new ones were compared with (in index order, as one scan
// over every dump would have seen them), followed by the new documents;
// pairs, clusters and claim matches all involve at least one new document.
struct IndexSummary {
  bool used = false;       // False: no index, every other field empty.
  bool read_only = false;  // scan --index-read-only: nothing was added.
  // ScanOptions::index_nothing_if_skipped and a record was skipped, or the
  // claims stage stopped at a limit (Report::claims_error): nothing was
  // added (added 0, dump_seq 0), the index is as it was.
  bool withheld = false;
  std::string path;        // The index file.
  uint32_t loaded = 0;     // Report::documents[0, loaded) come from the index.
  std::vector<IndexedOrigin> origins;  // Per loaded document.
  uint64_t documents_before = 0;       // In the index before this run.
  // The banding this run's threshold would choose, when the run took the
  // index's instead (Report::lsh; --bands not given, and the index built
  // at another threshold); {0, 0} otherwise.
  LshParams banding_for_threshold;
  // New documents whose id was already there (indexes into
  // Report::documents, ascending): compared with the index, and, as the
  // same articles an earlier run handled, not kept again by a deduplicated
  // dataset (documents.csv keep 0, --write-kept). Those edited (not in
  // `unchanged`) replace their indexed version (`replaced`); the others
  // are not added again.
  std::vector<uint32_t> reindexed;
  // Those of `reindexed` whose text is the indexed one up to whitespace
  // (runs of spaces, tabs and line breaks count as one; ends trimmed): as
  // the indexed article, their pairs and claim matches with indexed
  // articles and with each other are not reported again (they were when
  // the later of the two was added), only those with articles new to the
  // index. Indexes into Report::documents, ascending.
  std::vector<uint32_t> unchanged;
  // Those of `reindexed` edited (not the indexed text up to whitespace)
  // whose indexed version its run left out of the deduplicated dataset, a
  // near-duplicate of an article kept. An edit may have made it an article
  // of its own: it is kept as a new article would be (documents.csv keep,
  // --write-kept), and the index then counts it as kept. Ascending.
  std::vector<uint32_t> edited_left_out;
  // With --index-report-unchanged ("a dump scanned again for its report"):
  // those of `reindexed` with the indexed text up to whitespace, or an
  // older version of it (`older`), whose article the index keeps. They
  // are kept again (documents.csv keep, --write-kept), so
  // that a dump scanned again gives its first scan's dataset; without the
  // flag a re-delivery is left out, its article being in an earlier
  // dataset (review 39c-01: a rerun wrote an empty dataset). Ascending.
  std::vector<uint32_t> rerun_kept;
  // Re-deliveries with the indexed text up to whitespace whose source,
  // title, URL or date differ from the indexed ones (a corrected headline,
  // a moved date): the index takes the new metadata, so that `index
  // remove --before` and later reports go by it (not with --index-read-only
  // or `withheld`). Indexes into Report::documents, ascending.
  std::vector<uint32_t> corrected;
  // Those of `reindexed` edited (not the indexed text up to whitespace)
  // that are an older version, as when an earlier day's dump is scanned
  // again: a text an edit replaced in the index (IndexedVersion::
  // superseded; unless dated after the indexed version: a revert), or one
  // dated before the indexed version (both read as instants). Compared
  // with its text, but not added: the index keeps the newer version
  // (review 44b-04: the older text replaced it). Also a replaced text
  // beside the current one in one dump (not in `reindexed`: the current
  // one is; review 44c-02). Ascending.
  std::vector<uint32_t> older;
  // New documents whose id the index holds for another article (their
  // signatures share under half their slots: ids reused by dumps that
  // number from 1 each day, or standard input read as "<stdin>" each
  // time), renamed ID#HASH as a record of an id shared within one dump is
  // (Document::input_id_bytes gives the id it came with), and added under
  // that name. Indexes into Report::documents, ascending.
  std::vector<uint32_t> id_renamed;
  // New documents found in the index under another name than the one this
  // run gave them (ID#HASH where the id was shared in an earlier dump and
  // is alone here, or the reverse), which they take. Indexes into
  // Report::documents, ascending.
  std::vector<uint32_t> named_as_indexed;
  // The same, when the name ID#HASH is held too (by another article, or
  // the id is shared in this run and so already ID#HASH): compared as the
  // new articles they are, but not added, since an id names one indexed
  // article. Indexes into Report::documents, ascending.
  std::vector<uint32_t> id_taken;
  // What the index knew of new document d: "unchanged" or "edited" (in
  // `reindexed`, text the indexed one up to whitespace or not), "id_taken",
  // or nullptr (new to the index). report.json's documents[].in_index.
  const char* StatusOf(uint32_t d) const {
    auto in = [d](const std::vector<uint32_t>& v) {
      return std::binary_search(v.begin(), v.end(), d);
    };
    if (in(id_taken)) return "id_taken";
    if (in(older)) return "older";
    if (!in(reindexed)) return nullptr;
    return in(unchanged) ? "unchanged" : "edited";
  }
  uint64_t added = 0;        // Documents added by this run.
  // Of `added`, edited articles whose indexed version they replaced.
  uint64_t replaced = 0;
  uint64_t units_added = 0;  // Claim units added.
  uint64_t dump_seq = 0;     // This run's dump; 0 when it added nothing.
  std::string dump_name;     // This run's dump name.

  // True if document `d` of the report was loaded from the index.
  bool IsIndexed(uint32_t d) const { return d < loaded; }
  // "new-new" or "new-indexed" for a reported pair of documents.
  const char* Scope(uint32_t a, uint32_t b) const {
    return IsIndexed(a) || IsIndexed(b) ? "new-indexed" : "new-new";
  }
};

struct Report {
  ScanOptions options;       // As given (threads excluded from outputs).
  LshParams lsh;             // Effective banding.
  double lsh_threshold = 0;  // What the banding was tuned for.
  uint64_t records = 0;      // documents.size() + skipped.size().
  uint64_t input_bytes = 0;  // Text bytes of all documents, before repair.
  uint64_t invalid_utf8 = 0;
  uint64_t looks_like_html = 0;  // Documents with Document::looks_like_html.
  // Records skipped because an earlier record has their id (under
  // RepeatedIds::kRename, their id and their text), and the first one's
  // location (empty if none).
  uint64_t duplicate_ids = 0;
  std::string first_duplicate_id;
  // Documents named "ID#HASH" (Document::input_id_bytes) because records
  // with other texts or metadata gave their id (RepeatedIds::kRename), or
  // because the index holds their id for another article
  // (IndexSummary::id_renamed).
  uint64_t RenamedIds() const {
    return static_cast<uint64_t>(
        std::count_if(documents.begin(), documents.end(),
                      [](const Document& d) { return d.input_id_bytes > 0; }));
  }
  // The id document d came with, if it was renamed; else empty.
  std::string_view InputIdOf(uint32_t d) const {
    return documents[d].input_id_bytes > 0 ? InputId(documents[d])
                                           : std::string_view();
  }
  uint64_t floor_words = 0;      // Words counted by a --floor run.
  // With --keep earliest: this run's documents whose `date` is not read as
  // a date (KeepPolicy::kEarliest compares it as text), and the first one.
  uint64_t dates_not_read = 0;
  uint32_t first_date_not_read = 0;
  // With --keep earliest: this run's documents without a date (ranked after
  // every dated one).
  uint64_t undated = 0;
  // JSONL records kept without an id (Document::id_from_location), and the
  // first one's location.
  uint64_t ids_from_location = 0;
  std::string first_id_from_location;
  // In input order. Their text is kept only when claims are enabled.
  std::vector<Document> documents;
  std::vector<SkippedRecord> skipped;    // In input order.
  // This run's documents read from an input whose compressed data failed
  // its check (SkippedRecord::damaged): reported, but not kept in a
  // deduplicated dataset (KeptDocuments), not chosen to stand for a
  // cluster while an undamaged member can, and not added to an index.
  // Indexes into `documents`, ascending.
  std::vector<uint32_t> damaged;
  bool IsDamaged(uint32_t d) const {
    return std::binary_search(damaged.begin(), damaged.end(), d);
  }
  // Records skipped as repeating an earlier one of this run: (index into
  // `skipped`, the document it repeats, counted among this run's own, i.e.
  // before the indexed articles a scan --index puts first). A repeat of a
  // record in a damaged file, read intact from another, stands in for it
  // (MarkDamaged).
  std::vector<std::pair<uint32_t, uint32_t>> repeated_records;
  uint64_t candidate_pairs = 0;          // LSH candidates verified.
  uint64_t capped_buckets = 0;           // LSH buckets over max_bucket.
  SimilarityMatrix similarity;           // Verified near-duplicate edges.
  std::vector<NearDuplicatePair> pairs;  // As reported (see DocumentCluster).
  std::vector<DocumentCluster> clusters;
  ClaimsResult claims;  // Empty when claims are disabled.
  // Why the claims stage gave no result although enabled: it hit a resource
  // limit (--claim-max-candidates) in a scan without --index. The
  // document-level results are complete and written; `claims` is empty.
  // Empty when the stage ran (or was disabled).
  std::string claims_error;
  IndexSummary index;  // scan --index only.
  Timings timings;     // Not part of report.json.
  // Processes that ran the scan: 1, or the MPI world size of an
  // `mpirun -np N refrain scan` (scan_mpi.h). The only field of report.json
  // that differs between a single-process and an N-rank run.
  uint32_t ranks = 1;
};

// Writes report.json. Deterministic: same report, same bytes.
void WriteJson(const Report& report, std::ostream& out);

// The short human summary printed by `refrain scan`. Ids and texts come
// from the input: their control characters (but \n and \t) are written as
// \u00XX, for a terminal would act on them (ESC recolours, \r overwrites).
void WriteSummary(const Report& report, std::ostream& out, int top_pairs = 10,
                  int top_claim_clusters = 5);

// One line per record not read, "location: reason", escaped as above.
void WriteSkipped(std::span<const SkippedRecord> skipped, std::ostream& out);

// The result of `refrain compare A B`: one pair of documents explained.
struct Comparison {
  std::vector<Document> documents;  // The two documents, A then B.
  double jaccard = 0;               // Of the word-shingle sets.
  double containment = 0;  // Shingles of the smaller found in the larger.
  ClaimsResult claims;     // Matches between A and B only.
  uint32_t shingle = 5;    // Words per shingle.
  // MinHash estimate of the Jaccard similarity, from the two signatures a
  // scan with the same ScanOptions::minhash computes (compare's CLI: the
  // defaults).
  double estimate = 0;
  // Whether a scan with the same options reports the pair as near-duplicates
  // (Jaccard, or containment with the length ratio, at their thresholds).
  bool near_duplicate = false;
  // Whether such a scan verifies the pair at all: its LSH banding (bands x
  // rows), the bands whose keys the two signatures share (none: never a
  // candidate, so never verified, whatever the Jaccard; a scan may still
  // cluster the two through a third document), and the chance that a pair
  // of this Jaccard shares one. A near-duplicate pair the banding misses
  // gets a lower --lsh-threshold that would make it a candidate (0: none
  // given), with its banding and the bands it shares there.
  LshParams lsh;
  // The banding is the index's (compare --index): a scan with that index
  // bands by it whatever its flags, so a lower threshold takes a new index.
  bool lsh_of_index = false;
  uint32_t bands_matched = 0;
  double candidate_probability = 0;
  double suggested_lsh_threshold = 0;
  LshParams suggested_lsh;
  uint32_t suggested_bands_matched = 0;
  // Where the claim scores' IDF comes from ("the inputs": the --in dump, as
  // a scan of it learns it); empty when claims were not compared.
  std::string idf;
  // Records of the inputs (--in) that were not read, with their reasons.
  std::vector<SkippedRecord> skipped;
};
void WriteCompareJson(const Comparison& c, std::ostream& out);
void WriteCompareText(const Comparison& c, std::ostream& out);

// What report.html embeds. The page must open quickly whatever the size of
// the dump, so everything that grows with it is capped; report.json and the
// CSV files always hold everything. Each capped list says how many items it
// left out. Caps count items in report order (largest clusters first).
struct HtmlOptions {
  // Page <title> and heading. Default "refrain report".
  std::string title = "refrain report";
  // Near-duplicate clusters shown, in report order. Default 200; 0 = none.
  uint32_t max_clusters = 200;
  // Members listed per near-duplicate cluster. Default 50; range >= 1.
  uint32_t max_cluster_members = 50;
  // Pairs (Jaccard, containment) listed per near-duplicate cluster.
  // Default 20; 0 = none.
  uint32_t max_cluster_pairs = 20;
  // Claim clusters shown, in report order. Default 200; 0 = none.
  uint32_t max_claim_clusters = 200;
  // Units shown side by side per claim cluster. Default 12; range >= 2.
  uint32_t max_claim_members = 12;
  // Matches (unit pairs with scores) listed per claim cluster. Default 20.
  uint32_t max_claim_matches = 20;
  // Articles in the article view: documents of the shown clusters, taken
  // rank by rank (claim 1, cluster 1, claim 2, ...), listed in input order.
  // Default 300; 0 = no article view.
  uint32_t max_articles = 300;
  // Bytes of one article's text shown; longer texts are cut (at a UTF-8
  // boundary) with a note. Default 100000.
  uint32_t max_article_bytes = 100000;
  // Documents on the similarity heatmap (a dense n x n matrix, so keep it
  // small): members of the top near-duplicate clusters, then documents
  // sharing claim matches. Default 80; range 2..400.
  uint32_t heatmap_docs = 80;
  // Skipped input records listed with their reasons. Default 100.
  uint32_t max_skipped = 100;
  // Show the stage timings (the only part of the page that differs between
  // two runs over the same input). Default true.
  bool show_timings = true;
  // The page is written beside report.json and the CSVs (scan), so its
  // notes on capped lists and its footer point to them. False for a page
  // alone (compare --html): they point to compare's --json output.
  bool beside_report_files = true;
  // Flagged matches (numbers differ, may state opposites, hedged) listed
  // together above the claim cards, both statements side by side, in
  // report order. Default 300; 0 = none.
  uint32_t max_flagged_matches = 300;
  // compare --html: the pair the page explains (its similarity, where the
  // claim scores' IDF comes from), shown first. Must outlive WriteHtml.
  // Default none (a scan's page).
  const Comparison* comparison = nullptr;
};

// Writes report.html: one self-contained page (inline CSS, JS and SVG; no
// network access, enforced by its Content-Security-Policy) with the
// summary, near-duplicate clusters, claim clusters side by side with their
// shared words marked, the matched articles with every matched span marked,
// a similarity heatmap, score histograms and a filter box. Every text from
// the input is HTML-escaped and no input text is placed inside the script.
// Deterministic: the same report and options give the same bytes. Cost:
// linear in the report plus the embedded (capped) items.
void WriteHtml(const Report& report, std::ostream& out,
               const HtmlOptions& options = {});

// Writes pairs.csv: one row per entry of report.pairs, columns
// a,b,jaccard,containment,estimate,cluster (document ids; scores rounded to
// 6 decimals as in report.json; cluster = 0-based index into
// near_duplicates.clusters). RFC 4180: UTF-8, CRLF line ends, a header row,
// fields containing a comma, quote, CR or LF are quoted with quotes doubled.
void WritePairsCsv(const Report& report, std::ostream& out);

// Writes claims.csv: one row per claim match, columns
// doc_a,start_a,end_a,text_a,doc_b,start_b,end_b,text_b,score,cosine,kind
// (byte offsets into the original text, text = those bytes). Same CSV
// dialect as WritePairsCsv.
void WriteClaimsCsv(const Report& report, std::ostream& out);

// Writes documents.csv: one row per document of this run (in an indexed
// scan, not those loaded from the index), in input order, columns
// id,location,cluster,cluster_size,representative,keep,claim_matches.
// cluster = 0-based index into near_duplicates.clusters and representative
// = the id of its representative (both empty outside any cluster); keep =
// KeptDocuments(); claim_matches = claim matches with a unit of the
// document. Same CSV dialect as WritePairsCsv.
void WriteDocumentsCsv(const Report& report, std::ostream& out);

// Per document of `report`: 1 if a deduplicated dataset keeps it (it is in
// no near-duplicate cluster, or is its cluster's representative, and no
// earlier run indexed its id: IndexSummary::reindexed), else 0:
// documents.csv's `keep`.
std::vector<char> KeptDocuments(const Report& report);

// The verified near-duplicate pairs the report is about: in an indexed
// scan, pairs of two indexed documents (verified again because both were
// loaded, and reported by the run that added the later), and those of an
// article delivered again unchanged (IndexSummary::unchanged) with another
// such or an indexed document, which report.json does not list either, are
// not counted.
uint64_t VerifiedPairsOfThisRun(const Report& report);
// Those of an article delivered again unchanged with another such or an
// indexed document: report.json's index.unchanged_pairs.
uint64_t VerifiedPairsOfUnchangedArticles(const Report& report);

// scan --write-kept: reads `paths` (the scan's inputs, unchanged) again and
// writes the records of this run's kept documents to `out_path`, in input
// order, one JSON object a line: a JSONL record verbatim (every field as
// given), a text file as {"id": ..., "text": <its content>}. Skipped
// records and the copies a dedup drops are left out. Compressed by
// extension (.gz, .zst) and written atomically: a temporary file, synced,
// then renamed. Returns the number of records written; fails, writing
// nothing, if the inputs no longer hold the scanned documents.
absl::StatusOr<uint64_t> WriteKeptRecords(const Report& report,
                                          std::span<const std::string> paths,
                                          const std::string& out_path);

namespace internal {
class Sink;
}  // namespace internal

// WriteKeptRecords up to the rename: the dataset written and synced to a
// temporary file beside its final name. Commit() renames it (WriteReports
// does, with the report files); destroyed before that, it removes the
// temporary and leaves any earlier dataset as it was.
class PendingKeptRecords {
 public:
  PendingKeptRecords(PendingKeptRecords&&) noexcept;
  PendingKeptRecords& operator=(PendingKeptRecords&&) noexcept;
  ~PendingKeptRecords();
  uint64_t records() const { return records_; }  // Records written.
  absl::Status Commit();

 private:
  friend absl::StatusOr<PendingKeptRecords> PrepareKeptRecords(
      const Report&, std::span<const std::string>, const std::string&);
  PendingKeptRecords(std::unique_ptr<internal::Sink> sink, uint64_t records);
  std::unique_ptr<internal::Sink> sink_;
  uint64_t records_ = 0;
};
absl::StatusOr<PendingKeptRecords> PrepareKeptRecords(
    const Report& report, std::span<const std::string> paths,
    const std::string& out_path);

// The files WriteReports writes into its directory, in the order written.
inline constexpr const char* kReportFiles[] = {
    "report.json", "report.html", "documents.csv", "pairs.csv", "claims.csv"};
// Whether `name` (a file name, no directory) is one of kReportFiles.
inline bool IsReportFileName(std::string_view name) {
  return std::find(std::begin(kReportFiles), std::end(kReportFiles), name) !=
         std::end(kReportFiles);
}

// Writes every report file into `out_dir` (created if missing), each one
// atomically: the kReportFiles. All are
// written to temporary files first and renamed only when all are on disk,
// so a failing write (full disk, read-only directory) leaves every previous
// file untouched and no temporary file behind.
// With `kept`, that dataset is renamed last, once the report files are in
// place: a full disk under `out_dir` or an interrupt while the reports are
// written leaves the earlier dataset beside the earlier reports, not a new
// dataset beside old reports.
absl::Status WriteReports(const Report& report, const std::string& out_dir,
                          const HtmlOptions& html = {},
                          PendingKeptRecords* kept = nullptr);

// Writes `contents` to `path` atomically: a temporary file in the same
// directory, flushed, then renamed over `path`.
absl::Status WriteFileAtomically(const std::string& path,
                                 const std::string& contents);

// Makes SIGINT, SIGTERM, SIGHUP and SIGPIPE remove the temporary files refrain
// is writing (the report files and --write-kept output go to hidden
// ".NAME.tmp.XXXXXX" files beside their final names, renamed when whole)
// before the process ends as the signal would have ended it: an interrupted
// run (Ctrl-C at a million articles, during a 300 MB report.json) leaves
// none behind. A signal ignored when it is called (SIGHUP under nohup,
// SIGINT in a shell's background job) stays ignored. The refrain CLI calls
// it at start; a program with signal handlers of its own calls
// RemoveTemporaryFiles() from them instead.
void InstallTemporaryFileCleanup();

// Removes the temporary files being written now. Async-signal-safe.
void RemoveTemporaryFiles();

}  // namespace refrain

#endif  // REFRAIN_REPORT_H_

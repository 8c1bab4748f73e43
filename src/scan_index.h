// Internal: the `scan --index` step of RunScan (scan.cc), kept apart so the
// scan without an index is untouched by it.
//
// Stages, in RunScan's order:
//   Open()         before ingest: opens and checks the index (a bad index
//                  fails the scan before any work);
//   FindRelated()  after ingest and sketching: takes the index's write lock,
//                  finds the indexed documents sharing an LSH bucket with a
//                  new document or one of its claim units, and loads them;
//                  RunScan puts them in front of the new documents;
//   claims()       the FindClaims hook: IDF = index counts + new documents,
//                  and only pairs with a new document are scored;
//   Finish()       keeps in the report only what involves a new document,
//                  adds the new documents to the index and commits: all of
//                  them or, on any failure, none.
#ifndef REFRAIN_SRC_SCAN_INDEX_H_
#define REFRAIN_SRC_SCAN_INDEX_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "refrain/claims.h"
#include "refrain/index.h"
#include "refrain/report.h"
#include "refrain/scan.h"
#include "refrain/shingle.h"

namespace refrain::internal {

// A new document and an indexed one that came with its id are the same
// article (edited or not) when their signatures agree in at least this
// share of their slots (the MinHash estimate of Jaccard similarity). A
// correction or an added paragraph keeps most of an article's shingles,
// while two different articles share almost none.
inline constexpr double kSameArticle = 0.5;

// Or, for a page read from HTML under the same id, when at least this
// share of its shingles, and at least kSameArticleMinShingles of them, lie
// in the indexed text: the same page, read by a refrain that leaves out
// more of its chrome (review 52b-01: every page of an HTML archive indexed
// before menus and sidebars were left out came back as a new article under
// ID#HASH). Only pages, and only the new text inside the old: a brief or a
// cut re-delivery of a plain-text article under its id, or another story
// quoting it whole, is no edit that may replace it (review 52c-01).
inline constexpr double kSameArticleContainment = 0.9;
inline constexpr size_t kSameArticleMinShingles = 8;
bool SameArticleByContainment(std::string_view now, std::string_view indexed,
                              const ShingleOptions& shingle);

// How the ids of new documents stand in an index. Per document:
struct IdsInIndex {
  // The indexed row of the same article, under its id or under the other
  // name of its record (then `by_other_name`); else 0 (new to the index).
  std::vector<int64_t> row;
  // 1 when `row` was found under the other name of its record: ID#HASH for
  // an id alone in this run, ID for one shared in it (Document::
  // input_id_bytes). The document takes that name.
  std::vector<char> by_other_name;
  // 1 when the index holds its id for another article (dumps that number
  // their ids from 1 each day): the document is renamed ID#HASH, as a
  // record of an id shared within one dump is, and added under that name.
  std::vector<char> renamed;
  // 1 when the index holds its id for another article and the name
  // ID#HASH is held too (an id shared in this run, a literal id, or a hash
  // alike): compared as new, not added (IndexSummary::id_taken).
  std::vector<char> taken;
  // 1 when it lost its indexed article to another document of this run
  // (the current text beside an earlier one, a catch-up dump) and its text
  // is one an edit replaced in that article (IndexedVersion::superseded):
  // an older version, compared but not added (review 44c-02).
  std::vector<char> older;
};

// Looks the ids of `docs` up in `index` and renames the documents that
// take another name (by_other_name, renamed). `signature(i)` is the MinHash
// signature of docs[i] (asked only of documents whose id is indexed).
// scan --index and compare --index share it, so that both count the same
// documents as indexed.
absl::StatusOr<IdsInIndex> MatchIdsInIndex(
    const Index& index, std::span<Document> docs,
    const std::function<std::span<const uint32_t>(size_t)>& signature);

// Whether two texts are the same once every run of ASCII whitespace is one
// space and both ends are trimmed: a feed that re-serializes yesterday's
// articles (CRLF for LF, a trailing newline, reflowed paragraphs) delivers
// them unchanged (IndexSummary::unchanged). A space added or removed
// inside a word's run of letters ("ab" / "a b") is a change.
bool SameUpToWhitespace(std::string_view a, std::string_view b);

// The document banding of the index at options.index_path, if there is a
// readable one that a dump was added to (nothing if not: IndexedScan::Open
// then says why, or gives a never-written index this scan's banding).
std::optional<LshParams> IndexBanding(const ScanOptions& options);

class IndexedScan {
 public:
  // Opens options.index_path, creating it if missing; refuses an index
  // built with other parameters.
  static absl::StatusOr<IndexedScan> Open(const ScanOptions& options,
                                          LshParams lsh);

  // `docs` are the new documents, `signature(i)` the MinHash signature of
  // docs[i]. Returns the related indexed documents in index order. A new
  // document whose id is not indexed, but the other name of its record is
  // (Document::input_id_bytes: "0#3f2a9c1b" when its id was shared in one
  // run, "0" when alone in another) as the same article, takes the
  // indexed name.
  absl::StatusOr<std::vector<IndexedDocument>> FindRelated(
      std::span<Document> docs,
      const std::function<std::span<const uint32_t>(size_t)>& signature);

  // The dump of each document FindRelated() returned, in its order.
  const std::vector<IndexedOrigin>& origins() const { return origins_; }
  // IndexSummary's reindexed, edited_left_out and rerun_kept, once the
  // `loaded` documents FindRelated() returned are in front of the new ones.
  void SetReindexed(uint32_t loaded, IndexSummary* ix) const;

  // Valid after FindRelated() and once the loaded documents are in front of
  // the new ones; `loaded` is their number.
  ClaimsIncremental* claims(uint32_t loaded);

  // `fingerprints(d)` and `signature(d)`: sorted, distinct shingle
  // fingerprints and signature of report document d (new ones only are
  // asked). `paths` name the dump. Fills report->index, then, when the scan
  // adds to the index, calls before_commit (if any; its error leaves the
  // index as it was) and commits.
  absl::Status Finish(
      std::span<const std::string> paths,
      const std::function<std::span<const uint32_t>(size_t)>& fingerprints,
      const std::function<std::span<const uint32_t>(size_t)>& signature,
      const std::function<absl::Status(Report*)>& before_commit,
      Report* report);

 private:
  // inc's callbacks to the index's IDF counts and counted texts.
  void SetIndexCounts(ClaimsIncremental* inc) const;
  IndexedScan(Index index, const ScanOptions& options)
      : index_(std::move(index)), options_(&options) {}

  // The new documents whose id is indexed (already_ set), and their rows.
  void AlreadyIndexed(std::vector<size_t>* which,
                      std::vector<int64_t>* rows) const;

  // Sets same_text_ and unchanged_ from the indexed texts of the already_
  // documents.
  absl::Status FindUnchanged(std::span<const Document> docs);

  // Of the indexed documents holding the units `found` (FindUnits of the
  // new units in `units`, sketched into `sketch`), those with a unit whose
  // IDF-weighted cosine with a new unit it shares a bucket with nearly
  // reaches the claims stage's gate: the others cannot give a match.
  // Row ids, ascending.
  absl::StatusOr<std::vector<int64_t>> GatedDocuments(
      const ClaimsResult& units, const ClaimsIncremental& sketch,
      std::span<const IndexedUnit> found) const;

  Index index_;
  const ScanOptions* options_;
  uint64_t documents_before_ = 0;
  // Per new document: its row in the index when it is already indexed as
  // the same article (it is compared but not added again), else 0
  // (IdsInIndex::row).
  std::vector<int64_t> already_;
  // Per new document: IdsInIndex::taken (IndexSummary::id_taken) and
  // IdsInIndex::renamed (IndexSummary::id_renamed).
  std::vector<char> id_taken_;
  std::vector<char> id_renamed_;
  // Per new document: IdsInIndex::by_other_name
  // (IndexSummary::named_as_indexed).
  std::vector<char> by_other_name_;
  // Per new document: 1 when it is already indexed (already_) with the
  // same text up to whitespace; the others of already_ replace their
  // indexed version.
  std::vector<char> same_text_;
  // same_text_, unless --index-report-unchanged reports them again
  // (IndexSummary::unchanged).
  std::vector<char> unchanged_;
  // Per new document of already_: 1 when the run that indexed its version
  // left that out of its deduplicated dataset (IndexedOrigin::kept).
  std::vector<char> left_out_;
  // Per new document: 1 when same_text_ but a source, title, URL or date
  // it has differs from the indexed one (IndexSummary::corrected). A field
  // the record lacks (empty) is no correction: the indexed value stays.
  std::vector<char> corrected_;
  // Per new document of already_: its fields (bit MetadataField) whose
  // value the index keeps as replaced by a correction or an edit
  // (IndexedVersion::superseded_metadata): stale, not taken.
  std::vector<uint8_t> stale_;
  // Per new document: 1 when it is an older version of its indexed article
  // (IndexSummary::older): not added, the index keeping the newer.
  std::vector<char> older_;
  // Per new document that replaces its indexed version (an edit): the
  // indexed version's metadata, from which a field the edit lacks is
  // taken when it is indexed (empty for the others).
  std::vector<IndexedVersion> replaced_meta_;
  std::vector<IndexedOrigin> origins_;  // Of the loaded documents.
  ClaimsIncremental claims_;
  double seconds_ = 0;  // Spent in Open, FindRelated and Finish.
};

}  // namespace refrain::internal

#endif  // REFRAIN_SRC_SCAN_INDEX_H_
